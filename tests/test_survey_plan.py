"""Which follow-up survey wave is due for a completed seat, and its one reminder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.training.surveys import Action, SurveyPlan
from storage.models import SurveyResponse

DONE = datetime(2026, 12, 1, 11, tzinfo=UTC)  # the batch's completion
PLAN = SurveyPlan(after_days=(0, 90, 180), reminder_days=7)


def days(n: float) -> datetime:
    return DONE + timedelta(days=n)


def sent(
    wave: int, at: datetime, *, reminded: bool = False, answered: bool = False
) -> SurveyResponse:
    return SurveyResponse(
        enrollment_id=1,
        wave=wave,
        sent_at=at,
        reminded_at=at + timedelta(days=7) if reminded else None,
        answered_at=at + timedelta(hours=1) if answered else None,
    )


def test_each_wave_on_its_day_and_only_the_latest_due() -> None:
    assert PLAN.action(DONE, {}, days(0)) == (Action.SEND, 0)
    assert SurveyPlan(after_days=(1, 90)).action(DONE, {}, days(0.5)) is None
    answered = {0: sent(0, DONE, answered=True)}
    assert PLAN.action(DONE, answered, days(89.9)) is None
    assert PLAN.action(DONE, answered, days(90)) == (Action.SEND, 90)
    # Completed long before: one survey, the latest wave, not three at once.
    assert PLAN.action(DONE, {}, days(200)) == (Action.SEND, 180)


def test_one_reminder_at_most_and_none_once_answered() -> None:
    first = {0: sent(0, DONE)}
    assert PLAN.action(DONE, first, days(6.9)) is None
    assert PLAN.action(DONE, first, days(7)) == (Action.REMIND, 0)
    assert PLAN.action(DONE, {0: sent(0, DONE, reminded=True)}, days(30)) is None
    assert PLAN.action(DONE, {0: sent(0, DONE, answered=True)}, days(30)) is None
    assert SurveyPlan(reminder_days=0).action(DONE, first, days(30)) is None
    # A later wave supersedes an unanswered earlier one; it gets its own reminder.
    later = {**first, 90: sent(90, days(90))}
    assert PLAN.action(DONE, later, days(97)) == (Action.REMIND, 90)

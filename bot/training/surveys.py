"""Follow-up surveys: after a batch is completed, and again after the settings' days
(SURVEY_AFTER_DAYS, "0,90,180"), each seat with a result gets a short survey through
the outbox, answered with buttons one question at a time; unanswered after
SURVEY_REMINDER_DAYS it is sent once more. Nothing goes to an account that pressed
"Berhenti menerima survei" or erased its data (its seats, and so its waves, are gone).

Only the latest wave that is due is sent: a seat completed long before the bot knew
surveys gets one survey, not three at once. The answers are the coordinators' impact
figures (`storage.statistics_repository`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock
from bot.delivery.templates import Template, enqueue_template
from storage.database import Database
from storage.models import SurveyResponse
from storage.survey_repository import SurveyedSeat, SurveyRepository


class Question(StrEnum):
    """The questions in order; the values are the answer columns: never rename."""

    RATING = "rating"
    BUSINESS = "business"
    NIB = "nib"
    TURNOVER = "turnover"
    KUR = "kur"
    EMPLOYEES = "employees"


# Each question's answer codes, as stored and as shown in button order. Turnover is per
# month in rupiah (none, under 5 million, 5-15 million, over 15 million).
OPTIONS: Mapping[Question, tuple[str, ...]] = {
    Question.RATING: ("1", "2", "3", "4", "5"),
    Question.BUSINESS: ("started", "grown", "no"),
    Question.NIB: ("yes", "no"),
    Question.TURNOVER: ("none", "lt5", "5to15", "gt15"),
    Question.KUR: ("no", "applied", "got"),
    Question.EMPLOYEES: ("0", "1to2", "3to5", "6plus"),
}
QUESTIONS = tuple(Question)


class Action(StrEnum):
    SEND = "send"
    REMIND = "remind"


@dataclass(frozen=True)
class SurveyPlan:
    """When surveys go out; the defaults are the settings' defaults."""

    after_days: tuple[int, ...] = (0, 90, 180)
    reminder_days: int = 7

    def due_wave(self, completed_at: datetime, now: datetime) -> int | None:
        """The latest wave whose day has come, or None before the first."""
        due = [d for d in self.after_days if completed_at + timedelta(days=d) <= now]
        return max(due, default=None)

    def action(
        self, completed_at: datetime, waves: Mapping[int, SurveyResponse], now: datetime
    ) -> tuple[Action, int] | None:
        """What to do for one seat now, given its waves so far: send the due wave, remind
        it once when unanswered for `reminder_days`, or nothing."""
        wave = self.due_wave(completed_at, now)
        if wave is None:
            return None
        sent = waves.get(wave)
        if sent is None:
            return Action.SEND, wave
        if (
            self.reminder_days
            and sent.answered_at is None
            and sent.reminded_at is None
            and sent.sent_at + timedelta(days=self.reminder_days) <= now
        ):
            return Action.REMIND, wave
        return None

    @property
    def window(self) -> timedelta:
        """How long after completion a seat may still need something."""
        return timedelta(days=max(self.after_days, default=0) + self.reminder_days + 1)


def next_question(response: SurveyResponse) -> Question | None:
    """The first question not answered yet; None when the survey is complete."""
    return next((q for q in QUESTIONS if getattr(response, q.value) is None), None)


class AnswerOutcome(StrEnum):
    NEXT = "next"
    DONE = "done"
    STALE = "stale"  # not this person's, opted out, already answered or not an option


@dataclass(frozen=True)
class SurveyStep:
    """Where a person's survey stands after an answer (or when it is sent)."""

    outcome: AnswerOutcome
    seat: SurveyedSeat | None = None
    question: Question | None = None


class SurveyService:
    def __init__(self, db: Database, plan: SurveyPlan | None = None, clock: Clock | None = None):
        self._db = db
        self.plan = plan or SurveyPlan()
        self.clock = clock or Clock()

    async def plan_due(self) -> int:
        """Queue every due wave and reminder; returns how many messages were queued."""
        now = self.clock.now()
        queued = 0
        async with self._db.transaction() as session:
            repository = SurveyRepository(session)
            candidates = await repository.candidates(now - self.plan.window)
            waves: dict[int, dict[int, SurveyResponse]] = {}
            for row in await repository.of_seats([c.enrollment_id for c in candidates]):
                waves.setdefault(row.enrollment_id, {})[row.wave] = row
            for seat in candidates:
                found = self.plan.action(seat.completed_at, waves.get(seat.enrollment_id, {}), now)
                if found is None:
                    continue
                action, wave = found
                if action is Action.SEND:
                    repository.add(
                        SurveyResponse(enrollment_id=seat.enrollment_id, wave=wave, sent_at=now)
                    )
                else:
                    waves[seat.enrollment_id][wave].reminded_at = now
                reminder = action is Action.REMIND
                key = f"survey:{seat.enrollment_id}:{wave}" + (":reminder" if reminder else "")
                queued += await enqueue_template(
                    session,
                    seat.telegram_id,
                    Template.SURVEY,
                    {"enrollment_id": seat.enrollment_id, "wave": wave, "reminder": reminder},
                    dedupe_key=key,
                    not_before=now,
                    enrollment_id=seat.enrollment_id,
                )
        return queued

    async def current(self, telegram_id: int, enrollment_id: int, wave: int) -> SurveyStep:
        """The question to ask now (for the outbox message): STALE when the survey was
        answered meanwhile, the person opted out or it is not theirs."""
        async with self._db.transaction() as session:
            return await self._step(SurveyRepository(session), telegram_id, enrollment_id, wave)

    async def answer(
        self, telegram_id: int, enrollment_id: int, wave: int, question: str, value: str
    ) -> SurveyStep:
        """Stores one answer when it is the next question's and one of its options; a
        repeated or forged press changes nothing."""
        async with self._db.transaction() as session:
            repository = SurveyRepository(session)
            step = await self._step(repository, telegram_id, enrollment_id, wave)
            if step.question is None or step.question.value != question:
                return SurveyStep(AnswerOutcome.STALE)
            if value not in OPTIONS[step.question]:
                return SurveyStep(AnswerOutcome.STALE)
            assert step.seat is not None
            response = step.seat.response
            setattr(response, question, int(value) if step.question is Question.RATING else value)
            following = next_question(response)
            if following is None:
                response.answered_at = self.clock.now()
                return SurveyStep(AnswerOutcome.DONE, step.seat)
            return SurveyStep(AnswerOutcome.NEXT, step.seat, following)

    async def opt_out(self, telegram_id: int) -> bool:
        """ "Berhenti menerima survei"; False when already done. Queued surveys are skipped
        when their turn comes."""
        async with self._db.transaction() as session:
            return await SurveyRepository(session).opt_out(telegram_id, self.clock.now())

    async def of_person(self, telegram_id: int) -> list[SurveyedSeat]:
        async with self._db.transaction() as session:
            return await SurveyRepository(session).of_person(telegram_id)

    async def _step(
        self, repository: SurveyRepository, telegram_id: int, enrollment_id: int, wave: int
    ) -> SurveyStep:
        seat = await repository.seat(enrollment_id, wave)
        if seat is None or seat.telegram_id != telegram_id:
            return SurveyStep(AnswerOutcome.STALE)
        if await repository.opted_out(telegram_id):
            return SurveyStep(AnswerOutcome.STALE)
        question = next_question(seat.response)
        if question is None:
            return SurveyStep(AnswerOutcome.STALE)
        return SurveyStep(AnswerOutcome.NEXT, seat, question)

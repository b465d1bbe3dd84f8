"""The rules of a batch set in chat: each answer alone, and the whole plan on save."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.training.batch_rules import (
    BatchField,
    BatchPlan,
    BatchProblem,
    BatchRefused,
    check_plan,
    read_capacity,
    read_day,
    read_hours,
    read_title,
)

TODAY = date(2026, 11, 24)
PLAN = BatchPlan(
    title="Kewirausahaan Kuliner",
    first_day=date(2027, 1, 12),
    last_day=date(2027, 1, 16),
    daily_start=time(8),
    daily_end=time(16),
    capacity=30,
    deadline=date(2027, 1, 5),
)
EVERY_FIELD = frozenset(BatchField)


def problem_of(plan: BatchPlan, *, seats_taken: int = 0, changed=EVERY_FIELD) -> BatchProblem:
    with pytest.raises(BatchRefused) as refused:
        check_plan(plan, today=TODAY, seats_taken=seats_taken, changed=changed)
    return refused.value.problem


def test_a_sound_plan_passes() -> None:
    check_plan(PLAN, today=TODAY, seats_taken=0, changed=EVERY_FIELD)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"title": "ab"}, BatchProblem.TITLE_LENGTH),
        ({"title": "x" * 201}, BatchProblem.TITLE_LENGTH),
        ({"first_day": TODAY - timedelta(days=1)}, BatchProblem.IN_PAST),
        ({"last_day": date(2027, 1, 11)}, BatchProblem.END_BEFORE_START),
        ({"daily_end": time(8)}, BatchProblem.HOURS_REVERSED),
        ({"capacity": 0}, BatchProblem.CAPACITY_RANGE),
        ({"capacity": 10_001}, BatchProblem.CAPACITY_RANGE),
        ({"deadline": date(2027, 1, 13)}, BatchProblem.DEADLINE_AFTER_START),
        ({"deadline": TODAY - timedelta(days=1)}, BatchProblem.DEADLINE_PASSED),
    ],
)
def test_each_rule_refuses(change: dict[str, object], problem: BatchProblem) -> None:
    assert problem_of(replace(PLAN, **change)) is problem


def test_capacity_never_below_the_seats_taken() -> None:
    assert problem_of(PLAN, seats_taken=31) is BatchProblem.BELOW_SEATS_TAKEN
    check_plan(PLAN, today=TODAY, seats_taken=30, changed={BatchField.CAPACITY})


def test_a_running_batch_may_still_be_edited() -> None:
    """Dates in the past are refused only where they are being set."""
    running = replace(PLAN, first_day=TODAY - timedelta(days=2), deadline=TODAY - timedelta(days=3))
    check_plan(running, today=TODAY, seats_taken=5, changed={BatchField.CAPACITY})
    assert problem_of(running, changed={BatchField.FIRST_DAY}) is BatchProblem.IN_PAST
    assert problem_of(running, changed={BatchField.DEADLINE}) is BatchProblem.DEADLINE_PASSED


def test_a_deadline_on_the_first_day_is_allowed() -> None:
    check_plan(
        replace(PLAN, deadline=PLAN.first_day), today=TODAY, seats_taken=0, changed=EVERY_FIELD
    )


@pytest.mark.parametrize(
    ("reader", "text", "problem"),
    [
        (lambda t: read_day(t, TODAY), "besok", BatchProblem.UNREADABLE_DATE),
        (read_hours, "pagi", BatchProblem.UNREADABLE_HOURS),
        (read_hours, "16.00-08.00", BatchProblem.HOURS_REVERSED),
        (read_capacity, "tiga puluh", BatchProblem.UNREADABLE_CAPACITY),
        (read_capacity, "-5", BatchProblem.UNREADABLE_CAPACITY),
        (read_capacity, "0", BatchProblem.CAPACITY_RANGE),
        (read_title, "  a  ", BatchProblem.TITLE_LENGTH),
    ],
)
def test_answers_that_are_asked_again(reader, text: str, problem: BatchProblem) -> None:
    with pytest.raises(BatchRefused) as refused:
        reader(text)
    assert refused.value.problem is problem
    assert refused.value.key.startswith("batch-admin-error-")


def test_answers_that_are_read() -> None:
    assert read_title("  Kuliner   Dasar ") == "Kuliner Dasar"
    assert read_capacity("30 orang") == 30
    assert read_hours("08.00-16.00") == (time(8), time(16))
    assert read_day("12 jan 27", TODAY) == date(2027, 1, 12)


@given(
    st.dates(min_value=TODAY - timedelta(days=30), max_value=TODAY + timedelta(days=400)),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=-5, max_value=60),
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=40),
)
def test_a_plan_passes_exactly_when_every_rule_holds(
    first: date, length: int, lead: int, capacity: int, taken: int
) -> None:
    plan = replace(
        PLAN,
        first_day=first,
        last_day=first + timedelta(days=length),
        deadline=first - timedelta(days=lead),
        capacity=capacity,
    )
    sound = (
        first >= TODAY
        and plan.deadline <= first
        and plan.deadline >= TODAY
        and capacity >= 1
        and capacity >= taken
    )
    try:
        check_plan(plan, today=TODAY, seats_taken=taken, changed=EVERY_FIELD)
    except BatchRefused:
        assert not sound
    else:
        assert sound

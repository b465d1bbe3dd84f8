"""The check-in's pure rules: reading a typed code, the keyed codes and links, training
days and hours in the BLK's zone, and the rules file."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.training.check_in_codes import (
    ALPHABET,
    CODE_LENGTH,
    CheckInKeys,
    Moment,
    TrainingDays,
    qr_png,
    read_code,
)
from bot.training.eligibility import RulesError
from bot.training.training_rules import TrainingRules

KEYS = CheckInKeys(lambda text: hmac.new(b"k", text.encode(), hashlib.sha256).hexdigest())
codes = st.text(alphabet=ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)
separators = st.sampled_from(["", " ", "-", "  ", "_", "."])


@given(
    codes, st.lists(separators, min_size=CODE_LENGTH + 1, max_size=CODE_LENGTH + 1), st.booleans()
)
def test_a_code_is_read_however_it_is_typed(code: str, gaps: list[str], lower: bool) -> None:
    typed = "".join(gap + symbol for gap, symbol in zip(gaps, code, strict=False)) + gaps[-1]
    assert read_code(typed.lower() if lower else typed) == code


@given(st.text(max_size=20))
def test_anything_else_is_no_code(text: str) -> None:
    code = read_code(text)
    assert code is None or (len(code) == CODE_LENGTH and set(code) <= set(ALPHABET))


@pytest.mark.parametrize("text", ["7K3QX", "7K3QXPP", "7K3QX0", "OK3QXP", "1K3QXP", "7K3QXL", ""])
def test_wrong_length_or_confusable_symbols_are_refused(text: str) -> None:
    assert read_code(text) is None


def test_codes_are_keyed_per_batch_and_day() -> None:
    day = date(2026, 11, 26)
    code = KEYS.code_for(7, day)
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
    assert code == KEYS.code_for(7, day)  # a retried update shows the same code
    others = {KEYS.code_for(7, day + timedelta(days=n)) for n in range(1, 30)}
    others |= {KEYS.code_for(n, day) for n in range(8, 40)}
    assert code not in others
    other_key = CheckInKeys(lambda text: hmac.new(b"x", text.encode(), "sha256").hexdigest())
    assert other_key.code_for(7, day) != code


def test_links_fit_telegram_and_cannot_be_forged() -> None:
    day = date(2026, 11, 26)
    payload = KEYS.payload_for(2**31 - 1, day)
    assert len(payload) <= 64 and payload.replace("-", "").isalnum()
    assert KEYS.read_payload(payload) == (2**31 - 1, day)
    forged = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    assert KEYS.read_payload(forged) is None
    other_day = KEYS.payload_for(2**31 - 1, day + timedelta(days=1))
    assert KEYS.read_payload(other_day.rsplit("-", 1)[0] + "-" + payload.rsplit("-", 1)[1]) is None


@given(st.text(max_size=70))
def test_any_start_payload_is_read_safely(payload: str) -> None:
    assert KEYS.read_payload(payload) is None


def test_training_days_follow_the_week_and_the_blk_zone() -> None:
    # Friday 4 to Wednesday 9 December 2026, 08.00-16.00 WIT (UTC+9).
    days = TrainingDays(
        datetime(2026, 12, 3, 23, 0, tzinfo=UTC),
        datetime(2026, 12, 9, 7, 0, tzinfo=UTC),
        "Asia/Jayapura",
        frozenset(range(5)),  # Monday to Friday
    )
    assert list(days.days()) == [date(2026, 12, d) for d in (4, 7, 8, 9)]
    assert not days.is_training_day(date(2026, 12, 5))  # Saturday
    start, end = days.hours(date(2026, 12, 7))
    assert (start.hour, end.hour, start.tzname()) == (8, 16, "WIT")
    hour = timedelta(hours=1)
    moment = lambda at: days.moment(date(2026, 12, 7), at, hour)  # noqa: E731
    assert moment(start - hour - timedelta(seconds=1)) is Moment.EARLY
    assert moment(start - hour) is Moment.OPEN
    assert moment(end + hour) is Moment.OPEN
    assert moment(end + hour + timedelta(seconds=1)) is Moment.LATE


def test_the_qr_code_is_a_png() -> None:
    assert qr_png("https://t.me/blk_bot?start=ci7-20261126-0123456789abcdef0123").startswith(
        b"\x89PNG"
    )


def test_the_rules_file_holds_the_defaults() -> None:
    assert TrainingRules.from_toml() == TrainingRules()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("training_weekdays = []", "at least one day"),
        ('training_weekdays = ["minggu"]', "must be a list of"),
        ("check_in_misses_per_hour = 0", "1 to 1000"),
        ("completion_min_attendance_percent = 101", "0 to 100"),
        ("check_in_tolerance_minutes = true", "whole number"),
        ("colour = 1", "unknown setting"),
    ],
)
def test_bad_rules_are_refused_with_the_key(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(RulesError, match=problem):
        TrainingRules.from_toml(path)

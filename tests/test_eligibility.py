"""Tests for bot.training.eligibility: rules files, every verdict and reason, ages, properties."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.registration.participants import BusinessStatus
from bot.training.eligibility import (
    BLOCKING_REASONS,
    MISSING_REASONS,
    PRIORITY_REASONS,
    Applicant,
    Assessment,
    EligibilityRules,
    Reason,
    RulesError,
    Verdict,
    assess,
)

B = BusinessStatus
BATCH = date(2026, 3, 2)
ADULT = date(1990, 5, 17)  # 35 on BATCH
DEFAULTS = EligibilityRules()


def applicant(
    birth_date: date | None = ADULT,
    business: BusinessStatus | None = B.MEDIUM,
    phk: bool | None = False,
    live: int = 0,
) -> Applicant:
    return Applicant(
        birth_date=birth_date, business_status=business, phk_affected=phk, live_enrollments=live
    )


def check(a: Applicant, rules: EligibilityRules = DEFAULTS, on: date = BATCH) -> Assessment:
    return assess(rules, a, on)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- rules files ------------------------------------------------------------


def test_packaged_defaults_match_the_documented_values() -> None:
    rules = EligibilityRules.from_toml()
    assert rules == EligibilityRules(
        min_age=18,
        max_age=None,
        allowed_business=frozenset(BusinessStatus),
        priority_business=frozenset({B.MICRO, B.SMALL}),
        phk_priority=True,
        max_live_enrollments=1,
    )
    assert rules == DEFAULTS  # the dataclass defaults and the file cannot drift apart


def test_packaged_file_comments_every_setting() -> None:
    """Each setting says it is a setting because the programme published no rule."""
    text = (Path(__file__).parents[1] / "bot" / "data" / "eligibility.toml").read_text("utf-8")
    for name in (f.name for f in dataclasses.fields(EligibilityRules)):
        before, _, _ = text.partition(f"\n{name} =" if name != "max_age" else f"\n# {name} =")
        comment = " ".join(before.rsplit("\n\n", 1)[-1].replace("#", " ").split())
        assert "Setting, not a published rule" in comment, name
    assert "max_age" not in tomllib.loads(text)


def test_custom_rules_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        min_age = 17
        max_age = 60
        allowed_business = ["micro", "small"]
        priority_business = ["micro"]
        phk_priority = false
        max_live_enrollments = 2
        """,
    )
    assert EligibilityRules.from_toml(path) == EligibilityRules(
        min_age=17,
        max_age=60,
        allowed_business=frozenset({B.MICRO, B.SMALL}),
        priority_business=frozenset({B.MICRO}),
        phk_priority=False,
        max_live_enrollments=2,
    )


def test_keys_left_out_keep_their_defaults(tmp_path: Path) -> None:
    rules = EligibilityRules.from_toml(write(tmp_path, "min_age = 17\n"))
    assert rules == dataclasses.replace(DEFAULTS, min_age=17)


def test_custom_rules_change_verdicts(tmp_path: Path) -> None:
    rules = EligibilityRules.from_toml(write(tmp_path, "min_age = 17\nphk_priority = false\n"))
    seventeen = date(2009, 3, 2)
    assert check(applicant(seventeen), DEFAULTS).verdict is Verdict.NOT_ELIGIBLE
    assert check(applicant(seventeen), rules).verdict is Verdict.ELIGIBLE
    assert check(applicant(phk=True), rules).verdict is Verdict.ELIGIBLE


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("min_age = ", "not valid TOML"),
        ("min_age = 18\nmin_age = 19\n", "not valid TOML"),
        ("minimum_age = 18\n", "minimum_age"),
        ('allowed_business = ["micro", "big"]\n', "allowed_business"),
        ('priority_business = ["tiny"]\n', "priority_business"),
        ("allowed_business = [1]\n", "allowed_business"),
        ('allowed_business = "micro"\n', "allowed_business"),
        ("allowed_business = []\n", "allowed_business"),
        ('allowed_business = ["micro"]\n', "priority_business"),  # small is priority
        ("min_age = 30\nmax_age = 20\n", "min_age"),
        ("min_age = -1\n", "min_age"),
        ("max_age = -5\nmin_age = 0\n", "max_age"),
        ("max_live_enrollments = -1\n", "max_live_enrollments"),
        ("max_live_enrollments = 0\n", "max_live_enrollments"),
        ('min_age = "18"\n', "min_age"),
        ("min_age = 18.0\n", "min_age"),
        ("min_age = true\n", "min_age"),
        ('phk_priority = "yes"\n', "phk_priority"),
        ("phk_priority = 1\n", "phk_priority"),
    ],
)
def test_invalid_rules_file(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as info:
        EligibilityRules.from_toml(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert key in message
    assert "\n" not in message


def test_missing_file_is_a_rules_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(RulesError, match=r"absent\.toml: cannot read"):
        EligibilityRules.from_toml(path)


def test_non_utf8_file_is_a_rules_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"# caf\xe9\nmin_age = 18\n")
    with pytest.raises(RulesError, match="cannot read"):
        EligibilityRules.from_toml(path)


def test_rules_error_is_a_value_error() -> None:
    assert issubclass(RulesError, ValueError)
    with pytest.raises(ValueError, match="max_age"):
        EligibilityRules(min_age=0, max_age=-1)


def test_applicant_rejects_negative_enrollments() -> None:
    with pytest.raises(ValueError, match="live_enrollments"):
        applicant(live=-1)


# --- verdicts -----------------------------------------------------------------


def test_eligible() -> None:
    result = check(applicant(business=B.MEDIUM, phk=False))
    assert result == Assessment(
        verdict=Verdict.ELIGIBLE,
        reasons=(Reason.AGE_OK, Reason.BUSINESS_NOT_PRIORITY),
        age=35,
        min_age=18,
        max_age=None,
        max_live_enrollments=1,
    )


@pytest.mark.parametrize("business", [B.MICRO, B.SMALL])
def test_priority_business(business: BusinessStatus) -> None:
    result = check(applicant(business=business))
    assert result.verdict is Verdict.PRIORITY
    assert result.reasons == (Reason.PRIORITY_BUSINESS, Reason.AGE_OK)


def test_priority_phk_and_business_both_listed() -> None:
    result = check(applicant(business=B.MICRO, phk=True))
    assert result.verdict is Verdict.PRIORITY
    assert result.reasons == (Reason.PRIORITY_BUSINESS, Reason.PRIORITY_PHK, Reason.AGE_OK)


@pytest.mark.parametrize("business", [B.NONE, B.MEDIUM])
def test_priority_phk_with_a_non_priority_business(business: BusinessStatus) -> None:
    result = check(applicant(business=business, phk=True))
    assert result.verdict is Verdict.PRIORITY
    assert result.reasons == (Reason.PRIORITY_PHK, Reason.AGE_OK, Reason.BUSINESS_NOT_PRIORITY)


def test_phk_gives_no_priority_when_switched_off() -> None:
    rules = dataclasses.replace(DEFAULTS, phk_priority=False)
    result = check(applicant(business=B.MEDIUM, phk=True), rules)
    assert result.verdict is Verdict.ELIGIBLE
    assert Reason.PRIORITY_PHK not in result.reasons


def test_not_eligible_lists_every_blocking_reason_first() -> None:
    rules = dataclasses.replace(DEFAULTS, allowed_business=frozenset({B.MICRO, B.SMALL}))
    result = check(applicant(date(2010, 1, 1), business=B.MEDIUM, phk=True, live=1), rules)
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert result.reasons == (
        Reason.TOO_YOUNG,
        Reason.BUSINESS_NOT_ALLOWED,
        Reason.ALREADY_ENROLLED,
        Reason.PRIORITY_PHK,
    )
    assert result.blocking == result.reasons[:3]
    assert result.priority == (Reason.PRIORITY_PHK,)
    assert result.missing == ()


def test_incomplete_lists_what_to_ask_in_order() -> None:
    result = check(applicant(None, business=None, phk=None))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.reasons == (
        Reason.MISSING_BIRTH_DATE,
        Reason.MISSING_BUSINESS,
        Reason.MISSING_PHK,
    )
    assert result.missing == result.reasons
    assert result.age is None


def test_known_blocking_reason_wins_over_missing_answers() -> None:
    """Nothing more to ask once someone is certainly not eligible."""
    result = check(applicant(date(2015, 1, 1), business=None, phk=None))
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert result.reasons == (Reason.TOO_YOUNG,)


def test_already_enrolled_at_the_limit_only() -> None:
    rules = dataclasses.replace(DEFAULTS, max_live_enrollments=2)
    assert check(applicant(live=1), rules).verdict is Verdict.ELIGIBLE
    result = check(applicant(live=2), rules)
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert result.blocking == (Reason.ALREADY_ENROLLED,)
    assert result.max_live_enrollments == 2


def test_birth_date_after_the_day_is_invalid() -> None:
    result = check(applicant(BATCH + timedelta(days=1)))
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert result.reasons == (Reason.BIRTH_DATE_INVALID, Reason.BUSINESS_NOT_PRIORITY)
    assert result.age is None


def test_business_not_priority_only_when_priority_groups_exist() -> None:
    rules = dataclasses.replace(DEFAULTS, priority_business=frozenset())
    assert check(applicant(business=B.MEDIUM), rules).reasons == (Reason.AGE_OK,)


# --- asking only what is needed -----------------------------------------------


def test_phk_not_asked_when_business_already_gives_priority() -> None:
    result = check(applicant(business=B.MICRO, phk=None))
    assert result.verdict is Verdict.PRIORITY
    assert result.reasons == (Reason.PRIORITY_BUSINESS, Reason.AGE_OK)


def test_phk_asked_when_it_could_give_priority() -> None:
    result = check(applicant(business=B.MEDIUM, phk=None))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.missing == (Reason.MISSING_PHK,)


def test_phk_not_asked_when_it_gives_no_priority() -> None:
    rules = dataclasses.replace(DEFAULTS, phk_priority=False)
    assert check(applicant(business=B.MEDIUM, phk=None), rules).verdict is Verdict.ELIGIBLE


def test_business_not_asked_when_phk_already_gives_priority_and_all_are_allowed() -> None:
    result = check(applicant(business=None, phk=True))
    assert result.verdict is Verdict.PRIORITY
    assert result.reasons == (Reason.PRIORITY_PHK, Reason.AGE_OK)


def test_business_asked_when_it_could_be_excluded() -> None:
    rules = dataclasses.replace(DEFAULTS, allowed_business=frozenset({B.MICRO, B.SMALL}))
    result = check(applicant(business=None, phk=True), rules)
    assert result.verdict is Verdict.INCOMPLETE
    assert result.missing == (Reason.MISSING_BUSINESS,)


def test_business_asked_when_it_could_give_priority() -> None:
    result = check(applicant(business=None, phk=False))
    assert result.missing == (Reason.MISSING_BUSINESS,)


def test_birth_date_not_asked_without_age_limits() -> None:
    rules = dataclasses.replace(DEFAULTS, min_age=0)
    result = check(applicant(None, business=B.MEDIUM), rules)
    assert result.verdict is Verdict.ELIGIBLE
    assert result.reasons == (Reason.BUSINESS_NOT_PRIORITY,)
    limited = dataclasses.replace(rules, max_age=60)
    assert check(applicant(None), limited).missing == (Reason.MISSING_BIRTH_DATE,)


def test_incomplete_keeps_the_known_reasons() -> None:
    result = check(applicant(None, business=B.MICRO, phk=None))
    assert result.verdict is Verdict.INCOMPLETE
    assert result.reasons == (Reason.MISSING_BIRTH_DATE, Reason.PRIORITY_BUSINESS)


# --- every reason is reachable --------------------------------------------------

_LIMITED = EligibilityRules(
    min_age=18,
    max_age=60,
    allowed_business=frozenset({B.MICRO, B.SMALL, B.MEDIUM}),
    priority_business=frozenset({B.MICRO}),
)
EXAMPLES: dict[Reason, Applicant] = {
    Reason.TOO_YOUNG: applicant(date(2010, 1, 1)),
    Reason.TOO_OLD: applicant(date(1950, 1, 1)),
    Reason.BIRTH_DATE_INVALID: applicant(date(2030, 1, 1)),
    Reason.BUSINESS_NOT_ALLOWED: applicant(business=B.NONE),
    Reason.ALREADY_ENROLLED: applicant(live=1),
    Reason.MISSING_BIRTH_DATE: applicant(None),
    Reason.MISSING_BUSINESS: applicant(business=None),
    Reason.MISSING_PHK: applicant(phk=None),
    Reason.PRIORITY_BUSINESS: applicant(business=B.MICRO),
    Reason.PRIORITY_PHK: applicant(phk=True),
    Reason.AGE_OK: applicant(),
    Reason.BUSINESS_NOT_PRIORITY: applicant(business=B.SMALL),
}


def test_examples_cover_every_reason() -> None:
    assert set(EXAMPLES) == set(Reason)


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_is_reported(reason: Reason) -> None:
    result = check(EXAMPLES[reason], _LIMITED)
    assert reason in result.reasons
    if reason in BLOCKING_REASONS:
        assert result.verdict is Verdict.NOT_ELIGIBLE
    elif reason in MISSING_REASONS:
        assert result.verdict is Verdict.INCOMPLETE
    elif reason in PRIORITY_REASONS:
        assert result.verdict is Verdict.PRIORITY


def test_reason_groups_do_not_overlap() -> None:
    assert not BLOCKING_REASONS & MISSING_REASONS
    assert not BLOCKING_REASONS & PRIORITY_REASONS
    assert not MISSING_REASONS & PRIORITY_REASONS


# --- ages -----------------------------------------------------------------------


def test_exactly_min_age_on_the_batch_start_is_eligible() -> None:
    result = check(applicant(date(2008, 3, 2)), on=date(2026, 3, 2))
    assert (result.verdict, result.age) == (Verdict.ELIGIBLE, 18)
    assert Reason.AGE_OK in result.reasons


def test_one_day_before_the_birthday_is_too_young() -> None:
    result = check(applicant(date(2008, 3, 2)), on=date(2026, 3, 1))
    assert (result.verdict, result.age) == (Verdict.NOT_ELIGIBLE, 17)
    assert result.reasons[0] is Reason.TOO_YOUNG
    assert result.min_age == 18


def test_age_is_computed_on_the_given_day_not_today() -> None:
    born = date(2008, 6, 1)
    assert check(applicant(born), on=date(2026, 5, 31)).verdict is Verdict.NOT_ELIGIBLE
    assert check(applicant(born), on=date(2026, 6, 1)).verdict is Verdict.ELIGIBLE


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (date(2026, 2, 28), 17),  # common year: the 29 Feb birthday counts from 1 March
        (date(2026, 3, 1), 18),
        (date(2027, 2, 28), 18),
        (date(2028, 2, 28), 19),  # leap year: still the day before the birthday
        (date(2028, 2, 29), 20),
    ],
)
def test_leap_day_birthday(on: date, age: int) -> None:
    result = check(applicant(date(2008, 2, 29)), on=on)
    assert result.age == age
    expected = Verdict.ELIGIBLE if age >= 18 else Verdict.NOT_ELIGIBLE
    assert result.verdict is expected


def test_born_on_the_day_is_age_zero() -> None:
    rules = dataclasses.replace(DEFAULTS, min_age=0)
    result = check(applicant(BATCH), rules)
    assert (result.verdict, result.age) == (Verdict.ELIGIBLE, 0)


def test_max_age_is_inclusive() -> None:
    rules = dataclasses.replace(DEFAULTS, max_age=60)
    sixty = check(applicant(date(1965, 3, 2)), rules)  # 61st birthday is on 2026-03-02
    assert (sixty.verdict, sixty.age) == (Verdict.NOT_ELIGIBLE, 61)
    assert sixty.reasons[0] is Reason.TOO_OLD
    assert sixty.max_age == 60
    last_day = check(applicant(date(1965, 3, 3)), rules)
    assert (last_day.verdict, last_day.age) == (Verdict.ELIGIBLE, 60)


def test_min_equal_max_accepts_only_that_age() -> None:
    rules = dataclasses.replace(DEFAULTS, min_age=30, max_age=30)
    assert check(applicant(date(1996, 1, 1)), rules).verdict is Verdict.ELIGIBLE
    assert check(applicant(date(1995, 1, 1)), rules).blocking == (Reason.TOO_OLD,)
    assert check(applicant(date(1997, 1, 1)), rules).blocking == (Reason.TOO_YOUNG,)


# --- properties -------------------------------------------------------------------


@st.composite
def rules_strategy(draw: st.DrawFn) -> EligibilityRules:
    min_age = draw(st.integers(0, 80))
    max_age = draw(st.none() | st.integers(min_age, 120))
    allowed = draw(st.frozensets(st.sampled_from(B), min_size=1))
    priority = draw(st.frozensets(st.sampled_from(sorted(allowed))))
    return EligibilityRules(
        min_age=min_age,
        max_age=max_age,
        allowed_business=allowed,
        priority_business=priority,
        phk_priority=draw(st.booleans()),
        max_live_enrollments=draw(st.integers(1, 3)),
    )


DAYS = st.dates(date(1900, 1, 1), date(2100, 12, 31))
applicants = st.builds(
    Applicant,
    birth_date=st.none() | DAYS,
    business_status=st.none() | st.sampled_from(B),
    phk_affected=st.none() | st.booleans(),
    live_enrollments=st.integers(0, 4),
)


@given(rules_strategy(), applicants, DAYS)
def test_verdict_matches_its_reasons(rules: EligibilityRules, a: Applicant, on: date) -> None:
    result = assess(rules, a, on)  # never raises
    reasons = set(result.reasons)
    assert len(result.reasons) == len(reasons)
    assert list(result.reasons) == sorted(result.reasons, key=list(Reason).index)
    assert (result.verdict is Verdict.NOT_ELIGIBLE) == bool(reasons & BLOCKING_REASONS)
    assert (result.verdict is Verdict.INCOMPLETE) == bool(reasons & MISSING_REASONS)
    if result.verdict is Verdict.PRIORITY:
        assert reasons & PRIORITY_REASONS
        assert not reasons & BLOCKING_REASONS
    if result.verdict is Verdict.ELIGIBLE:
        assert not reasons & (BLOCKING_REASONS | MISSING_REASONS | PRIORITY_REASONS)
    known_age = a.birth_date is not None and a.birth_date <= on
    assert (result.age is not None) == known_age
    assert (result.min_age, result.max_age) == (rules.min_age, rules.max_age)


@given(rules_strategy(), applicants, DAYS, st.data())
def test_a_decided_verdict_survives_any_further_answer(
    rules: EligibilityRules, a: Applicant, on: date, data: st.DataObject
) -> None:
    """Missing answers not asked for could not have changed the verdict."""
    first = assess(rules, a, on)
    if first.verdict is Verdict.INCOMPLETE:
        return
    completed = Applicant(
        birth_date=a.birth_date or data.draw(st.dates(date(1900, 1, 1), on)),
        business_status=a.business_status or data.draw(st.sampled_from(B)),
        phk_affected=a.phk_affected if a.phk_affected is not None else data.draw(st.booleans()),
        live_enrollments=a.live_enrollments,
    )
    assert assess(rules, completed, on).verdict is first.verdict


@given(rules_strategy(), applicants, DAYS)
def test_answering_what_is_missing_always_decides(
    rules: EligibilityRules, a: Applicant, on: date
) -> None:
    """A fully answered applicant is never INCOMPLETE, so the conversation terminates."""
    full = Applicant(
        birth_date=a.birth_date or on,
        business_status=a.business_status or B.NONE,
        phk_affected=bool(a.phk_affected),
        live_enrollments=a.live_enrollments,
    )
    assert assess(rules, full, on).verdict is not Verdict.INCOMPLETE

"""Tests for bot.registration.nik: examples, edge cases and properties of NIK parsing."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.registration.nik import (
    PROVINCE_CODES,
    Nik,
    NikError,
    NikProblem,
    Sex,
    mask_nik,
    parse_nik,
)

TODAY = date(2025, 6, 15)
VALID = "3201011201900001"  # Kab. Bogor, man born 12 Jan 1990, serial 0001


def problem_of(text: str, today: date = TODAY) -> NikProblem:
    with pytest.raises(NikError) as info:
        parse_nik(text, today)
    return info.value.problem


# --- examples -------------------------------------------------------------


def test_parses_all_parts() -> None:
    nik = parse_nik(VALID, TODAY)
    assert nik == Nik(
        value=VALID,
        province_code="32",
        regency_code="3201",
        district_code="320101",
        birth_date=date(1990, 1, 12),
        sex=Sex.MALE,
        serial="0001",
    )
    assert nik.regency_dotted == "32.01"
    assert nik.district_dotted == "32.01.01"


def test_woman_has_day_plus_40() -> None:
    nik = parse_nik("3171015208950123", TODAY)
    assert nik.sex is Sex.FEMALE
    assert nik.birth_date == date(1995, 8, 12)


@pytest.mark.parametrize(
    ("dd", "sex", "day"),
    [("01", Sex.MALE, 1), ("31", Sex.MALE, 31), ("41", Sex.FEMALE, 1), ("71", Sex.FEMALE, 31)],
)
def test_day_boundaries(dd: str, sex: Sex, day: int) -> None:
    nik = parse_nik(f"320101{dd}0190" + "0001", TODAY)
    assert (nik.sex, nik.birth_date.day) == (sex, day)


def test_sex_letters_match_ktp() -> None:
    assert (Sex.MALE.value, Sex.FEMALE.value) == ("L", "P")


@pytest.mark.parametrize(
    "typed",
    [
        "3201 0112 0190 0001",
        "3201.0112.0190.0001",
        "3201-0112-0190-0001",
        "  3201011201900001\n",
        "32.01.01 120190 0001",
        "3201\u20130112\u20130190\u20130001",  # en dash from autocorrect
        "3201\u00a00112\u00a00190\u00a00001",  # no-break space
    ],
)
def test_tolerates_typed_separators(typed: str) -> None:
    assert parse_nik(typed, TODAY).value == "3201011201900001"


def test_unicode_decimal_digits_are_normalised_to_ascii() -> None:
    # Deliberate choice: any Nd digit (full-width, Arabic-Indic) is accepted.
    full_width = "".join(chr(ord("０") + int(c)) for c in VALID)
    arabic_indic = "".join(chr(0x0660 + int(c)) for c in VALID)
    for typed in (full_width, arabic_indic):
        nik = parse_nik(typed, TODAY)
        assert nik.value == VALID
        assert nik.value.isascii()


@pytest.mark.parametrize("char", ["²", "①", "Ⅻ", "½", "a", "O", "/", "+", "_", "\x00"])
def test_digit_like_or_other_chars_are_not_digits(char: str) -> None:
    assert problem_of(VALID[:8] + char + VALID[9:]) is NikProblem.NOT_DIGITS


@pytest.mark.parametrize("text", ["", "   ", "\n\t", " . - "])
def test_empty(text: str) -> None:
    with pytest.raises(NikError) as info:
        parse_nik(text, TODAY)
    assert info.value.problem is NikProblem.EMPTY
    assert info.value.digits == 0


@pytest.mark.parametrize("length", [1, 15, 17, 32])
def test_wrong_length_carries_digit_count(length: int) -> None:
    text = (VALID * 2)[:length]
    with pytest.raises(NikError) as info:
        parse_nik(text, TODAY)
    assert info.value.problem is NikProblem.WRONG_LENGTH
    assert info.value.digits == length


def test_wrong_length_counts_only_digits() -> None:
    with pytest.raises(NikError) as info:
        parse_nik("3201 0112 0190 001", TODAY)
    assert info.value.digits == 15


@pytest.mark.parametrize("code", sorted(PROVINCE_CODES))
def test_every_known_province_is_accepted(code: str) -> None:
    assert parse_nik(code + VALID[2:], TODAY).province_code == code


def test_province_codes_are_the_documented_set() -> None:
    expected = (
        set(range(11, 20))
        | {21}
        | set(range(31, 37))
        | {51, 52, 53}
        | set(range(61, 66))
        | set(range(71, 77))
        | {81, 82}
        | set(range(91, 97))
    )
    assert {int(code) for code in PROVINCE_CODES} == expected
    assert len(PROVINCE_CODES) == 38


@pytest.mark.parametrize("code", ["00", "10", "20", "22", "30", "37", "54", "60", "77", "90", "97"])
def test_unknown_province(code: str) -> None:
    assert problem_of(code + VALID[2:]) is NikProblem.UNKNOWN_PROVINCE


@pytest.mark.parametrize("regency", ["00", "70"])
def test_bad_regency(regency: str) -> None:
    assert problem_of("32" + regency + VALID[4:]) is NikProblem.BAD_REGENCY


@pytest.mark.parametrize("regency", ["01", "69", "71", "99"])
def test_regencies_and_cities_accepted(regency: str) -> None:
    assert parse_nik("32" + regency + VALID[4:], TODAY).regency_code == "32" + regency


def test_bad_district() -> None:
    assert problem_of("320100" + VALID[6:]) is NikProblem.BAD_DISTRICT


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "000190",  # day 00
        "320190",  # day 32
        "400190",  # day 40 (neither sex)
        "720190",  # day 72 (woman's 32)
        "990190",  # day 99
        "010090",  # month 00
        "011390",  # month 13
        "310490",  # 31 April
        "300290",  # 30 February
        "290201",  # 29 Feb 2001 / 1901: not a leap year in any century
        "690201",  # same for a woman
    ],
)
def test_bad_birth_date(ddmmyy: str) -> None:
    assert problem_of("320101" + ddmmyy + "0001") is NikProblem.BAD_BIRTH_DATE


def test_serial_zero() -> None:
    assert problem_of(VALID[:12] + "0000") is NikProblem.SERIAL_ZERO


def test_serial_9999_is_fine() -> None:
    assert parse_nik(VALID[:12] + "9999", TODAY).serial == "9999"


# --- century choice and leap years ------------------------------------------


@pytest.mark.parametrize(
    ("yy", "year"),
    [("00", 2000), ("24", 2024), ("25", 2025), ("26", 1926), ("90", 1990), ("99", 1999)],
)
def test_century_choice(yy: str, year: int) -> None:
    # TODAY is 15 Jun 2025: a 01 Jan birth in 2025 is in the past, but 2026 would be future.
    assert parse_nik(f"3201010101{yy}0001", TODAY).birth_date.year == year


def test_century_choice_on_the_day_itself() -> None:
    assert parse_nik("320101150625" + "0001", TODAY).birth_date == date(2025, 6, 15)
    assert parse_nik("320101160625" + "0001", TODAY).birth_date == date(1925, 6, 16)


def test_age_exactly_100_is_allowed() -> None:
    # Birthday tomorrow in 1925 -> 99; today in 1925 would be 0 (2025 wins).
    nik = parse_nik("320101160625" + "0001", TODAY)
    assert nik.age_on(TODAY) == 99
    assert nik.age_on(date(2025, 6, 16)) == 100


def test_leap_day_2000() -> None:
    nik = parse_nik("320101690200" + "0001", TODAY)  # woman, 29 Feb 2000
    assert (nik.birth_date, nik.sex) == (date(2000, 2, 29), Sex.FEMALE)


def test_leap_day_only_valid_in_previous_century() -> None:
    # 29 Feb 28: 2028 is in the future on TODAY, 1928 was a leap year.
    assert parse_nik("320101290228" + "0001", TODAY).birth_date == date(1928, 2, 29)


def test_leap_day_2024() -> None:
    assert parse_nik("320101290224" + "0001", TODAY).birth_date == date(2024, 2, 29)


def test_future_birth_date_when_the_only_real_date_is_ahead() -> None:
    # On 1 Jan 2000, "29 Feb 00" can only be 2000 (1900 and 1800 were not leap years).
    assert problem_of("320101290200" + "0001", date(2000, 1, 1)) is NikProblem.FUTURE_BIRTH_DATE
    assert parse_nik("320101290200" + "0001", date(2000, 2, 29)).birth_date == date(2000, 2, 29)


def test_leap_day_00_more_than_100_years_ago_is_bad() -> None:
    # In 2101, "29 Feb 00" can be neither 2100 (no leap year) nor 2000 (age 101).
    assert problem_of("320101290200" + "0001", date(2101, 3, 1)) is NikProblem.BAD_BIRTH_DATE
    assert parse_nik("320101290200" + "0001", date(2100, 3, 1)).birth_date == date(2000, 2, 29)


def test_century_follows_today() -> None:
    # The same NIK read in 2101 belongs to 2090 rather than 1990.
    assert parse_nik(VALID, date(2101, 1, 1)).birth_date == date(2090, 1, 12)


# --- age --------------------------------------------------------------------


def test_age_on() -> None:
    nik = parse_nik(VALID, TODAY)  # born 12 Jan 1990
    assert nik.age_on(date(2025, 1, 11)) == 34
    assert nik.age_on(date(2025, 1, 12)) == 35
    assert nik.age_on(date(1990, 1, 12)) == 0


def test_age_on_leap_day_birthday_counts_from_1_march() -> None:
    nik = parse_nik("320101290200" + "0001", TODAY)
    assert nik.age_on(date(2001, 2, 28)) == 0
    assert nik.age_on(date(2001, 3, 1)) == 1
    assert nik.age_on(date(2004, 2, 29)) == 4


def test_age_before_birth_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="before"):
        parse_nik(VALID, TODAY).age_on(date(1989, 12, 31))


# --- privacy ------------------------------------------------------------------


def test_mask_nik() -> None:
    assert mask_nik(VALID) == "3201********0001"


@pytest.mark.parametrize("value", ["", "123", "3201 0112 0190 0001", "320101120190000X", "1" * 17])
def test_mask_nik_hides_malformed_values_completely(value: str) -> None:
    assert mask_nik(value) == "*" * 16


def test_repr_and_errors_do_not_leak_the_nik() -> None:
    nik = parse_nik(VALID, TODAY)
    assert VALID not in repr(nik)
    assert VALID not in str(nik)
    assert "3201********0001" in repr(nik)
    with pytest.raises(NikError) as info:
        parse_nik(VALID[:12] + "0000", TODAY)
    assert VALID[:12] not in str(info.value)


def test_nik_rejects_inconsistent_construction() -> None:
    nik = parse_nik(VALID, TODAY)
    with pytest.raises(ValueError):
        Nik(
            value=VALID,
            province_code="33",
            regency_code=nik.regency_code,
            district_code=nik.district_code,
            birth_date=nik.birth_date,
            sex=nik.sex,
            serial=nik.serial,
        )


# --- properties ---------------------------------------------------------------

provinces = st.sampled_from(sorted(PROVINCE_CODES))
regencies = st.integers(1, 99).filter(lambda n: n != 70).map(lambda n: f"{n:02d}")
districts = st.integers(1, 99).map(lambda n: f"{n:02d}")
serials = st.integers(1, 9999).map(lambda n: f"{n:04d}")
todays = st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31))


@st.composite
def nik_parts(draw: st.DrawFn) -> tuple[str, str, str, date, Sex, str, date]:
    """Valid parts plus a ``today`` with the birth date in the 0..100 age window."""
    today = draw(todays)
    born = draw(st.dates(min_value=date(today.year - 99, 1, 1), max_value=today))
    sex = draw(st.sampled_from(Sex))
    return draw(provinces), draw(regencies), draw(districts), born, sex, draw(serials), today


def build(province: str, regency: str, district: str, born: date, sex: Sex, serial: str) -> str:
    day = born.day + (40 if sex is Sex.FEMALE else 0)
    return f"{province}{regency}{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


@given(nik_parts())
def test_valid_nik_parses_back_to_its_parts(
    parts: tuple[str, str, str, date, Sex, str, date],
) -> None:
    province, regency, district, born, sex, serial, today = parts
    value = build(province, regency, district, born, sex, serial)
    nik = parse_nik(value, today)
    assert nik.value == value
    assert nik.province_code == province
    assert nik.regency_code == province + regency
    assert nik.regency_dotted == f"{province}.{regency}"
    assert nik.district_code == province + regency + district
    assert nik.birth_date == born
    assert nik.sex is sex
    assert nik.serial == serial
    assert 0 <= nik.age_on(today) <= 100


@given(nik_parts(), st.data())
def test_random_separators_do_not_change_the_result(
    parts: tuple[str, str, str, date, Sex, str, date], data: st.DataObject
) -> None:
    *fields, today = parts
    value = build(*fields)
    separators = st.text(alphabet=" .-\t\u2013", max_size=3)
    typed = "".join(data.draw(separators) + char for char in value) + data.draw(separators)
    assert parse_nik(typed, today) == parse_nik(value, today)


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)), st.data())
def test_birth_date_is_never_after_today_and_age_at_most_100(
    today: date, data: st.DataObject
) -> None:
    day = data.draw(st.integers(1, 31))
    month = data.draw(st.integers(1, 12))
    yy = data.draw(st.integers(0, 99))
    try:
        nik = parse_nik(f"320101{day:02d}{month:02d}{yy:02d}0001", today)
    except NikError as error:
        # Only impossible dates, or the 29-Feb edge case.
        assert error.problem in (NikProblem.BAD_BIRTH_DATE, NikProblem.FUTURE_BIRTH_DATE)
        assert (day, month) in ((29, 2), (30, 2), (31, 2), (31, 4), (31, 6), (31, 9), (31, 11))
    else:
        assert nik.birth_date <= today
        assert 0 <= nik.age_on(today) <= 100
        assert nik.birth_date.year % 100 == yy


@given(st.sampled_from([2, 4, 6, 9, 11]), st.integers(0, 99))
def test_day_past_end_of_month_is_bad(month: int, yy: int) -> None:
    # Days the month never has, in any century (Feb: 30; others: last day + 1).
    last = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    assert problem_of(f"320101{last + 1:02d}{month:02d}{yy:02d}0001") is NikProblem.BAD_BIRTH_DATE


@given(nik_parts(), st.data())
def test_any_non_digit_character_gives_not_digits(
    parts: tuple[str, str, str, date, Sex, str, date], data: st.DataObject
) -> None:
    *fields, today = parts
    value = build(*fields)
    intruder = data.draw(
        st.characters(
            exclude_categories=("Nd", "Pd", "Zs", "Zl", "Zp", "Cs"),
            exclude_characters=". \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85",
        )
    )
    assume(not intruder.isspace())
    position = data.draw(st.integers(0, len(value)))
    with pytest.raises(NikError) as info:
        parse_nik(value[:position] + intruder + value[position:], today)
    assert info.value.problem is NikProblem.NOT_DIGITS


@given(st.text(), st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)))
def test_arbitrary_text_raises_only_nik_error(text: str, today: date) -> None:
    try:
        nik = parse_nik(text, today)
    except NikError as error:
        assert isinstance(error.problem, NikProblem)
        assert error.digits >= 0
    else:
        assert len(nik.value) == 16 and nik.value.isascii()


@given(st.text(alphabet="0123456789", min_size=1, max_size=40).filter(lambda s: len(s) != 16))
def test_wrong_lengths_are_rejected(digits: str) -> None:
    with pytest.raises(NikError) as info:
        parse_nik(digits, TODAY)
    assert info.value.problem is NikProblem.WRONG_LENGTH
    assert info.value.digits == len(digits)


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_mask_keeps_only_first_and_last_four(value: str) -> None:
    masked = mask_nik(value)
    assert masked == value[:4] + "********" + value[-4:]
    assert len(masked) == 16

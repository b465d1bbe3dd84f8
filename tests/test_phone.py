"""Tests for bot.registration.phone: normalising Indonesian mobile numbers to E.164."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.registration.phone import PhoneError, PhoneProblem, mask_phone, normalise_phone

E164 = "+6281234567890"


def problem_of(text: str) -> PhoneProblem:
    with pytest.raises(PhoneError) as info:
        normalise_phone(text)
    return info.value.problem


# --- examples -------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "(0812) 3456 7890",
        "+62 812-3456-7890",
        "+62 (0) 812 3456 7890",
        "+62 0812 3456 7890",
        "+6281234567890",
        "6281234567890",  # Telegram contact without "+"
        "62 812 3456 7890",
        "  0812\u20133456\u20137890 \n",
        "０８１２３４５６７８９０",  # full-width digits, normalised on purpose
    ],
)
def test_accepts_common_formats(typed: str) -> None:
    assert normalise_phone(typed) == E164


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0812345678", "+62812345678"),  # 10 digits, shortest
        ("62812345678", "+62812345678"),  # same as a Telegram contact; not area 0628
        ("0812345678901", "+62812345678901"),  # 13 digits, longest
        ("08581234567", "+628581234567"),
        ("0881234567890", "+62881234567890"),
    ],
)
def test_length_range(typed: str, expected: str) -> None:
    assert normalise_phone(typed) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty(text: str) -> None:
    assert problem_of(text) is PhoneProblem.EMPTY


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "0812FLOWERS",  # phonenumbers would turn letters into digits
        "0812-3456-789O",  # phonenumbers would drop the trailing letter O
        "0812 3456 7890 ext 12",
        "+62 812 3456 7890 #1",
        "0812²3456789",
        "08+12345678",
        "++6281234567890",
        "-",
        "+",
        "0" * 80,
    ],
)
def test_invalid(text: str) -> None:
    assert problem_of(text) is PhoneProblem.INVALID


@pytest.mark.parametrize(
    "text", ["+60123456789", "+12025550123", "+44 7911 123456", "+65 8123 4567"]
)
def test_not_indonesian(text: str) -> None:
    assert problem_of(text) is PhoneProblem.NOT_INDONESIAN


@pytest.mark.parametrize("text", ["021-5551234", "(021) 555 1234", "+62 21 5551234", "0274 123456"])
def test_landline_is_not_mobile(text: str) -> None:
    assert problem_of(text) is PhoneProblem.NOT_MOBILE


@pytest.mark.parametrize(
    "text", ["081234567", "08123456789012", "0812", "+62 812 3456 7890 1234", "0812" + "5" * 20]
)
def test_wrong_length(text: str) -> None:
    assert problem_of(text) is PhoneProblem.WRONG_LENGTH


def test_error_message_does_not_contain_the_number() -> None:
    with pytest.raises(PhoneError) as info:
        normalise_phone("+60123456789")
    assert "123456789" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_mask_phone() -> None:
    assert mask_phone(E164) == "+62812****7890"
    assert mask_phone("+62812345678") == "+62812**5678"
    assert mask_phone("+62812345678901") == "+62812*****8901"


@pytest.mark.parametrize("value", ["", "081234567890", "+60123456789", "+62812", "+62812345678a"])
def test_mask_phone_hides_unexpected_values_completely(value: str) -> None:
    masked = mask_phone(value)
    assert masked == "+62********"
    assert not any(char.isdigit() for char in masked[3:])


# --- properties ---------------------------------------------------------------

# Operator prefixes (after the trunk 0) that phonenumbers accepts with 10..13 digits.
PREFIXES = ["811", "812", "813", "821", "822", "823", "852", "853", "856", "857",
            "858", "877", "878", "881", "882", "895", "896", "897", "898", "899"]  # fmt: skip


@st.composite
def mobile_nsn(draw: st.DrawFn) -> str:
    """A national significant number (no trunk 0) of 9..12 digits."""
    prefix = draw(st.sampled_from(PREFIXES))
    rest = draw(st.text(alphabet="0123456789", min_size=6, max_size=9))
    return prefix + rest


def group(digits: str, sizes: list[int], sep: str) -> str:
    parts: list[str] = []
    index = 0
    for size in sizes:
        if index >= len(digits):
            break
        parts.append(digits[index : index + size])
        index += size
    if index < len(digits):
        parts.append(digits[index:])
    return sep.join(parts)


@given(mobile_nsn(), st.sampled_from([" ", "-", ".", "", "\u2013"]))
def test_every_typed_format_gives_the_same_e164(nsn: str, sep: str) -> None:
    expected = "+62" + nsn
    national = "0" + nsn
    forms = [
        national,
        group(national, [4, 4], sep),
        f"({national[:4]}) {group(national[4:], [4], sep)}",
        "+62" + nsn,
        "62" + nsn,
        "+62 " + group(nsn, [3, 4], sep),
        "+62 (0)" + nsn,
        f"  {national}  ",
    ]
    for form in forms:
        assert normalise_phone(form) == expected, form


@given(mobile_nsn())
def test_normalisation_is_idempotent(nsn: str) -> None:
    once = normalise_phone("0" + nsn)
    assert normalise_phone(once) == once
    assert normalise_phone(once[1:]) == once  # Telegram contact form


@given(mobile_nsn())
def test_mask_keeps_prefix_and_last_four(nsn: str) -> None:
    masked = mask_phone(normalise_phone("0" + nsn))
    assert masked == "+62" + nsn[:3] + "*" * (len(nsn) - 7) + nsn[-4:]


@given(st.text(alphabet="0123456789", min_size=10, max_size=40))
def test_too_many_digits_after_a_mobile_prefix(extra: str) -> None:
    assert problem_of("0812" + extra) is PhoneProblem.WRONG_LENGTH


@given(st.text(max_size=80))
def test_arbitrary_text_raises_only_phone_error(text: str) -> None:
    try:
        result = normalise_phone(text)
    except PhoneError as error:
        assert isinstance(error.problem, PhoneProblem)
    else:
        assert result.startswith("+628")
        assert result[1:].isascii() and result[1:].isdigit()
        assert 12 <= len(result) <= 15
        assert normalise_phone(result) == result


@given(st.text(alphabet="0123456789+-() .", max_size=30))
def test_phone_like_text_raises_only_phone_error(text: str) -> None:
    try:
        result = normalise_phone(text)
    except PhoneError as error:
        assert isinstance(error.problem, PhoneProblem)
    else:
        assert result.startswith("+628")
        assert normalise_phone(result) == result

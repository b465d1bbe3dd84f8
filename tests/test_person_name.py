"""Full-name cleaning: what a KTP name may contain."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.registration.person_name import MAX_LENGTH, NameError_, NameProblem, clean_full_name


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Budi   Santoso ", "Budi Santoso"),
        ("Siti Nur'aini", "Siti Nur'aini"),
        ("I Gusti Ayu Made-Sari, S.E.", "I Gusti Ayu Made-Sari, S.E."),
        ("Ñoño Müller", "Ñoño Müller"),
    ],
)
def test_accepted_names(typed: str, stored: str) -> None:
    assert clean_full_name(typed) == stored


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("A", NameProblem.TOO_SHORT),
        ("   ", NameProblem.TOO_SHORT),
        ("Budi123", NameProblem.INVALID_CHARACTERS),
        ("Budi 😀", NameProblem.INVALID_CHARACTERS),
        ("<b>Budi</b>", NameProblem.INVALID_CHARACTERS),
        ("a" * (MAX_LENGTH + 1), NameProblem.TOO_LONG),
    ],
)
def test_rejected_names(typed: str, problem: NameProblem) -> None:
    with pytest.raises(NameError_) as caught:
        clean_full_name(typed)
    assert caught.value.problem is problem


@given(st.text(max_size=150))
def test_any_text_is_a_clean_name_or_a_name_error(text: str) -> None:
    try:
        name = clean_full_name(text)
    except NameError_:
        return
    assert name == name.strip()
    assert "  " not in name
    assert len(name) <= MAX_LENGTH
    assert "<" not in name and "&" not in name

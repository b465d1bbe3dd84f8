"""The desk's search box: codes, phones and names told apart, however they are typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coordinators.participant_query import (
    NameMatches,
    ParticipantQuery,
    QueryKind,
    QueryProblem,
    QueryRefused,
    parse_query,
)
from bot.registration.service import CODE_ALPHABET, CODE_LENGTH

codes = st.text(alphabet=CODE_ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)
separators = st.sampled_from(["-", " ", "", " - ", "_", "."])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("BLK-7K3QX9", ParticipantQuery(QueryKind.CODE, "BLK-7K3QX9")),
        ("  blk 7k3qx9 ", ParticipantQuery(QueryKind.CODE, "BLK-7K3QX9")),
        ("blk7K3QX9", ParticipantQuery(QueryKind.CODE, "BLK-7K3QX9")),
        ("7k3 qx9", ParticipantQuery(QueryKind.CODE, "BLK-7K3QX9")),
        ("BLK-RAHMAT", ParticipantQuery(QueryKind.CODE, "BLK-RAHMAT")),
        ("Rahmat", ParticipantQuery(QueryKind.NAME, "Rahmat")),
        ("0812-3456-7890", ParticipantQuery(QueryKind.PHONE, "+6281234567890")),
        ("+62 812 3456 7890", ParticipantQuery(QueryKind.PHONE, "+6281234567890")),
        ("6281234567890", ParticipantQuery(QueryKind.PHONE, "+6281234567890")),
        ("  budi   santosa ", ParticipantQuery(QueryKind.NAME, "budi santosa")),
        ("Peserta 101", ParticipantQuery(QueryKind.NAME, "Peserta 101")),
    ],
)
def test_examples(typed: str, expected: ParticipantQuery) -> None:
    assert parse_query(typed) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("021-555-1234", QueryProblem.BAD_PHONE),  # a Jakarta landline
        ("12345", QueryProblem.BAD_PHONE),
        ("3201011201900001", QueryProblem.BAD_PHONE),  # a NIK is not searched
        ("a", QueryProblem.TOO_SHORT),
        ("  ", QueryProblem.TOO_SHORT),
        ("?!", QueryProblem.TOO_SHORT),
    ],
)
def test_refusals(typed: str, problem: QueryProblem) -> None:
    with pytest.raises(QueryRefused) as refused:
        parse_query(typed)
    assert refused.value.problem is problem


@given(
    suffix=codes,
    prefix=st.sampled_from(["BLK", "blk", "Blk", ""]),
    separator=separators,
    lower=st.booleans(),
)
def test_a_code_is_read_however_it_is_typed(
    suffix: str, prefix: str, separator: str, lower: bool
) -> None:
    typed = f"{prefix}{separator}{suffix.lower() if lower else suffix}"
    parsed = parse_query(typed)
    if not prefix and not any(char.isdigit() for char in suffix):
        assert parsed.kind is QueryKind.NAME  # "RAHMAT" alone is a name
    else:
        assert parsed == ParticipantQuery(QueryKind.CODE, f"BLK-{suffix}")


@given(
    number=st.from_regex(r"8[1-9][0-9]{7,10}", fullmatch=True),
    form=st.sampled_from(["0{}", "+62{}", "62{}", "+62 {}", " 0{} "]),
    dashes=st.booleans(),
)
def test_every_form_of_a_phone_gives_one_answer(number: str, form: str, dashes: bool) -> None:
    """0812…, +62812…, 62812… with any spacing: the same E.164 number, or the same refusal."""
    body = f"{number[:3]}-{number[3:7]}-{number[7:]}" if dashes else number
    typed = form.format(body)
    try:
        expected = parse_query(f"+62{number}")
    except QueryRefused as refused:
        with pytest.raises(QueryRefused):
            parse_query(typed)
        assert refused.problem is QueryProblem.BAD_PHONE
        return
    assert expected.kind is QueryKind.PHONE
    assert parse_query(typed) == expected


@given(st.from_regex(r"[A-Za-z][a-z]{1,12}( [A-Z][a-z]{1,12}){0,3}", fullmatch=True))
def test_names_with_a_space_or_without_code_shape_are_names(name: str) -> None:
    parsed = parse_query(name)
    if parsed.kind is QueryKind.CODE:  # "blk abcdef" would be a code: prefix + 6 code chars
        assert name.upper().replace(" ", "").startswith("BLK")
    else:
        assert parsed == ParticipantQuery(QueryKind.NAME, name)


def test_name_matches_keep_the_best_across_chunks() -> None:
    matches = NameMatches("budi santosa", limit=2)
    matches.add([(1, "Siti Aminah"), (2, "Budiman Santosa")])
    matches.add([(3, "Budi Santoso"), (4, "Agus Salim")])
    matches.add([])
    assert matches.ids() == [3, 2]
    nobody = NameMatches("xyzzy", limit=8)
    nobody.add([(1, "Siti Aminah")])
    assert nobody.ids() == []

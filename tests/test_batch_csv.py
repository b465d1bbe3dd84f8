"""The batch schedule CSV's status column: the stored English words and Indonesian ones."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.csv_table import Record
from bot.training.batch_csv import STATUS_WORDS, BatchReject, BatchRow, check_rows, parse_status

ROW = {
    "id": "b1", "blk_id": "blk-jkt", "title": "Kuliner", "start_date": "2027-01-11",
    "end_date": "2027-01-16", "daily_start": "08:00", "daily_end": "16:00", "capacity": "20",
}  # fmt: skip
SPACES = st.sampled_from(["", " ", "\t"])


def checked(status: str) -> BatchRow | BatchReject:
    rows, rejected = check_rows([Record(2, {**ROW, "status": status})])
    return rows[0] if rows else rejected[0].reason


def test_indonesian_words_are_stored_as_the_english_status() -> None:
    assert {word: parse_status(word) for word in ("buka", "tutup", "batal")} == {
        "buka": "open",
        "tutup": "closed",
        "batal": "cancelled",
    }
    assert {parse_status(word) for word in ("open", "closed", "cancelled", "")} == {
        "open",
        "closed",
        "cancelled",
    }


@given(st.sampled_from(sorted(STATUS_WORDS)), st.booleans(), SPACES, SPACES)
def test_any_case_and_spacing_of_a_known_word_is_read(
    word: str, upper: bool, before: str, after: str
) -> None:
    row = checked(before + (word.upper() if upper else word.title()) + after)
    assert isinstance(row, BatchRow)
    assert row.status == STATUS_WORDS[word]


@given(st.text(max_size=12))
def test_any_other_word_is_rejected_as_a_bad_status(text: str) -> None:
    outcome = checked(text)
    if text.strip().lower() in {*STATUS_WORDS, ""}:
        assert isinstance(outcome, BatchRow)
    else:
        assert outcome is BatchReject.BAD_STATUS

""" "Langkah berikutnya" content: every fact has both languages, a source and a checked date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.csv_table import Record
from bot.directory.plut import PlutReject, check_rows
from bot.referrals.content import ReferralContentError, Referrals, Topic

ITEM = 'key = "k"\nid = "Teks"\nen = "Text"\nsource = "somewhere"\nlast_checked = 2026-12-06\n'


def test_every_packaged_fact_has_a_source_and_a_checked_date() -> None:
    referrals = Referrals.from_toml()
    assert set(referrals.topics) == set(Topic)
    for items in referrals.topics.values():
        assert items
        for item in items:
            assert item.source.strip() and set(item.text) == {"id", "en"}
            assert date(2025, 1, 1) <= item.last_checked <= date.today()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text.replace('source = "somewhere"\n', "", 1), "'source'"),
        (lambda text: text.replace("last_checked = 2026-12-06\n", "", 1), "last_checked"),
        (lambda text: text + f"[[loans]]\n{ITEM}", "unknown sections loans"),
        (lambda text: text.replace('"Teks"', '"<b>Teks"', 1), "not closed"),
    ],
)
def test_a_bad_content_file_is_refused_with_its_reason(
    tmp_path: Path, change: Callable[[str], str], message: str
) -> None:
    good = "".join(f"[[{topic}]]\n{ITEM}" for topic in Topic)
    path = tmp_path / "referrals.toml"
    path.write_text(change(good))
    with pytest.raises(ReferralContentError, match=message):
        Referrals.from_toml(path)


def test_plut_rows_are_checked_like_the_blk_directory() -> None:
    records = [
        Record(2, {"id": "p1", "name": "PLUT A", "regency_code": "3201", "latitude": "-6,5",
                   "longitude": "106.8", "source": ""}),
        Record(3, {"id": "p2", "name": "PLUT B", "regency_code": "99.99"}),
        Record(4, {"id": "p3", "name": "PLUT C", "regency_code": "32.01", "latitude": "60",
                   "longitude": "106.8"}),
        Record(5, {"id": "p4", "name": "", "regency_code": "32.01"}),
    ]  # fmt: skip
    rows, rejected = check_rows(records, {"32.01"})
    assert rows == [
        {"id": "p1", "name": "PLUT A", "regency_code": "32.01", "latitude": -6.5,
         "longitude": 106.8}
    ]  # fmt: skip
    assert [(r.line, r.reason, r.field) for r in rejected] == [
        (3, PlutReject.UNKNOWN_REGENCY, "regency_code"),
        (4, PlutReject.BAD_COORDINATES, "latitude"),
        (5, PlutReject.MISSING_FIELD, "name"),
    ]

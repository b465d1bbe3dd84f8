""" "Langkah berikutnya" content: every fact has both languages, a source and a checked date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

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

"""Programme tracks: the rules file, per-programme eligibility, and the batch CSV's
programme column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.csv_table import Record
from bot.training.batch_csv import BatchReject, check_rows
from bot.training.eligibility import EligibilityRules, RulesError
from bot.training.programmes import DEFAULT_PROGRAMME, Programme, Programmes

ROW = {
    "id": "b1", "blk_id": "blk-jkt", "title": "Koperasi", "start_date": "2027-01-11",
    "end_date": "2027-01-16", "daily_start": "08:00", "daily_end": "16:00", "capacity": "20",
}  # fmt: skip
ENTRY = 'name = "Nama"\nname_en = "Name"\nsource = "somewhere"\nlast_checked = 2026-12-06\n'


def write(tmp_path: Path, extra: str = "", kopdes: str = "") -> Path:
    path = tmp_path / "programmes.toml"
    tables = [f"[programmes.{code}]\n{ENTRY}" for code in ("wirausaha", "phk")]
    path.write_text("\n".join([*tables, f"[programmes.kopdes]\n{ENTRY}{kopdes}", extra]))
    return path


def test_every_packaged_programme_has_names_a_source_and_a_checked_date() -> None:
    programmes = Programmes.from_toml()
    assert set(programmes.info) == set(Programme) and programmes.default is DEFAULT_PROGRAMME
    for info in programmes.info.values():
        assert info.names["id"] and info.names["en"] and info.source
        assert date(2025, 1, 1) <= info.last_checked <= date.today()
    assert programmes.name_of("kopdes", "id").startswith("Pengelola Koperasi Desa")
    assert programmes.name_of("KOPDES", "en").startswith("Village cooperative")
    assert programmes.name_of("lost", "id") == "lost"  # a code no longer known is shown as is


def test_without_rules_of_its_own_a_programme_follows_eligibility_toml() -> None:
    base = EligibilityRules.from_toml()
    programmes = Programmes.from_toml()
    assert all(programmes.rules_for(code, base) is base for code in Programme)


def test_a_programme_may_set_its_own_eligibility_keys(tmp_path: Path) -> None:
    path = write(tmp_path, kopdes="[programmes.kopdes.eligibility]\nmin_age = 21\n")
    programmes = Programmes.from_toml(path)
    base = EligibilityRules(max_age=60)
    kopdes = programmes.rules_for("kopdes", base)
    assert (kopdes.min_age, kopdes.max_age) == (21, 60)  # the rest stays as in the base
    assert programmes.rules_for("wirausaha", base) is base


@pytest.mark.parametrize(
    ("kopdes", "extra", "message"),
    [
        ("[programmes.kopdes.eligibility]\nmin_age = -1\n", "", r"kopdes\.eligibility\]: min_age"),
        ("[programmes.kopdes.eligibility]\nage = 3\n", "", "age: unknown setting"),
        ("colour = 1\n", "", "unknown keys colour"),
        ("", "[programmes.other]\n" + ENTRY, "unknown codes other"),
        ("", 'default = "x"\n', "default"),
    ],
)
def test_a_bad_rules_file_is_refused_with_its_reason(
    tmp_path: Path, kopdes: str, extra: str, message: str
) -> None:
    path = tmp_path / "p.toml"
    body = write(tmp_path, kopdes=kopdes).read_text()
    # keys like `default` must come before the first table
    path.write_text(extra + body if extra.startswith("default") else body + extra)
    with pytest.raises(RulesError, match=message):
        Programmes.from_toml(path)


def test_a_missing_last_checked_date_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path)
    path.write_text(path.read_text().replace("last_checked = 2026-12-06\n", "", 1))
    with pytest.raises(RulesError, match="last_checked"):
        Programmes.from_toml(path)


def test_the_csv_programme_column_is_optional_and_checked() -> None:
    rows, rejected = check_rows(
        [
            Record(2, dict(ROW)),
            Record(3, {**ROW, "id": "b2", "programme": " KopDes "}),
            Record(4, {**ROW, "id": "b3", "programme": "koperasi"}),
        ]
    )
    assert [(row.id, row.programme) for row in rows] == [("b1", None), ("b2", Programme.KOPDES)]
    assert [(r.line, r.reason, r.field) for r in rejected] == [
        (4, BatchReject.BAD_PROGRAMME, "programme")
    ]

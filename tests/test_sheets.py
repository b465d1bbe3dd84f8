"""Spreadsheet writing: formula injection is neutralised, and both formats read back."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.coordinators.sheets import FORMULA_STARTS, SheetFormat, neutralised, open_sheet

DANGEROUS = ['=HYPERLINK("http://x","klik")', "+62812", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


@given(st.text())
def test_neutralised_text_never_starts_a_formula_and_loses_nothing(text: str) -> None:
    safe = neutralised(text)
    assert not safe.startswith(FORMULA_STARTS)
    if text.startswith(FORMULA_STARTS):
        assert safe == "'" + text
    else:
        assert safe == text


@given(st.sampled_from(FORMULA_STARTS), st.text())
def test_every_formula_start_is_caught(start: str, rest: str) -> None:
    assert neutralised(start + rest) == "'" + start + rest


def _xlsx_text(value: object) -> object:
    """openpyxl leaves OOXML's escapes of control characters (CR is `_x000D_`) as they are."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def _write(tmp_path: Path, fmt: SheetFormat, rows: list[list[object]]) -> Path:
    path = tmp_path / f"sheet.{fmt.value}"
    sheet = open_sheet(fmt, path, ["Nama", "=Umur", "Waktu"])
    sheet.write_rows(rows)  # type: ignore[arg-type]
    sheet.close()
    return path


ROWS: list[list[object]] = [[name, 30, datetime(2026, 11, 24, 10, 5)] for name in DANGEROUS] + [
    ["Siti Aminah", None, None]
]


def test_xlsx_cells_are_strings_and_neutralised(tmp_path: Path) -> None:
    path = _write(tmp_path, SheetFormat.XLSX, ROWS)
    sheet = openpyxl.load_workbook(path).active
    values = [[_xlsx_text(cell.value) for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Nama", "'=Umur", "Waktu"]
    assert [row[0] for row in values[1:]] == ["'" + name for name in DANGEROUS] + ["Siti Aminah"]
    assert all(cell.data_type == "s" for cell in next(sheet.iter_cols(max_col=1)))
    assert values[1][1:] == [30, datetime(2026, 11, 24, 10, 5)]
    assert values[-1][1:] == [None, None]


def test_csv_cells_are_neutralised(tmp_path: Path) -> None:
    path = _write(tmp_path, SheetFormat.CSV, ROWS)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM for UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        values = list(csv.reader(handle))
    assert values[0] == ["Nama", "'=Umur", "Waktu"]
    assert [row[0] for row in values[1:]] == ["'" + name for name in DANGEROUS] + ["Siti Aminah"]
    assert values[1][1:] == ["30", "2026-11-24 10:05"]
    assert values[-1][1:] == ["", ""]


@pytest.mark.parametrize("fmt", list(SheetFormat))
@given(names=st.lists(st.text(st.characters(blacklist_categories=("Cs", "Cc"))), max_size=5))
def test_any_name_reads_back_as_written_or_neutralised(
    tmp_path_factory: pytest.TempPathFactory, fmt: SheetFormat, names: list[str]
) -> None:
    path = _write(tmp_path_factory.mktemp("sheet"), fmt, [[name, None, None] for name in names])
    if fmt is SheetFormat.XLSX:
        rows = openpyxl.load_workbook(path).active.iter_rows(min_row=2, values_only=True)
        read = [_xlsx_text(row[0] or "") for row in rows]
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            read = [row[0] for row in list(csv.reader(handle))[1:]]
    assert read == [neutralised(name) for name in names]

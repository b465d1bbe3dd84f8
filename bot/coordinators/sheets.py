"""Spreadsheets for coordinators: XLSX and CSV written row by row, safe to open in Excel.

Formula injection: names and other answers come from users, and a cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by Excel, LibreOffice
and Google Sheets when the file is opened (a CSV at once, an XLSX once someone saves it as
CSV and opens that). Such text gets a leading apostrophe, as OWASP advises, in both
formats; in XLSX every text is also written as a string cell, never through XlsxWriter's
guessing `write()`, which would turn "=..." into a formula.

Rows are written as they come and the XLSX is in XlsxWriter's constant-memory mode, so a
sheet of 100,000 rows never holds more than one row in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import xlsxwriter

__all__ = ["Cell", "Column", "SheetFormat", "SheetWriter", "neutralised", "open_sheet"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_TEXT = "%Y-%m-%d %H:%M"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH, MAX_WIDTH = 10, 40

Cell = str | int | datetime | None
T = TypeVar("T")


def neutralised(text: str) -> str:
    """The text, with an apostrophe in front when a spreadsheet would take it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SheetFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@dataclass(frozen=True)
class Column(Generic[T]):
    """A header (already in the reader's language) and how a record fills the cell."""

    header: str
    value: Callable[[T], Cell]


class SheetWriter(Protocol):
    def write_rows(self, rows: Iterable[Sequence[Cell]]) -> None: ...

    def close(self) -> None: ...


class CsvSheet:
    """UTF-8 with a byte-order mark, so Excel shows Indonesian names as written."""

    def __init__(self, path: Path, headers: Sequence[str]) -> None:
        self._file = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow([neutralised(header) for header in headers])

    def write_rows(self, rows: Iterable[Sequence[Cell]]) -> None:
        self._writer.writerows([_text(cell) for cell in row] for row in rows)

    def close(self) -> None:
        self._file.close()


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime(DATETIME_TEXT)
    if isinstance(cell, int):
        return str(cell)
    return neutralised(cell)


class XlsxSheet:
    """One worksheet with a bold, frozen header row and a filter on every column."""

    def __init__(self, path: Path, headers: Sequence[str]) -> None:
        self._book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(path.parent),
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self._sheet = self._book.add_worksheet()
        self._datetime = self._book.add_format({"num_format": DATETIME_FORMAT})
        bold = self._book.add_format({"bold": True})
        for column, header in enumerate(headers):
            width = min(max(len(header) + 2, MIN_WIDTH), MAX_WIDTH)
            self._sheet.set_column(column, column, width)
            self._sheet.write_string(0, column, neutralised(header), bold)
        self._sheet.freeze_panes(1, 0)
        self._columns = len(headers)
        self._row = 0

    def write_rows(self, rows: Iterable[Sequence[Cell]]) -> None:
        sheet = self._sheet
        for row in rows:
            self._row += 1
            for column, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, datetime):
                    naive = cell.replace(tzinfo=None)
                    sheet.write_datetime(self._row, column, naive, self._datetime)
                elif isinstance(cell, int):
                    sheet.write_number(self._row, column, cell)
                else:
                    sheet.write_string(self._row, column, neutralised(cell))

    def close(self) -> None:
        self._sheet.autofilter(0, 0, max(self._row, 1), self._columns - 1)
        self._book.close()


def open_sheet(fmt: SheetFormat, path: Path, headers: Sequence[str]) -> SheetWriter:
    """A writer for `path`; the caller writes rows, then closes it."""
    if fmt is SheetFormat.XLSX:
        return XlsxSheet(path, headers)
    return CsvSheet(path, headers)

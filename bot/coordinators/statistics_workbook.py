"""/statistik as a spreadsheet: the figures, the breakdown and the daily series, one sheet
each, written with XlsxWriter in memory. Headers arrive already translated.

Names come from the directory and batch files; they are written with `write_string`, so
a name beginning with "=" stays text and never becomes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from storage.statistics_repository import UnitCounts


@dataclass(frozen=True)
class Sheet:
    name: str  # at most 31 characters, no []:*?/\ (Excel's rules)
    headers: Sequence[str]


def write_xlsx(
    title: str,
    figures: tuple[Sheet, Sequence[tuple[str, int]]],
    breakdown: tuple[Sheet, Sequence[UnitCounts]] | None,
    daily: tuple[Sheet, Sequence[tuple[date, int]]],
    programmes: tuple[Sheet, Sequence[UnitCounts]] | None = None,
    impact: tuple[Sheet, Sequence[Sequence[str | float]]] | None = None,
) -> bytes:
    """Figures, then the breakdown and the split by programme when given, then the days,
    then the follow-up surveys' impact figures when given."""
    buffer = io.BytesIO()
    book = Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})

    sheet, rows = figures
    page = book.add_worksheet(sheet.name)
    page.write_string(0, 0, title, bold)
    _headers(page, 2, sheet.headers, bold)
    for i, (label, value) in enumerate(rows, start=3):
        page.write_string(i, 0, label)
        page.write_number(i, 1, value)
    page.set_column(0, 0, 40)

    for units_sheet in (breakdown, programmes):
        if units_sheet is not None:
            _units(book.add_worksheet(units_sheet[0].name), *units_sheet, bold)

    sheet, days = daily
    page = book.add_worksheet(sheet.name)
    _headers(page, 0, sheet.headers, bold)
    for i, (when, count) in enumerate(days, start=1):
        page.write_datetime(i, 0, when, day)
        page.write_number(i, 1, count)
    page.set_column(0, 0, 12)

    if impact is not None:
        sheet, table = impact
        page = book.add_worksheet(sheet.name)
        _headers(page, 0, sheet.headers, bold)
        for i, values in enumerate(table, start=1):
            for column, value in enumerate(values):
                if isinstance(value, str):
                    page.write_string(i, column, value)
                else:
                    page.write_number(i, column, value)
        page.set_column(0, 0, 40)

    book.close()
    return buffer.getvalue()


def _units(page: Worksheet, sheet: Sheet, units: Sequence[UnitCounts], bold: Format) -> None:
    _headers(page, 0, sheet.headers, bold)
    for i, unit in enumerate(units, start=1):
        page.write_string(i, 0, unit.name)
        page.write_string(i, 1, unit.code)
        figures_of = (unit.registrations, unit.phk, unit.capacity, unit.seats_taken)
        for column, value in enumerate((*figures_of, unit.waitlisted), start=2):
            page.write_number(i, column, value)
    page.set_column(0, 0, 40)
    page.autofilter(0, 0, max(len(units), 1), len(sheet.headers) - 1)


def _headers(page: Worksheet, row: int, headers: Sequence[str], bold: Format) -> None:
    page.freeze_panes(row + 1, 0)
    for column, header in enumerate(headers):
        page.write_string(row, column, header, bold)

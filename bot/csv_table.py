"""Reading the CSV files coordinators make in spreadsheets: BOM, ";" (Indonesian Excel), blanks."""

from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass, field
from typing import ClassVar

from bot.errors import N_, DomainError

# Far above any real directory or schedule; bounds memory for a wrong upload.
MAX_ROWS = 50_000


class TableProblem(enum.Enum):
    NOT_UTF8 = "not_utf8"
    EMPTY_FILE = "empty_file"
    MISSING_COLUMNS = "missing_columns"
    NOT_CSV = "not_csv"
    TOO_MANY_ROWS = "too_many_rows"


class TableError(DomainError):
    """The file as a whole cannot be read; nothing was written."""

    keys: ClassVar[dict[TableProblem, str]] = {
        TableProblem.NOT_UTF8: N_("import-problem-not-utf8"),
        TableProblem.EMPTY_FILE: N_("import-problem-empty-file"),
        TableProblem.MISSING_COLUMNS: N_("import-problem-missing-columns"),
        TableProblem.NOT_CSV: N_("import-problem-not-csv"),
        TableProblem.TOO_MANY_ROWS: N_("import-problem-too-many-rows"),
    }

    def __init__(
        self, problem: TableProblem, *, columns: tuple[str, ...] = (), line: int | None = None
    ) -> None:
        super().__init__(self.keys[problem], columns=", ".join(columns), line=line or "-")
        self.problem = problem
        self.columns = columns
        self.line = line


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row left out of an import: where, which id, why (an enum of the importer), which column."""

    line: int
    id: str
    reason: enum.Enum
    field: str | None = None


@dataclass
class ImportReport:
    """What an import did, row by row: counts of each outcome and the rows left out."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    # Rejected rows counted but not kept in `rejected` (a long job keeps the first ones).
    more_rejected: int = 0
    # Batches the file cancelled (counted in `updated` too), and the people told so.
    cancelled: int = 0
    told: int = 0

    @property
    def rejected_count(self) -> int:
        return len(self.rejected) + self.more_rejected


@dataclass(frozen=True, slots=True)
class Record:
    """One non-blank row; `line` is where it starts in the file (header = 1)."""

    line: int
    cells: dict[str, str]


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(TableProblem.NOT_UTF8, line=raw[: exc.start].count(b"\n") + 1) from exc


def read_table(text: str, required: tuple[str, ...]) -> tuple[list[str], list[Record]]:
    """Header (lower-case) and records with stripped cells; checks the required columns."""
    if not text.strip():
        raise TableError(TableProblem.EMPTY_FILE)
    if "\x00" in text:  # a binary file; PostgreSQL would also refuse NUL in text columns
        raise TableError(TableProblem.NOT_CSV, line=text[: text.index("\x00")].count("\n") + 1)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[Record] = []
    try:
        header = [h.strip().lower() for h in next(reader)]
        last_line = reader.line_num
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if any(c.strip() for c in cells):
                values = (c.strip() for c in cells)
                records.append(Record(start, dict(zip(header, values, strict=False))))
            if len(records) > MAX_ROWS:
                raise TableError(TableProblem.TOO_MANY_ROWS, line=start)
    except csv.Error as exc:
        raise TableError(TableProblem.NOT_CSV, line=reader.line_num) from exc
    missing = tuple(c for c in required if c not in header)
    if missing:
        raise TableError(TableProblem.MISSING_COLUMNS, columns=missing)
    return header, records

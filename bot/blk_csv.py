"""Reading and checking a BLK directory CSV (the format of ``bot/data/blk.csv``).

Pure functions: decoding, header and row checks. Writing is :mod:`bot.directory`'s job. Errors
are enums with line numbers, never sentences: handlers and the CLI word them.
"""

from __future__ import annotations

import csv
import enum
import io
import math
import os
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from bot.geo import in_indonesia_box
from storage.directory_repository import BlkRow

REQUIRED_COLUMNS = ("id", "name", "type", "regency_code")
OPTIONAL_COLUMNS = ("address", "latitude", "longitude", "coord_source", "phone", "source")
# UPTP: Kemnaker unit; UPTD: provincial/regency BLK; BLKK: BLK Komunitas (expected later).
BLK_KINDS = frozenset({"UPTP", "UPTD", "BLKK"})
# Column widths of storage.models.Blk: PostgreSQL would reject longer values mid-transaction.
MAX_LENGTHS = {"id": 64, "name": 200, "address": 300, "coord_source": 32, "phone": 32}
# Far above the ~3,000 BLK Komunitas expected; bounds memory for a wrong upload.
MAX_ROWS = 50_000


class RejectReason(enum.Enum):
    MISSING_FIELD = "missing_field"
    BAD_COORDINATES = "bad_coordinates"
    UNKNOWN_REGENCY = "unknown_regency"
    DUPLICATE_ID_IN_FILE = "duplicate_id_in_file"
    BAD_TYPE = "bad_type"
    FIELD_TOO_LONG = "field_too_long"


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row left out of the import; ``line`` is the file's line (header = 1)."""

    line: int
    id: str
    reason: RejectReason
    field: str | None = None


class ImportProblem(enum.Enum):
    NOT_UTF8 = "not_utf8"
    EMPTY_FILE = "empty_file"
    MISSING_COLUMNS = "missing_columns"
    NOT_CSV = "not_csv"
    TOO_MANY_ROWS = "too_many_rows"


class BlkImportError(Exception):
    """The file as a whole cannot be imported; nothing was written."""

    def __init__(
        self, problem: ImportProblem, *, columns: tuple[str, ...] = (), line: int | None = None
    ) -> None:
        super().__init__(problem.value, columns, line)
        self.problem = problem
        self.columns = columns  # the missing columns, for MISSING_COLUMNS
        self.line = line  # where decoding/parsing failed, when known


@dataclass(frozen=True, slots=True)
class ParsedRow:
    line: int
    row: BlkRow


@dataclass(frozen=True, slots=True)
class ParsedFile:
    rows: list[ParsedRow]
    rejected: list[RejectedRow] = field(default_factory=list)


def decode(data: bytes | str | os.PathLike[str]) -> str:
    """File contents as text; raises NOT_UTF8 (with the line) for e.g. a cp1252 Excel export."""
    raw = data if isinstance(data, bytes) else Path(data).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BlkImportError(ImportProblem.NOT_UTF8, line=line) from exc
    if "\x00" in text:  # a binary file; PostgreSQL would also refuse NUL in text columns
        raise BlkImportError(ImportProblem.NOT_CSV, line=text[: text.index("\x00")].count("\n") + 1)
    return text


def parse(text: str, regency_codes: Container[str]) -> ParsedFile:
    """Check every row; raises :class:`BlkImportError` for problems of the whole file."""
    if not text.strip():
        raise BlkImportError(ImportProblem.EMPTY_FILE)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","  # Excel, id_ID
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
        records: list[tuple[int, dict[str, str]]] = []
        last_line = reader.line_num
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if any(c.strip() for c in cells):
                records.append((start, dict(zip(header, (c.strip() for c in cells), strict=False))))
            if len(records) > MAX_ROWS:
                raise BlkImportError(ImportProblem.TOO_MANY_ROWS, line=start)
    except csv.Error as exc:  # NUL bytes, a field over the size limit
        raise BlkImportError(ImportProblem.NOT_CSV, line=reader.line_num) from exc
    _check_header(header)
    ids = Counter(record.get("id", "") for _, record in records)
    parsed: list[ParsedRow] = []
    rejected: list[RejectedRow] = []
    for line, record in records:
        row_or_reject = _row(line, record, set(header), regency_codes, ids)
        if isinstance(row_or_reject, RejectedRow):
            rejected.append(row_or_reject)
        else:
            parsed.append(ParsedRow(line, row_or_reject))
    return ParsedFile(parsed, rejected)


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if ("latitude" in header) != ("longitude" in header):  # a lone column can never be valid
        missing.append("longitude" if "latitude" in header else "latitude")
    if missing:
        raise BlkImportError(ImportProblem.MISSING_COLUMNS, columns=tuple(missing))


def _row(
    line: int,
    record: dict[str, str],
    columns: set[str],
    regency_codes: Container[str],
    ids: Counter[str],
) -> BlkRow | RejectedRow:
    """One checked row, holding only the columns the file has (absent = keep on update)."""
    blk_id = record.get("id", "")

    def reject(reason: RejectReason, name: str | None = None) -> RejectedRow:
        return RejectedRow(line, blk_id, reason, name)

    for name in REQUIRED_COLUMNS:
        if not record.get(name):
            return reject(RejectReason.MISSING_FIELD, name)
    if ids[blk_id] > 1:  # which copy is right is not ours to guess: all are rejected
        return reject(RejectReason.DUPLICATE_ID_IN_FILE, "id")
    for name, limit in MAX_LENGTHS.items():
        if len(record.get(name, "")) > limit:
            return reject(RejectReason.FIELD_TOO_LONG, name)
    kind = record["type"].upper()
    if kind not in BLK_KINDS:
        return reject(RejectReason.BAD_TYPE, "type")
    regency_code = _regency_code(record["regency_code"])
    if regency_code not in regency_codes:
        return reject(RejectReason.UNKNOWN_REGENCY, "regency_code")
    row = BlkRow(id=blk_id, name=record["name"], kind=kind, regency_code=regency_code)
    if "latitude" in columns:
        coords = _coordinates(record.get("latitude", ""), record.get("longitude", ""))
        if isinstance(coords, str):
            return reject(RejectReason.BAD_COORDINATES, coords)
        row["latitude"], row["longitude"] = coords
    for name in ("address", "coord_source", "phone"):
        if name in columns:
            row[name] = record.get(name, "")  # type: ignore[literal-required]
    if record.get("source"):  # blank: keep the stored source, or the import's name when new
        row["source"] = record["source"]
    return row


def _regency_code(text: str) -> str:
    """Accept "3216" as "32.16" (spreadsheets drop the dot when they think it is a number)."""
    return f"{text[:2]}.{text[2:]}" if len(text) == 4 and text.isdigit() else text


def _coordinates(lat_text: str, lon_text: str) -> tuple[float | None, float | None] | str:
    """(lat, lon), (None, None) when both blank, else the name of the bad field."""
    if not lat_text and not lon_text:
        return (None, None)
    values: list[float] = []
    for name, text in (("latitude", lat_text), ("longitude", lon_text)):
        if text.count(",") == 1 and "." not in text:  # decimal comma: "-6,2383"
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return name
        if not math.isfinite(value):
            return name
        values.append(value)
    lat, lon = values
    if not in_indonesia_box(lat, lon):
        return "latitude" if not in_indonesia_box(lat, 120.0) else "longitude"
    return (lat, lon)

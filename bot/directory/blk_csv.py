"""Reading and checking a BLK directory CSV (the format of ``bot/data/blk.csv``).

Pure functions: decoding, header and row checks. Writing is :mod:`bot.directory`'s job. Errors
are enums with line numbers, never sentences: handlers and the CLI word them.
"""

from __future__ import annotations

import enum
import math
import os
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from bot.csv_table import RejectedRow, TableError, TableProblem, read_table
from bot.csv_table import decode as decode_table
from bot.places.geo import in_indonesia_box
from storage.directory_repository import BlkRow

REQUIRED_COLUMNS = ("id", "name", "type", "regency_code")
OPTIONAL_COLUMNS = ("address", "latitude", "longitude", "coord_source", "phone", "source")
# UPTP: Kemnaker unit; UPTD: provincial/regency BLK; BLKK: BLK Komunitas (expected later).
BLK_KINDS = frozenset({"UPTP", "UPTD", "BLKK"})
# Column widths of storage.models.Blk: PostgreSQL would reject longer values mid-transaction.
# The id is also carried in button data (64 bytes with its prefix), hence 48.
MAX_LENGTHS = {"id": 48, "name": 200, "address": 300, "coord_source": 32, "phone": 32}


class RejectReason(enum.Enum):
    MISSING_FIELD = "missing_field"
    BAD_COORDINATES = "bad_coordinates"
    UNKNOWN_REGENCY = "unknown_regency"
    DUPLICATE_ID_IN_FILE = "duplicate_id_in_file"
    BAD_TYPE = "bad_type"
    FIELD_TOO_LONG = "field_too_long"


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
    return decode_table(data if isinstance(data, bytes) else Path(data).read_bytes())


def parse(text: str, regency_codes: Container[str]) -> ParsedFile:
    """Check every row; raises :class:`TableError` for problems of the whole file."""
    header, records = read_table(text, REQUIRED_COLUMNS)
    _check_header(header)
    ids = Counter(record.cells.get("id", "") for record in records)
    parsed: list[ParsedRow] = []
    rejected: list[RejectedRow] = []
    for record in records:
        row_or_reject = _row(record.line, record.cells, set(header), regency_codes, ids)
        if isinstance(row_or_reject, RejectedRow):
            rejected.append(row_or_reject)
        else:
            parsed.append(ParsedRow(record.line, row_or_reject))
    return ParsedFile(parsed, rejected)


def _check_header(header: list[str]) -> None:
    """A lone latitude or longitude column can never be valid."""
    if ("latitude" in header) != ("longitude" in header):
        missing = "longitude" if "latitude" in header else "latitude"
        raise TableError(TableProblem.MISSING_COLUMNS, columns=(missing,))


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
        value = record.get(name, "")
        if (len(value.encode()) if name == "id" else len(value)) > limit:
            return reject(RejectReason.FIELD_TOO_LONG, name)
    kind = record["type"].upper()
    if kind not in BLK_KINDS:
        return reject(RejectReason.BAD_TYPE, "type")
    regency_code = regency_code_of(record["regency_code"])
    if regency_code not in regency_codes:
        return reject(RejectReason.UNKNOWN_REGENCY, "regency_code")
    row = BlkRow(id=blk_id, name=record["name"], kind=kind, regency_code=regency_code)
    if "latitude" in columns:
        coords = coordinates_of(record.get("latitude", ""), record.get("longitude", ""))
        if isinstance(coords, str):
            return reject(RejectReason.BAD_COORDINATES, coords)
        row["latitude"], row["longitude"] = coords
    for name in ("address", "coord_source", "phone"):
        if name in columns:
            row[name] = record.get(name, "")  # type: ignore[literal-required]
    if record.get("source"):  # blank: keep the stored source, or the import's name when new
        row["source"] = record["source"]
    return row


def regency_code_of(text: str) -> str:
    """Accept "3216" as "32.16" (spreadsheets drop the dot when they think it is a number)."""
    return f"{text[:2]}.{text[2:]}" if len(text) == 4 and text.isdigit() else text


def coordinates_of(lat_text: str, lon_text: str) -> tuple[float | None, float | None] | str:
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

"""Checking a batch schedule CSV (see bot/data/batches-template.csv); pure, no database.

Dates and daily hours are local to the BLK; the caller converts them with the BLK's zone.
The optional `programme` column holds a programme code (bot/data/programmes.toml); a
blank cell or no column leaves a stored batch's programme as it is, and makes a new
batch entrepreneurship training.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, time, timedelta

from bot.csv_table import Record, RejectedRow
from bot.training.programmes import Programme

REQUIRED_COLUMNS = (
    "id", "blk_id", "title", "start_date", "end_date", "daily_start", "daily_end", "capacity",
)  # fmt: skip
# The stored status for each word a coordinator may write: the stored English words and
# the Indonesian ones spreadsheets are written in (any case).
STATUS_WORDS = {
    "open": "open", "buka": "open", "dibuka": "open",
    "closed": "closed", "tutup": "closed", "ditutup": "closed",
    "cancelled": "cancelled", "canceled": "cancelled", "batal": "cancelled",
    "dibatalkan": "cancelled",
}  # fmt: skip
MAX_CAPACITY = 10_000
MAX_LENGTHS = {"id": 64, "title": 200}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


class BatchReject(enum.Enum):
    MISSING_FIELD = "missing_field"
    DUPLICATE_ID_IN_FILE = "duplicate_id_in_file"
    FIELD_TOO_LONG = "field_too_long"
    BAD_DATE = "bad_date"
    BAD_TIME = "bad_time"
    BAD_CAPACITY = "bad_capacity"
    BAD_STATUS = "bad_status"
    BAD_PROGRAMME = "bad_programme"
    END_BEFORE_START = "end_before_start"
    DEADLINE_AFTER_START = "deadline_after_start"
    STARTS_IN_PAST = "starts_in_past"  # a new batch, or new dates, before today at the BLK
    UNKNOWN_BLK = "unknown_blk"
    CAPACITY_BELOW_TAKEN = "capacity_below_taken"
    OUT_OF_SCOPE = "out_of_scope"  # a coordinator's row for a BLK or batch not theirs
    COMPLETED = "completed"  # a row that would change a completed batch
    CANCELLED = "cancelled"  # a row that would change a cancelled batch


@dataclass(frozen=True, slots=True)
class BatchRow:
    """A checked row, in the BLK's local calendar and clock."""

    line: int
    id: str
    blk_id: str
    title: str
    first_day: date
    last_day: date
    daily_start: time
    daily_end: time
    capacity: int
    deadline_day: date
    status: str
    programme: Programme | None = None  # None: not given


def parse_day(text: str) -> date | None:
    """2026-12-07 or 07/12/2026 (day first, as Indonesian spreadsheets write it)."""
    if match := _ISO.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _DAY_FIRST.match(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_clock(text: str) -> time | None:
    match = _TIME.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def parse_status(text: str) -> str | None:
    """The stored status ("open", "closed", "cancelled") for a cell; blank is open."""
    return STATUS_WORDS.get(text.strip().lower() or "open")


def check_rows(records: list[Record]) -> tuple[list[BatchRow], list[RejectedRow]]:
    ids = Counter(record.cells.get("id", "") for record in records)
    rows: list[BatchRow] = []
    rejected: list[RejectedRow] = []
    for record in records:
        checked = _check(record, ids)
        if isinstance(checked, RejectedRow):
            rejected.append(checked)
        else:
            rows.append(checked)
    return rows, rejected


def _check(record: Record, ids: Counter[str]) -> BatchRow | RejectedRow:
    cells = record.cells
    batch_id = cells.get("id", "")

    def reject(reason: BatchReject, name: str | None = None) -> RejectedRow:
        return RejectedRow(record.line, batch_id, reason, name)

    for name in REQUIRED_COLUMNS:
        if not cells.get(name):
            return reject(BatchReject.MISSING_FIELD, name)
    if ids[batch_id] > 1:
        return reject(BatchReject.DUPLICATE_ID_IN_FILE, "id")
    for name, limit in MAX_LENGTHS.items():
        if len(cells[name]) > limit:
            return reject(BatchReject.FIELD_TOO_LONG, name)
    days = {name: parse_day(cells.get(name, "")) for name in ("start_date", "end_date")}
    for name, value in days.items():
        if value is None:
            return reject(BatchReject.BAD_DATE, name)
    clocks = {name: parse_clock(cells[name]) for name in ("daily_start", "daily_end")}
    for name, value in clocks.items():
        if value is None:
            return reject(BatchReject.BAD_TIME, name)
    first, last = days["start_date"], days["end_date"]
    assert first and last and clocks["daily_start"] and clocks["daily_end"]
    if last < first or clocks["daily_end"] <= clocks["daily_start"]:
        return reject(BatchReject.END_BEFORE_START, "end_date" if last < first else "daily_end")
    if not cells["capacity"].isdigit() or not 1 <= int(cells["capacity"]) <= MAX_CAPACITY:
        return reject(BatchReject.BAD_CAPACITY, "capacity")
    deadline = first - timedelta(days=1)
    if cells.get("registration_deadline"):
        parsed = parse_day(cells["registration_deadline"])
        if parsed is None:
            return reject(BatchReject.BAD_DATE, "registration_deadline")
        if parsed > first:
            return reject(BatchReject.DEADLINE_AFTER_START, "registration_deadline")
        deadline = parsed
    status = parse_status(cells.get("status", ""))
    if status is None:
        return reject(BatchReject.BAD_STATUS, "status")
    programme = cells.get("programme", "").strip().lower() or None
    if programme is not None and programme not in set(Programme):
        return reject(BatchReject.BAD_PROGRAMME, "programme")
    return BatchRow(
        line=record.line,
        id=batch_id,
        blk_id=cells["blk_id"],
        title=cells["title"],
        first_day=first,
        last_day=last,
        daily_start=clocks["daily_start"],
        daily_end=clocks["daily_end"],
        capacity=int(cells["capacity"]),
        deadline_day=deadline,
        status=status,
        programme=Programme(programme) if programme else None,
    )

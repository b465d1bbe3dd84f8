"""Attendance codes and QR links of one batch's training day; pure, no database.

Both are derived from the batch id and the day with a keyed HMAC (`sign`, the data key's
fingerprint), so nothing needs storing, a retried update shows the same code, and
nobody without the key can work one out.

- The typed code: 6 symbols from 31 that cannot be mistaken for one another (no 0/O,
  1/I/L): 31^6 = 887,503,681 codes. With `check_in_misses_per_hour` wrong codes allowed
  per person (10 by default), one person's chance of hitting their batch's code in a day
  of trying is 240 / 887,503,681, about 1 in 3.7 million.
- The QR link: `t.me/<bot>?start=ci<batch>-<yyyymmdd>-<mac>` with 80 bits of MAC
  (20 hex digits); at most 42 characters, within Telegram's 64 for a start parameter.
"""

from __future__ import annotations

import hmac
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import segno

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
PAYLOAD_PREFIX = "ci"
MAC_LENGTH = 20
_SEPARATORS = re.compile(r"[\s\-_.]+")
_PAYLOAD = re.compile(rf"^{PAYLOAD_PREFIX}(\d{{1,10}})-(\d{{8}})-([0-9a-f]{{{MAC_LENGTH}}})$")


def read_code(text: str) -> str | None:
    """A typed code in its one spelling (upper case, no spaces or dashes), or None when
    it cannot be one: wrong length or a symbol outside the alphabet."""
    code = _SEPARATORS.sub("", text).upper()
    if len(code) != CODE_LENGTH or any(symbol not in ALPHABET for symbol in code):
        return None
    return code


@dataclass(frozen=True)
class DayCode:
    """What the coordinator shows in class for one batch and day."""

    batch_id: int
    day: date
    code: str
    payload: str


class CheckInKeys:
    """Codes and link payloads; `sign` is a keyed HMAC returning hex digits."""

    def __init__(self, sign: Callable[[str], str]) -> None:
        self._sign = sign

    def code_for(self, batch_id: int, day: date) -> str:
        number = int(self._sign(f"check-in-code:{batch_id}:{day.isoformat()}"), 16)
        symbols = []
        for _ in range(CODE_LENGTH):
            number, index = divmod(number, len(ALPHABET))
            symbols.append(ALPHABET[index])
        return "".join(symbols)

    def payload_for(self, batch_id: int, day: date) -> str:
        return f"{PAYLOAD_PREFIX}{batch_id}-{day:%Y%m%d}-{self._mac(batch_id, day)}"

    def day_code(self, batch_id: int, day: date) -> DayCode:
        return DayCode(batch_id, day, self.code_for(batch_id, day), self.payload_for(batch_id, day))

    def read_payload(self, payload: str) -> tuple[int, date] | None:
        """(batch, day) of a genuine link payload; None for anything else."""
        match = _PAYLOAD.match(payload)
        if match is None:
            return None
        try:
            batch_id, day = int(match[1]), datetime.strptime(match[2], "%Y%m%d").date()
        except ValueError:
            return None
        if not hmac.compare_digest(match[3], self._mac(batch_id, day)):
            return None
        return batch_id, day

    def _mac(self, batch_id: int, day: date) -> str:
        return self._sign(f"check-in-link:{batch_id}:{day.isoformat()}")[:MAC_LENGTH]


def is_check_in_payload(payload: str | None) -> bool:
    return bool(payload) and payload.startswith(PAYLOAD_PREFIX)


class Moment(StrEnum):
    EARLY = "early"
    OPEN = "open"
    LATE = "late"


@dataclass(frozen=True)
class TrainingDays:
    """A batch's calendar in its BLK's zone: first to last day on the training week days,
    each from the daily start to the daily end (the clock times of `starts_at`/`ends_at`)."""

    starts_at: datetime
    ends_at: datetime
    zone: str
    weekdays: frozenset[int]

    @property
    def _local(self) -> tuple[datetime, datetime]:
        tz = ZoneInfo(self.zone)
        return self.starts_at.astimezone(tz), self.ends_at.astimezone(tz)

    def days(self) -> Iterator[date]:
        first, last = (moment.date() for moment in self._local)
        day = first
        while day <= last:
            if day.weekday() in self.weekdays:
                yield day
            day += timedelta(days=1)

    def is_training_day(self, day: date) -> bool:
        first, last = (moment.date() for moment in self._local)
        return first <= day <= last and day.weekday() in self.weekdays

    def hours(self, day: date) -> tuple[datetime, datetime]:
        """The day's start and end, in the BLK's zone."""
        start, end = self._local
        tz = ZoneInfo(self.zone)
        return datetime.combine(day, start.time(), tz), datetime.combine(day, end.time(), tz)

    def moment(self, day: date, now: datetime, tolerance: timedelta) -> Moment:
        """Where `now` is against the day's hours, give or take `tolerance`."""
        start, end = self.hours(day)
        if now.astimezone(UTC) < (start - tolerance).astimezone(UTC):
            return Moment.EARLY
        if now.astimezone(UTC) > (end + tolerance).astimezone(UTC):
            return Moment.LATE
        return Moment.OPEN


def deep_link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


def qr_png(link: str) -> bytes:
    """The link as a QR code picture, large enough to scan from the back of a class."""
    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=12, border=4)
    return buffer.getvalue()

"""The programme's one clock: "now" for the database, "today" where people live.

Built once (`bot.runtime.app.create_app`) and handed to every service that needs time,
so tests set the time in one place. "Today" is a date in a time zone, never the UTC
date: at 01:30 WIB it is already tomorrow in Indonesia while still today in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PROGRAMME_ZONE = "Asia/Jakarta"  # WIB; the TIMEZONE setting's default


class Clock:
    def __init__(self, timezone: str = PROGRAMME_ZONE) -> None:
        self.zone = ZoneInfo(timezone)

    def now(self) -> datetime:
        """An aware UTC datetime, as the database stores and compares them."""
        return datetime.now(UTC)

    def today(self) -> date:
        """Today in the programme's zone: for ages, birth dates and months people type."""
        return self.today_in(self.zone)

    def today_in(self, zone: str | ZoneInfo) -> date:
        """Today where a BLK is (WIB, WITA or WIT)."""
        return self.now().astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone).date()

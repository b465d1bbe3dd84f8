"""One clock: "now" is UTC, "today" is the date in Indonesia, not in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.clock import Clock
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from storage.database import Database
from tests.clock import FixedClock

# 2 January 2026, 01:30 WIB (03:30 WIT): Indonesia's new day, still 1 January in UTC.
AFTER_MIDNIGHT_WIB = datetime(2026, 1, 1, 18, 30, tzinfo=UTC)


def test_now_is_an_aware_utc_time() -> None:
    assert Clock().now().utcoffset() == timedelta(0)


def test_today_is_the_date_where_people_are() -> None:
    clock = FixedClock(AFTER_MIDNIGHT_WIB)
    assert clock.today() == date(2026, 1, 2)
    assert clock.today_in("Asia/Jayapura") == date(2026, 1, 2)
    assert FixedClock(AFTER_MIDNIGHT_WIB, "UTC").today() == date(2026, 1, 1)


def test_a_nik_is_read_against_today_in_wib(db: Database, cipher: PersonalDataCipher) -> None:
    registrations = RegistrationService(db, cipher, clock=FixedClock(AFTER_MIDNIGHT_WIB))
    # Born today in WIB; against the UTC date (1 January) it would be tomorrow, so the
    # two-digit year would be read as 1926.
    nik = registrations.parse_nik("3201010201260001")
    assert nik.birth_date == date(2026, 1, 2)

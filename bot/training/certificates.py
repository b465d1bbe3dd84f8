"""Certificates of completed training: a number for every passed result, the PDF a
participant gets with /sertifikat, and what anyone sees when checking a number (/cek, or
the QR code on the PDF): valid or not, the holder's name partly masked, programme, BLK
and dates. An administrator can revoke one (audited); a revoked certificate, or one whose
result a coordinator changed to not passed, is not valid.

A number is `SRT-<year>-<8 symbols>` from the check-in code's unambiguous alphabet:
31^8 ≈ 8.5 × 10^11 per year, so valid numbers cannot be found by trying.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import AuditAction, record
from bot.clock import Clock
from bot.errors import N_, DomainError
from bot.training.check_in_codes import ALPHABET
from storage.certificate_repository import CertificateRepository, CertificateRow
from storage.database import Database
from storage.models import TrainingResult

PREFIX = "SRT"
SYMBOLS = 8
LINK_PREFIX = "cek-"
_NUMBER = re.compile(rf"^{PREFIX}-?(\d{{4}})-?([{ALPHABET}]{{{SYMBOLS}}})$")


def read_number(text: str) -> str | None:
    """A typed number in its one spelling (`SRT-2026-7K3QXP9A`), or None."""
    match = _NUMBER.match(re.sub(r"\s+", "", text).upper())
    return f"{PREFIX}-{match[1]}-{match[2]}" if match else None


def new_number(year: int) -> str:
    return f"{PREFIX}-{year}-{''.join(secrets.choice(ALPHABET) for _ in range(SYMBOLS))}"


def mask_name(name: str) -> str:
    """ "Budi Santoso" → "Bu** Sa*****": enough to recognise, not to learn a name."""
    return " ".join(
        word[:2] + "*" * (len(word) - 2) if len(word) > 2 else word[:1] + "*"
        for word in name.split()
    )


class CertificateNotFound(DomainError):
    key = N_("certificate-error-not-found")


@dataclass(frozen=True)
class Certificate:
    """What a certificate states; days and hours in the BLK's zone."""

    number: str
    holder: str
    programme: str  # a code of bot.training.programmes.Programme
    batch: str
    blk: str
    first_day: date
    last_day: date
    hours: int
    valid: bool
    revoked: bool

    @property
    def masked_holder(self) -> str:
        return mask_name(self.holder)


def certificate_of(row: CertificateRow) -> Certificate:
    zone = ZoneInfo(row.timezone)
    starts, ends = row.starts_at.astimezone(zone), row.ends_at.astimezone(zone)
    daily = datetime.combine(date.min, ends.time()) - datetime.combine(date.min, starts.time())
    return Certificate(
        number=row.number,
        holder=row.full_name,
        programme=row.programme,
        batch=row.batch_title,
        blk=row.blk_name,
        first_day=starts.date(),
        last_day=ends.date(),
        hours=round(row.training_days * daily.total_seconds() / 3600),
        valid=row.passed and row.revoked_at is None,
        revoked=row.revoked_at is not None,
    )


async def give_number(session: AsyncSession, result: TrainingResult, year: int) -> None:
    """A passed result without a number gets a fresh one (numbers are never reused)."""
    if not result.passed or result.certificate_number:
        return
    repository = CertificateRepository(session)
    number = new_number(year)
    while await repository.number_taken(number):
        number = new_number(year)
    result.certificate_number = number


class CertificateService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self.clock = clock

    async def valid_of(self, telegram_id: int) -> list[Certificate]:
        """The person's valid certificates, oldest batch first."""
        async with self._db.transaction() as session:
            rows = await CertificateRepository(session).of_person(telegram_id)
        return [c for c in map(certificate_of, rows) if c.valid]

    async def count_of(self, telegram_id: int) -> int:
        async with self._db.transaction() as session:
            return len(await CertificateRepository(session).of_person(telegram_id))

    async def check(self, number: str) -> Certificate | None:
        """Anyone's check of a number; None when no certificate has it."""
        async with self._db.transaction() as session:
            row = await CertificateRepository(session).by_number(number)
        return certificate_of(row) if row else None

    async def revoke(self, admin_id: int, number: str) -> Certificate:
        """An administrator revokes a certificate (callers check the role); audited."""
        async with self._db.transaction() as session:
            repository = CertificateRepository(session)
            result = await repository.result_by_number(number)
            if result is None:
                raise CertificateNotFound
            if result.certificate_revoked_at is None:
                result.certificate_revoked_at = self.clock.now()
                result.certificate_revoked_by = admin_id
                record(
                    session,
                    admin_id,
                    AuditAction.CERTIFICATE_REVOKED,
                    enrollment_id=result.enrollment_id,
                    number=number,
                )
            await session.flush()
            row = await repository.by_number(number)
            assert row is not None
            return certificate_of(row)

"""Saving, reading and erasing registrations; every method is one transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.errors import N_, DomainError
from bot.phk.service import answers_of
from bot.registration.months import months_before
from bot.registration.nik import Nik, Sex, parse_nik
from bot.registration.participants import (
    CONSENT_VERSION,
    BusinessStatus,
    Participant,
    RegistrationForm,
    Sector,
)
from bot.registration.personal_data import PersonalDataCipher
from bot.training.waitlist import release
from storage.database import Database
from storage.enrollment_repository import EnrollmentRepository
from storage.models import Registration
from storage.phk_repository import PhkRepository
from storage.repositories import Repositories
from storage.ticket_repository import TicketRepository

# No 0/O, 1/I/L: codes are read aloud over the phone and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Erasure:
    erased: bool
    promoted_telegram_id: int | None


@dataclass(frozen=True)
class Retention:
    erased: int
    drafts: int
    promoted: int


class AlreadyRegistered(DomainError):
    """This Telegram account already has a registration."""

    key = N_("reg-already-registered")


class NikTaken(DomainError):
    """Another account registered this NIK; nothing more is said about that account."""

    key = N_("error-nik-taken")


class NotRegistered(DomainError):
    """An edit, or a seat, was asked for an account with no registration."""

    key = N_("status-not-registered")


def utc_now() -> datetime:
    return datetime.now(UTC)


class RegistrationService:
    """Registration use cases; handlers call these and never touch the database."""

    def __init__(
        self,
        db: Database,
        cipher: PersonalDataCipher,
        code_prefix: str = "BLK",
        clock: Clock = utc_now,
        retention_months: int = 24,
    ) -> None:
        self._db = db
        self._cipher = cipher
        self._code_prefix = code_prefix
        self.clock = clock
        self.retention_months = retention_months

    def parse_nik(self, text: str) -> Nik:
        """Parse a typed NIK against today's date in Indonesia's western zone."""
        return parse_nik(text, self.clock().date())

    async def nik_available(self, telegram_id: int, nik: str) -> bool:
        """True unless another account already registered this NIK."""
        async with self._db.transaction() as session:
            owner = await Repositories(session).registrations.owner_of_fingerprint(
                self._cipher.fingerprint(nik)
            )
        return owner is None or owner == telegram_id

    async def is_registered(self, telegram_id: int) -> bool:
        async with self._db.transaction() as session:
            found = await Repositories(session).registrations.by_telegram_id(telegram_id)
        return found is not None

    async def register(self, telegram_id: int, form: RegistrationForm) -> Participant:
        """Save a new registration with a fresh code; refuses duplicates by account or NIK."""
        async with self._db.transaction() as session:
            repos = Repositories(session)
            if await repos.registrations.by_telegram_id(telegram_id, lock=True):
                raise AlreadyRegistered
            await self._check_nik_free(repos, telegram_id, form.nik)
            row = Registration(telegram_id=telegram_id, code=await self._new_code(repos))
            self._fill(row, form)
            repos.registrations.add(row)
            await session.flush()
            return self._to_participant(row)

    async def update(self, telegram_id: int, form: RegistrationForm) -> Participant:
        """Replace the answers of an existing registration, keeping its code."""
        async with self._db.transaction() as session:
            repos = Repositories(session)
            row = await repos.registrations.by_telegram_id(telegram_id, lock=True)
            if row is None:
                raise NotRegistered
            await self._check_nik_free(repos, telegram_id, form.nik)
            self._fill(row, form)
            await session.flush()
            return self._to_participant(row)

    async def get(self, telegram_id: int) -> Participant | None:
        async with self._db.transaction() as session:
            row = await Repositories(session).registrations.by_telegram_id(telegram_id)
            return self._to_participant(row) if row else None

    async def export(self, telegram_id: int) -> dict[str, object] | None:
        """Everything stored about the account, unmasked (UU PDP right of access)."""
        async with self._db.transaction() as session:
            repos = Repositories(session)
            row = await repos.registrations.by_telegram_id(telegram_id)
            user = await repos.users.get(telegram_id)
            phk = await PhkRepository(session).get(telegram_id)
            if row is None and user is None and phk is None:
                return None
            return {
                "telegram_id": telegram_id,
                "language": user.locale if user else None,
                "registration": self._to_participant(row).as_export() if row else None,
                "phk_pathway": answers_of(phk).as_export() if phk else None,
            }

    async def erase(self, telegram_id: int) -> Erasure:
        """Delete everything we hold about the account (UU PDP right to erasure).

        A seat the person held goes to the first waitlisted person, who must be told.
        """
        async with self._db.transaction() as session:
            repos = Repositories(session)
            promoted = None
            row = await repos.registrations.by_telegram_id(telegram_id, lock=True)
            if row is not None:
                live = await EnrollmentRepository(session).live_for(row.id)
                promoted = await release(session, live) if live else None
            deleted = await repos.registrations.delete(telegram_id)
            deleted += await PhkRepository(session).delete(telegram_id)
            deleted += await TicketRepository(session).delete_for_user(telegram_id)
            await repos.users.delete(telegram_id)
            await repos.conversations.delete_for_user(telegram_id)
        return Erasure(erased=deleted > 0, promoted_telegram_id=promoted)

    async def erase_expired(self) -> Retention:
        """Erase what is kept longer than the consent text promises (`retention_months`).

        Each account is erased in its own transaction, as /hapusdata would, so seats go to
        the waitlist and those promoted are told. Idle unfinished conversations go too.
        """
        cutoff = months_before(self.clock(), self.retention_months)
        async with self._db.transaction() as session:
            expired = await Repositories(session).registrations.consented_before(cutoff)
            drafts = await Repositories(session).conversations.delete_idle_since(cutoff)
        promoted = [(await self.erase(telegram_id)).promoted_telegram_id for telegram_id in expired]
        return Retention(len(expired), drafts, sum(p is not None for p in promoted))

    async def _check_nik_free(self, repos: Repositories, telegram_id: int, nik: str) -> None:
        owner = await repos.registrations.owner_of_fingerprint(self._cipher.fingerprint(nik))
        if owner is not None and owner != telegram_id:
            raise NikTaken

    async def _new_code(self, repos: Repositories) -> str:
        while True:
            suffix = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            code = f"{self._code_prefix}-{suffix}"
            if not await repos.registrations.code_exists(code):
                return code

    def _fill(self, row: Registration, form: RegistrationForm) -> None:
        nik = parse_nik(form.nik, self.clock().date())
        row.full_name = form.full_name
        row.nik_cipher = self._cipher.encrypt(nik.value)
        row.nik_fingerprint = self._cipher.fingerprint(nik.value)
        row.phone_cipher = self._cipher.encrypt(form.phone)
        row.birth_date = nik.birth_date
        row.sex = nik.sex.value
        row.province_code = form.province_code
        row.regency_code = form.regency_code
        row.business_status = form.business_status.value
        row.business_sector = form.business_sector.value
        row.phk_affected = form.phk_affected
        row.phk_month = form.phk_month if form.phk_affected else None
        row.consent_version = CONSENT_VERSION
        row.consent_at = form.consent_at

    def _to_participant(self, row: Registration) -> Participant:
        return Participant(
            code=row.code,
            full_name=row.full_name,
            nik=self._cipher.decrypt(row.nik_cipher),
            phone=self._cipher.decrypt(row.phone_cipher),
            birth_date=row.birth_date,
            sex=Sex(row.sex),
            province_code=row.province_code,
            regency_code=row.regency_code,
            business_status=BusinessStatus(row.business_status),
            business_sector=Sector(row.business_sector),
            phk_affected=row.phk_affected,
            phk_month=row.phk_month,
            consent_version=row.consent_version,
            consent_at=row.consent_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

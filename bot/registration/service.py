"""Saving and reading registrations; every method is one transaction.

Export, erasure and retention, which span features, live in `bot.privacy`.
"""

from __future__ import annotations

import secrets
from datetime import date

from bot.clock import Clock
from bot.errors import N_, DomainError
from bot.registration.nik import Nik, Sex, parse_nik
from bot.registration.nik_checks import TAKEN, NikCheckLimits, NikChecksExhausted, NikRefused
from bot.registration.participants import (
    CONSENT_VERSION,
    BusinessStatus,
    Participant,
    RegistrationForm,
    Sector,
)
from bot.registration.personal_data import PersonalDataCipher
from storage.database import Database
from storage.models import Registration
from storage.repositories import Repositories

# No 0/O, 1/I/L: codes are read aloud over the phone and typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


class AlreadyRegistered(DomainError):
    """This Telegram account already has a registration."""

    key = N_("reg-already-registered")


class NikTaken(NikRefused):
    """Another account registered this NIK; told in the same words as any NIK refusal."""


class NotRegistered(DomainError):
    """An edit, or a seat, was asked for an account with no registration."""

    key = N_("status-not-registered")


class RegistrationService:
    """Registration use cases; handlers call these and never touch the database."""

    def __init__(
        self,
        db: Database,
        cipher: PersonalDataCipher,
        code_prefix: str = "BLK",
        clock: Clock | None = None,
        nik_checks: NikCheckLimits | None = None,
    ) -> None:
        self._db = db
        self._cipher = cipher
        self._code_prefix = code_prefix
        self.clock = clock or Clock()
        self._nik_checks = nik_checks or NikCheckLimits()

    def parse_nik(self, text: str) -> Nik:
        """Parse a typed NIK against today's date in the programme's zone (WIB)."""
        return parse_nik(text, self.clock.today())

    async def check_nik(self, telegram_id: int, nik: str) -> None:
        """The NIK step's lookup, within `NikCheckLimits`: raises `NikTaken` when another
        account registered this NIK and `NikChecksExhausted` past a limit (both are
        `NikRefused`, answered alike). The count is committed even when refusing."""
        account = self._cipher.fingerprint(f"telegram:{telegram_id}")
        now = self.clock.now()
        refusal: NikRefused | None = None
        async with self._db.transaction() as session:
            repos = Repositories(session)
            if not await self._nik_checks.admit(repos.nik_checks, account, now):
                refusal = NikChecksExhausted()
            elif await self._taken_by_another(repos, telegram_id, nik):
                repos.nik_checks.record(TAKEN, account, now)
                refusal = NikTaken()
        if refusal is not None:
            raise refusal

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
            return participant_of(row, self._cipher)

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
            return participant_of(row, self._cipher)

    async def update_phk(self, telegram_id: int, phk_month: date) -> Participant:
        """Mark a saved registration PHK-affected since `phk_month` (the PHK pathway's
        answer, once the person confirmed it), leaving every other answer as it was."""
        async with self._db.transaction() as session:
            row = await Repositories(session).registrations.by_telegram_id(telegram_id, lock=True)
            if row is None:
                raise NotRegistered
            row.phk_affected = True
            row.phk_month = phk_month
            await session.flush()
            return participant_of(row, self._cipher)

    async def get(self, telegram_id: int) -> Participant | None:
        async with self._db.transaction() as session:
            row = await Repositories(session).registrations.by_telegram_id(telegram_id)
            return participant_of(row, self._cipher) if row else None

    def stored_phone_fingerprint(self, phone_cipher: str) -> str:
        """The fingerprint of a stored phone (E.164, encrypted): migration 007 back-fills
        registrations made before phones had one."""
        return self._cipher.fingerprint(self._cipher.decrypt(phone_cipher))

    async def _check_nik_free(self, repos: Repositories, telegram_id: int, nik: str) -> None:
        if await self._taken_by_another(repos, telegram_id, nik):
            raise NikTaken

    async def _taken_by_another(self, repos: Repositories, telegram_id: int, nik: str) -> bool:
        owner = await repos.registrations.owner_of_fingerprint(self._cipher.fingerprint(nik))
        return owner is not None and owner != telegram_id

    async def _new_code(self, repos: Repositories) -> str:
        while True:
            suffix = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            code = f"{self._code_prefix}-{suffix}"
            if not await repos.registrations.code_exists(code):
                return code

    def _fill(self, row: Registration, form: RegistrationForm) -> None:
        nik = self.parse_nik(form.nik)
        row.full_name = form.full_name
        row.nik_cipher = self._cipher.encrypt(nik.value)
        row.nik_fingerprint = self._cipher.fingerprint(nik.value)
        row.phone_cipher = self._cipher.encrypt(form.phone)
        row.phone_fingerprint = self._cipher.fingerprint(form.phone)
        row.birth_date_cipher = self._cipher.encrypt(nik.birth_date.isoformat())
        row.sex_cipher = self._cipher.encrypt(nik.sex.value)
        row.birth_month = nik.birth_date.replace(day=1)
        row.province_code = form.province_code
        row.regency_code = form.regency_code
        row.business_status = form.business_status.value
        row.business_sector = form.business_sector.value
        row.phk_affected = form.phk_affected
        row.phk_month = form.phk_month if form.phk_affected else None
        row.consent_version = CONSENT_VERSION
        row.consent_at = form.consent_at


def participant_of(row: Registration, cipher: PersonalDataCipher) -> Participant:
    """The stored registration with NIK and phone decrypted."""
    return Participant(
        code=row.code,
        full_name=row.full_name,
        nik=cipher.decrypt(row.nik_cipher),
        phone=cipher.decrypt(row.phone_cipher),
        birth_date=birth_date_of(row.birth_date_cipher, cipher),
        sex=Sex(cipher.decrypt(row.sex_cipher)),
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


def birth_date_of(stored: str, cipher: PersonalDataCipher) -> date:
    """A registration's birth date from its ciphertext (`Registration.birth_date_cipher`)."""
    return date.fromisoformat(cipher.decrypt(stored))

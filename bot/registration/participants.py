"""What a participant tells us at registration, as plain values the services pass around."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.registration.nik import Sex, mask_nik
from bot.registration.phone import mask_phone

# Bump when the consent text changes, so we know which wording each person agreed to.
CONSENT_VERSION = "v1"


class BusinessStatus(StrEnum):
    NONE = "none"
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"


class Sector(StrEnum):
    FOOD = "food"
    FASHION = "fashion"
    CRAFT = "craft"
    AGRICULTURE = "agriculture"
    TRADE = "trade"
    SERVICES = "services"
    DIGITAL = "digital"
    OTHER = "other"


@dataclass(frozen=True)
class RegistrationForm:
    """A complete set of answers, ready to be saved in one transaction."""

    full_name: str
    nik: str
    phone: str
    province_code: str
    regency_code: str
    business_status: BusinessStatus
    business_sector: Sector
    phk_affected: bool
    phk_month: date | None
    consent_at: datetime


@dataclass(frozen=True)
class Participant:
    """A saved registration with personal data decrypted, for its owner's eyes only."""

    code: str
    full_name: str
    nik: str
    phone: str
    birth_date: date
    sex: Sex
    province_code: str
    regency_code: str
    business_status: BusinessStatus
    business_sector: Sector
    phk_affected: bool
    phk_month: date | None
    consent_version: str
    consent_at: datetime
    created_at: datetime
    updated_at: datetime

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    def as_export(self) -> dict[str, Any]:
        """Everything stored about the person, unmasked, for their right of access."""
        data = asdict(self)
        return {key: _jsonable(value) for key, value in data.items()}


def _jsonable(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def form_from_answers(answers: dict[str, Any]) -> RegistrationForm:
    """Rebuild the form from a conversation's stored answers (JSON-friendly values)."""
    month = answers.get("phk_month")
    return RegistrationForm(
        full_name=answers["full_name"],
        nik=answers["nik"],
        phone=answers["phone"],
        province_code=answers["province_code"],
        regency_code=answers["regency_code"],
        business_status=BusinessStatus(answers["business_status"]),
        business_sector=Sector(answers["business_sector"]),
        phk_affected=bool(answers["phk_affected"]),
        phk_month=date.fromisoformat(month) if month else None,
        consent_at=datetime.fromisoformat(answers["consent_at"]),
    )


def answers_from_participant(participant: Participant) -> dict[str, Any]:
    """The inverse, so /ubah can reuse the registration conversation's review step."""
    return {
        "full_name": participant.full_name,
        "nik": participant.nik,
        "phone": participant.phone,
        "province_code": participant.province_code,
        "regency_code": participant.regency_code,
        "business_status": participant.business_status.value,
        "business_sector": participant.business_sector.value,
        "phk_affected": participant.phk_affected,
        "phk_month": participant.phk_month.isoformat() if participant.phk_month else None,
        "consent_at": participant.consent_at.isoformat(),
    }

"""Turning domain values into the user's language: labels, dates and cards."""

from __future__ import annotations

from datetime import date

from aiogram import html
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.context import get_i18n
from babel.dates import format_date

from bot.places.regions import RegionDirectory
from bot.registration.nik import Sex, mask_nik
from bot.registration.participants import BusinessStatus, Participant, Sector
from bot.registration.phone import mask_phone

SEX_LABELS = {Sex.MALE: __("sex-male"), Sex.FEMALE: __("sex-female")}

BUSINESS_LABELS = {
    BusinessStatus.NONE: __("business-none"),
    BusinessStatus.MICRO: __("business-micro"),
    BusinessStatus.SMALL: __("business-small"),
    BusinessStatus.MEDIUM: __("business-medium"),
}

SECTOR_LABELS = {
    Sector.FOOD: __("sector-food"),
    Sector.FASHION: __("sector-fashion"),
    Sector.CRAFT: __("sector-craft"),
    Sector.AGRICULTURE: __("sector-agriculture"),
    Sector.TRADE: __("sector-trade"),
    Sector.SERVICES: __("sector-services"),
    Sector.DIGITAL: __("sector-digital"),
    Sector.OTHER: __("sector-other"),
}


def long_date(day: date) -> str:
    """ "Senin, 12 Mei 2025" in Indonesian, "Monday, 12 May 2025" in English."""
    return format_date(day, "EEEE, d MMMM y", locale=get_i18n().current_locale)


def short_date(day: date) -> str:
    """ "12 Jan 2027": for buttons and lists, where a weekday would crowd the line."""
    return format_date(day, "d MMM y", locale=get_i18n().current_locale)


def month_label(month: date) -> str:
    """ "Maret 2025": the standalone month name, as on a calendar."""
    return format_date(month, "LLLL y", locale=get_i18n().current_locale)


def domicile_label(regions: RegionDirectory, regency_code: str, province_code: str) -> str:
    regency = regions.regency(regency_code)
    province = regions.province(province_code)
    parts = [p for p in (regency.name if regency else None, province.name if province else None)]
    return ", ".join(p for p in parts if p) or "-"


def phk_label(affected: bool, month: date | None) -> str:
    if not affected:
        return _("phk-no")
    if month is None:
        return _("phk-yes")
    return _("phk-yes-since").format(month=month_label(month))


def card_fields(
    regions: RegionDirectory,
    *,
    name: str,
    nik: str,
    phone: str,
    birth_date: date,
    sex: Sex,
    regency_code: str,
    province_code: str,
    business: BusinessStatus,
    sector: Sector,
    phk_affected: bool,
    phk_month: date | None,
) -> dict[str, str]:
    """Placeholders shared by the review before saving and the status card after it."""
    return {
        "name": html.quote(name),
        "nik": mask_nik(nik),
        "birth_date": long_date(birth_date),
        "sex": str(SEX_LABELS[sex]),
        "phone": mask_phone(phone),
        "domicile": html.quote(domicile_label(regions, regency_code, province_code)),
        "business": str(BUSINESS_LABELS[business]),
        "sector": str(SECTOR_LABELS[sector]),
        "phk": phk_label(phk_affected, phk_month),
    }


def participant_card(participant: Participant, regions: RegionDirectory) -> str:
    """The registration as the owner sees it: personal numbers masked."""
    fields = card_fields(
        regions,
        name=participant.full_name,
        nik=participant.nik,
        phone=participant.phone,
        birth_date=participant.birth_date,
        sex=participant.sex,
        regency_code=participant.regency_code,
        province_code=participant.province_code,
        business=participant.business_status,
        sector=participant.business_sector,
        phk_affected=participant.phk_affected,
        phk_month=participant.phk_month,
    )
    return _("status-card").format(code=html.quote(participant.code), **fields)

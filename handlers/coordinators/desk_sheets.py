"""The columns of the desk's spreadsheets: what a BLK needs about each participant, in the
reader's language (XLSX and CSV alike; `bot.coordinators.sheets` writes them)."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _

from bot.coordinators.rosters import RosterEntry
from bot.coordinators.sheets import Column
from bot.registration.nik import Sex
from bot.registration.participants import BusinessStatus, Sector
from bot.training.programmes import Programme
from bot.training.reminders import AttendanceAnswer
from handlers.common.render import BUSINESS_LABELS, SECTOR_LABELS, SEX_LABELS, phk_label
from handlers.coordinators.desk_render import attendance_label, status_label
from handlers.training.render import programme_name


def national_phone(e164: str) -> str:
    """ "0812-3456-7890": what people dial, with no leading "+" or "0" that a spreadsheet
    would take for a formula or a number. Stored numbers are Indonesian E.164 ("+62…")."""
    digits = e164.removeprefix("+62")
    return f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}"


def sheet_columns(*, with_place: bool) -> list[Column[RosterEntry]]:
    """The columns a BLK works with; everyone-in-scope files add the BLK and batch.

    Labels are translated once here, not once per row (an export may have 100,000).
    """
    sex = {value: str(SEX_LABELS[value]) for value in Sex}
    business = {value: str(BUSINESS_LABELS[value]) for value in BusinessStatus}
    sector = {value: str(SECTOR_LABELS[value]) for value in Sector}
    attendance = {answer: attendance_label(answer) for answer in (*AttendanceAnswer, None)}
    programmes = {code.value: programme_name(code) for code in Programme}
    phk: dict[tuple[bool, date | None], str] = {}

    def phk_cell(entry: RosterEntry) -> str:
        key = (entry.phk_affected, entry.phk_month)
        if key not in phk:
            phk[key] = phk_label(*key)
        return phk[key]

    columns: list[Column[RosterEntry]] = [
        Column(_("desk-col-name"), lambda e: e.full_name),
        Column(_("desk-col-code"), lambda e: e.code),
        Column(_("desk-col-phone"), lambda e: national_phone(e.phone)),
        Column(_("desk-col-nik"), lambda e: e.nik_masked),
        Column(_("desk-col-sex"), lambda e: sex[e.sex]),
        Column(_("desk-col-age"), lambda e: e.age),
        Column(_("desk-col-regency"), lambda e: e.regency),
        Column(_("desk-col-business"), lambda e: business[e.business_status]),
        Column(_("desk-col-sector"), lambda e: sector[e.business_sector]),
        Column(_("desk-col-phk"), phk_cell),
        Column(_("desk-col-status"), status_label),
        Column(_("desk-col-enrolled-at"), lambda e: e.enrolled_at),
        Column(_("desk-col-attendance"), lambda e: attendance[e.attendance] if e.status else ""),
    ]
    if with_place:
        columns += [
            Column(_("desk-col-programme"), lambda e: programmes.get(e.programme or "", "")),
            Column(_("desk-col-blk"), lambda e: e.blk_name),
            Column(_("desk-col-batch"), lambda e: e.batch_title),
        ]
    return columns

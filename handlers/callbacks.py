"""Every callback_data shape in one place: short versioned prefixes, ids only, ≤ 64 bytes."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class MenuAction(StrEnum):
    REGISTER = "reg"
    ELIGIBILITY = "elig"
    NEAREST_BLK = "near"
    MY_SCHEDULE = "sched"
    HELP = "help"
    PHK = "phk"
    STATUS = "stat"


class MenuCb(CallbackData, prefix="m1"):
    action: MenuAction


class RegStep(StrEnum):
    """Registration questions answered with a button; also the fields of the edit menu."""

    CONSENT = "cs"
    NIK_CONFIRM = "nc"
    PROVINCE = "pv"
    REGENCY = "rc"
    BUSINESS = "bs"
    SECTOR = "sc"
    PHK = "pk"
    PHK_MONTH = "pm"
    EDIT = "ed"
    SUBMIT = "ok"


class RegCb(CallbackData, prefix="r1"):
    step: RegStep
    value: str


class EraseCb(CallbackData, prefix="e1"):
    confirm: bool


class LangCb(CallbackData, prefix="l1"):
    locale: str

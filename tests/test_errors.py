"""Refusals services raise: each has its text in both languages, and none is a crash."""

from __future__ import annotations

import importlib
import logging
import pkgutil

import pytest

import bot
from bot.coordinators.roles import Scope, ScopeKind, UnknownPlace
from bot.errors import DomainError
from bot.registration.nik import NikError, NikProblem
from bot.runtime.i18n import create_i18n
from handlers.common.callbacks import ScheduleAction, ScheduleCb, TicketAction, TicketCb
from handlers.common.errors import error_text
from tests.harness import Chat


def _domain_errors() -> set[type[DomainError]]:
    """Every subclass in the bot package, wherever it is defined."""
    for module in pkgutil.walk_packages(bot.__path__, "bot."):
        importlib.import_module(module.name)
    found: set[type[DomainError]] = set()
    pending = [DomainError]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.add(subclass)
            pending.append(subclass)
    return found


DOMAIN_ERRORS = _domain_errors()


def test_the_services_refusals_are_domain_errors() -> None:
    names = {cls.__name__ for cls in DOMAIN_ERRORS}
    assert {
        "NotPermitted", "AlreadyRegistered", "NikTaken", "NotRegistered", "NikError",
        "PhoneError", "NameError_", "MonthError", "BirthDateError", "BatchUnavailable",
        "NotEligible", "AlreadyEnrolled", "BatchFull", "NothingToCancel", "NotInScope",
        "NoRecipients", "BroadcastNotFound", "AlreadyFinished", "AlreadyAdmin",
        "UnknownPlace", "TicketNotFound", "TicketClosed", "SkillsError", "TableError",
    } <= names  # fmt: skip


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_domain_error_has_its_text_in_the_catalog(locale: str) -> None:
    i18n = create_i18n("id")
    missing = {
        f"{cls.__module__}.{cls.__name__}": key
        for cls in DOMAIN_ERRORS
        for key in cls.catalog_keys()
        if not key or i18n.gettext(key, locale=locale) == key
    }
    assert missing == {}


def test_error_text_fills_the_placeholders_and_escapes_what_was_typed() -> None:
    i18n = create_i18n("id")
    with i18n.context(), i18n.use_locale("en"):
        unknown = error_text(UnknownPlace(Scope(ScopeKind.BLK, "<b>x</b>")))
        nik = error_text(NikError(NikProblem.WRONG_LENGTH, 12))
    assert "&lt;b&gt;x&lt;/b&gt;" in unknown
    assert "<b>x" not in unknown
    assert "12" in nik


async def test_an_uncaught_refusal_is_answered_politely_not_logged_as_a_crash(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    await chat.send("/jadwal", "belum punya jadwal")  # buttons are pressed on a message
    # A confirmation button of someone who never registered: no handler catches it.
    pressed = await chat.answer_to(ScheduleCb(action=ScheduleAction.CANCEL_CONFIRMED).pack())
    assert "text" not in pressed.params  # the press is answered, without a pop-up
    await chat.expect("Anda belum terdaftar. Ketik /daftar untuk mendaftar.")
    # A refusal about the button itself pops up on it instead.
    forged = await chat.answer_to(TicketCb(action=TicketAction.CLOSE, ticket=999).pack())
    assert forged.params["text"] == "Tombol ini sudah tidak berlaku."
    assert forged.params["show_alert"] is True
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []

"""Buttons with forged ids out of any row's range (above PostgreSQL's INTEGER, Telegram's
64-bit ids, or negative) are answered as stale buttons, never a crash, for every
callback shape that carries an id."""

from __future__ import annotations

import logging

import pytest
from aiogram.filters.callback_data import CallbackData

from bot.coordinators.sheets import SheetFormat
from handlers.common.callbacks import (
    AttendAction,
    AttendCb,
    BatchAction,
    BatchAdminAction,
    BatchAdminCb,
    BatchCb,
    BroadcastAction,
    BroadcastCb,
    CoordinatorCb,
    DeskAction,
    DeskCb,
    FaqTaughtCb,
    FaqTeachCb,
    PersonAction,
    PersonCb,
    SheetCb,
    TaughtAction,
    TeachAction,
    TicketAction,
    TicketCb,
)
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot

BEYOND_ROWS = (2**31, 2**63, 2**64 + 1, -1)  # row ids are INTEGER on PostgreSQL
BEYOND_USERS = (2**63, 2**64 + 1, 0, -1)  # Telegram ids are positive BIGINTs


def _forged(template: CallbackData, field: str, value: int) -> str:
    """The template's data with `field` replaced by `value`, as a forger would write it."""
    names = list(type(template).model_fields)
    parts = template.pack().split(":")
    parts[1 + names.index(field)] = str(value)
    return ":".join(parts)


SHAPES: list[tuple[CallbackData, str, tuple[int, ...]]] = [
    (BatchCb(action=BatchAction.ENROLL, batch=1), "batch", BEYOND_ROWS),
    (AttendCb(action=AttendAction.YES, enrollment=1), "enrollment", BEYOND_ROWS),
    (CoordinatorCb(revoke=1), "revoke", BEYOND_USERS),
    (BroadcastCb(action=BroadcastAction.CANCEL_CONFIRMED, broadcast=1), "broadcast", BEYOND_ROWS),
    (TicketCb(action=TicketAction.CLOSE, ticket=1), "ticket", BEYOND_ROWS),
    (DeskCb(action=DeskAction.ROSTER, batch=1, page=0), "batch", BEYOND_ROWS),
    (DeskCb(action=DeskAction.ROSTER, batch=1, page=0), "page", BEYOND_ROWS),
    (SheetCb(batch=1, fmt=SheetFormat.CSV), "batch", BEYOND_ROWS),
    (BatchAdminCb(action=BatchAdminAction.VIEW, batch=1), "batch", BEYOND_ROWS),
    (PersonCb(action=PersonAction.CARD, person=1), "person", BEYOND_ROWS),
    (PersonCb(action=PersonAction.MOVE_TO, seat=1, batch=1), "seat", BEYOND_ROWS),
    (PersonCb(action=PersonAction.MOVE_TO, seat=1, batch=1), "batch", BEYOND_ROWS),
    (FaqTeachCb(action=TeachAction.SAVE, gap=1, key="gratis"), "gap", BEYOND_ROWS),
    (FaqTaughtCb(action=TaughtAction.DELETE_CONFIRMED, label=1), "label", BEYOND_ROWS),
    (FaqTaughtCb(action=TaughtAction.PAGE, page=1), "page", BEYOND_ROWS),
]


@pytest.mark.parametrize(
    ("template", "field", "values"), SHAPES, ids=lambda s: getattr(s, "__prefix__", None)
)
async def test_out_of_range_ids_are_stale_buttons(
    fake_api: FakeBotAPI,
    running_bot: RunningBot,
    caplog: pytest.LogCaptureFixture,
    template: CallbackData,
    field: str,
    values: tuple[int, ...],
) -> None:
    caplog.set_level(logging.ERROR)
    admin = Chat(fake_api, user_id=ADMIN_ID)  # past every role check, down to the query
    await admin.send("/id", str(ADMIN_ID))  # presses come from a private chat with the bot
    for value in values:
        answer = await admin.answer_to(_forged(template, field, value))
        assert answer.params.get("text") == "Tombol ini sudah tidak berlaku.", value
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []

"""/koordinator by place name: choices when a name fits several places, the BLK list with
ids, and coordinators' names from Telegram.

A choice button carries only the place (a BLK id leaves no room in 64 bytes for the
Telegram id too); the person to grant is read again from the admin's own command, which
the choices message replies to.
"""

from __future__ import annotations

import asyncio

from aiogram import Bot, html
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.coordinators.place_finder import PlaceChoice
from bot.coordinators.roles import RoleCommand, RoleCommandKind, Scope, ScopeKind
from bot.coordinators.roles import parse_role_command as parse
from bot.telegram_text import MESSAGE_LIMIT, blocks_that_fit
from handlers.common.callbacks import CoordinatorPlaceCb

KINDS = {ScopeKind.PROVINCE: "p", ScopeKind.BLK: "b"}


def choices_markup(choices: list[PlaceChoice]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for choice in choices:
        label = (
            choice.name
            if choice.scope.kind is ScopeKind.BLK
            else _("coord-choice-province").format(name=choice.name)
        )
        kind, code = KINDS[choice.scope.kind], choice.scope.code or ""
        builder.button(text=label, callback_data=CoordinatorPlaceCb(kind=kind, code=code))
    builder.adjust(1)
    return builder.as_markup()


def chosen_scope(data: CoordinatorPlaceCb) -> Scope | None:
    if data.kind == KINDS[ScopeKind.PROVINCE]:
        return Scope.province(data.code)
    if data.kind == KINDS[ScopeKind.BLK]:
        return Scope.blk(data.code)
    return None


def replied_grant(callback: CallbackQuery) -> RoleCommand | None:
    """The admin's `/koordinator tambah ...` that the pressed choices answer."""
    message = callback.message
    replied = message.reply_to_message if isinstance(message, Message) else None
    words = (replied.text or "").split(maxsplit=1) if replied else []
    if len(words) != 2 or not words[0].lower().startswith("/koordinator"):
        return None
    command = parse(words[1])
    return command if command.kind is RoleCommandKind.GRANT else None


CLOSING_LINE_ROOM = 200  # UTF-16 units kept for a list's "… and N more" line


def blk_list_text(province: PlaceChoice | None, blks: list[PlaceChoice], limit: int) -> str:
    """One line per BLK: name and id, the id ready to copy into `tambah ... blk <id>`."""
    if province is None:
        title = _("coord-blks-title-all").format(count=len(blks))
    else:
        title = _("coord-blks-title").format(count=len(blks), province=html.quote(province.name))
    items = [
        _("coord-blks-item").format(name=html.quote(b.name), code=html.quote(b.scope.code or ""))
        for b in blks
    ]
    shown = blocks_that_fit(title, items, MESSAGE_LIMIT - CLOSING_LINE_ROOM, "\n")
    lines = [title, *items[:shown]]
    if shown < len(blks) or len(blks) >= limit:
        lines.append(_("coord-blks-cut").format(count=shown))
    return "\n".join(lines)


async def telegram_names(bot: Bot, chat_ids: list[int]) -> dict[int, str]:
    """Names as Telegram shows them; "" for someone the bot cannot see (never wrote to it)."""

    async def one(chat_id: int) -> tuple[int, str]:
        try:
            chat = await bot.get_chat(chat_id)
        except TelegramAPIError:
            return chat_id, ""
        full = " ".join(part for part in (chat.first_name, chat.last_name) if part)
        return chat_id, full or (f"@{chat.username}" if chat.username else "")

    return dict(await asyncio.gather(*(one(chat_id) for chat_id in chat_ids)))

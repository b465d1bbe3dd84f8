"""Admins manage coordinators with /koordinator: list (with revoke buttons), grant, revoke.

Everyone else who tries a coordinator command or button falls through to the fallback
and gets the same answer as for an unknown command, so nobody learns the command exists.
"""

from __future__ import annotations

from aiogram import Bot, html
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.coordinators.roles import (
    CoordinatorView,
    RoleCommand,
    RoleCommandKind,
    Scope,
    ScopeKind,
    parse_role_command,
)
from bot.errors import NotPermitted
from bot.services import Services
from bot.telegram_text import MESSAGE_LIMIT, blocks_that_fit, utf16_length
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import CoordinatorCb, CoordinatorPlaceCb
from handlers.common.filters import HasRole
from handlers.common.replies import close_keyboard
from handlers.coordinators.role_places import (
    CLOSING_LINE_ROOM,
    blk_list_text,
    choices_markup,
    chosen_scope,
    replied_grant,
    telegram_names,
)
from handlers.coordinators.staff_menu import publish_staff_menu, remove_staff_menu

router = Blueprint(name=__name__)

# Longer lists are cut; revoking by command still works for everyone.
MAX_LISTED = 40
MAX_LISTED_BLKS = 150  # at most; fewer when they do not fit in one message


def scope_label(scope: Scope, place: str | None) -> str:
    if scope.kind is ScopeKind.COUNTRY:
        return _("coord-scope-country")
    name, code = html.quote(place or "?"), html.quote(scope.code or "")
    if scope.kind is ScopeKind.PROVINCE:
        return _("coord-scope-province").format(name=name, code=code)
    return _("coord-scope-blk").format(name=name, code=code)


async def _list(
    bot: Bot, coordinators: list[CoordinatorView]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Up to MAX_LISTED lines, as many as fit in one message, with the coordinators' names
    as Telegram shows them, one revoke button each."""
    usage = _("coord-usage")
    if not coordinators:
        return "\n\n".join([_("coord-list-empty"), usage]), None
    title = _("coord-list-title").format(count=len(coordinators))
    listed = coordinators[:MAX_LISTED]
    names = await telegram_names(bot, [item.telegram_id for item in listed])
    items = [
        _("coord-list-item").format(
            name=html.quote(names[item.telegram_id] or "?"),
            telegram_id=item.telegram_id,
            scope=scope_label(item.scope, item.place_name),
        )
        for item in listed
    ]
    room = MESSAGE_LIMIT - CLOSING_LINE_ROOM - utf16_length(usage) - 2
    shown = blocks_that_fit(title, items, room, "\n")
    lines = [title, *items[:shown]]
    builder = InlineKeyboardBuilder()
    for item in listed[:shown]:
        builder.button(
            text=_("btn-coord-revoke").format(telegram_id=item.telegram_id),
            callback_data=CoordinatorCb(revoke=item.telegram_id),
        )
    if len(coordinators) > shown:
        lines.append(_("coord-list-more").format(count=len(coordinators) - shown))
    builder.adjust(2)
    return "\n".join(lines) + "\n\n" + usage, builder.as_markup()


async def _grant(bot: Bot, services: Services, actor: int, telegram_id: int, scope: Scope) -> str:
    """An admin or unknown place is refused by the service, and told by the errors router.
    The new coordinator's "/" menu gets their tools."""
    grant = await services.roles.grant(actor, telegram_id, scope)
    await publish_staff_menu(bot, get_i18n(), telegram_id, admin=False)
    label = scope_label(grant.coordinator.scope, grant.coordinator.place_name)
    text = _("coord-granted") if grant.previous is None else _("coord-changed")
    return text.format(telegram_id=telegram_id, scope=label)


async def _revoke(bot: Bot, services: Services, actor: int, telegram_id: int) -> str:
    if await services.roles.revoke(actor, telegram_id) is None:
        return _("coord-not-found").format(telegram_id=telegram_id)
    await remove_staff_menu(bot, get_i18n(), telegram_id)
    return _("coord-revoked").format(telegram_id=telegram_id)


async def _grant_by_name(message: Message, services: Services, parsed: RoleCommand) -> None:
    """One place fits: granted. Several: choices, replying to the command (which names the
    person). None: said so."""
    assert parsed.telegram_id is not None and parsed.place is not None
    choices = await services.places.find(parsed.place.kind, parsed.place.text)
    if len(choices) == 1:
        actor, target, scope = message.from_user.id, parsed.telegram_id, choices[0].scope
        await message.answer(await _grant(message.bot, services, actor, target, scope))
    elif choices:
        text = _("coord-choose-place").format(
            text=html.quote(parsed.place.text), telegram_id=parsed.telegram_id
        )
        await message.reply(text, reply_markup=choices_markup(choices))
    else:
        await message.answer(_("coord-place-not-found").format(text=html.quote(parsed.place.text)))


async def _blks(message: Message, services: Services, province: str) -> None:
    found, blks = await services.places.blks(province or None)
    if province and found is None:
        await message.answer(_("coord-place-not-found").format(text=html.quote(province)))
        return
    await message.answer(blk_list_text(found, blks, MAX_LISTED_BLKS))


@router.message(Command("koordinator"), StateFilter(None), HasRole(admin_only=True))
async def cmd_koordinator(message: Message, command: CommandObject, services: Services) -> None:
    """No arguments: the list. `tambah <id> <scope>` / `hapus <id>`: change and confirm."""
    parsed = parse_role_command(command.args)
    actor, bot = message.from_user.id, message.bot
    if parsed.kind is RoleCommandKind.LIST:
        text, markup = await _list(bot, await services.roles.coordinators())
        await message.answer(text, reply_markup=markup)
    elif parsed.kind is RoleCommandKind.BLKS and parsed.place is not None:
        await _blks(message, services, parsed.place.text)
    elif parsed.kind is RoleCommandKind.GRANT and parsed.telegram_id and parsed.scope:
        await message.answer(await _grant(bot, services, actor, parsed.telegram_id, parsed.scope))
    elif parsed.kind is RoleCommandKind.GRANT and parsed.telegram_id and parsed.place:
        await _grant_by_name(message, services, parsed)
    elif parsed.kind is RoleCommandKind.REVOKE and parsed.telegram_id:
        await message.answer(await _revoke(bot, services, actor, parsed.telegram_id))
    else:
        await message.answer(_("coord-usage"))


@router.callback_query(CoordinatorCb.filter(), HasRole(admin_only=True))
async def revoke_chosen(
    callback: CallbackQuery, callback_data: CoordinatorCb, services: Services
) -> None:
    """A revoke button on the list: revoke, then show the list as it is now."""
    await close_keyboard(callback)
    actor, bot = callback.from_user.id, callback.bot
    await bot.send_message(actor, await _revoke(bot, services, actor, callback_data.revoke))
    text, markup = await _list(bot, await services.roles.coordinators())
    await bot.send_message(actor, text, reply_markup=markup)


@router.callback_query(CoordinatorPlaceCb.filter(), HasRole(admin_only=True))
async def place_chosen(
    callback: CallbackQuery, callback_data: CoordinatorPlaceCb, services: Services
) -> None:
    """One of several places that fit a typed name: grant it to the person the command named."""
    command, scope = replied_grant(callback), chosen_scope(callback_data)
    if command is None or command.telegram_id is None or scope is None:
        raise NotPermitted
    await close_keyboard(callback)
    actor, bot = callback.from_user.id, callback.bot
    await bot.send_message(actor, await _grant(bot, services, actor, command.telegram_id, scope))

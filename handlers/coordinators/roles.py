"""Admins manage coordinators with /koordinator: list (with revoke buttons), grant, revoke.

Everyone else who tries a coordinator command or button falls through to the fallback
and gets the same answer as for an unknown command, so nobody learns the command exists.
"""

from __future__ import annotations

from aiogram import html
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.coordinators.roles import (
    CoordinatorView,
    RoleCommandKind,
    Scope,
    ScopeKind,
    parse_role_command,
)
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import CoordinatorCb
from handlers.common.filters import HasRole
from handlers.common.replies import close_keyboard

router = Blueprint(name=__name__)

# Longer lists are cut; revoking by command still works for everyone.
MAX_LISTED = 40


def scope_label(scope: Scope, place: str | None) -> str:
    if scope.kind is ScopeKind.COUNTRY:
        return _("coord-scope-country")
    name, code = html.quote(place or "?"), html.quote(scope.code or "")
    if scope.kind is ScopeKind.PROVINCE:
        return _("coord-scope-province").format(name=name, code=code)
    return _("coord-scope-blk").format(name=name, code=code)


def _list(coordinators: list[CoordinatorView]) -> tuple[str, InlineKeyboardMarkup | None]:
    """Up to MAX_LISTED lines (a message holds 4,096 characters), one revoke button each."""
    usage = _("coord-usage")
    if not coordinators:
        return "\n\n".join([_("coord-list-empty"), usage]), None
    lines = [_("coord-list-title").format(count=len(coordinators))]
    builder = InlineKeyboardBuilder()
    for item in coordinators[:MAX_LISTED]:
        label = scope_label(item.scope, item.place_name)
        lines.append(_("coord-list-item").format(telegram_id=item.telegram_id, scope=label))
        builder.button(
            text=_("btn-coord-revoke").format(telegram_id=item.telegram_id),
            callback_data=CoordinatorCb(revoke=item.telegram_id),
        )
    if len(coordinators) > MAX_LISTED:
        lines.append(_("coord-list-more").format(count=len(coordinators) - MAX_LISTED))
    builder.adjust(2)
    return "\n".join(lines) + "\n\n" + usage, builder.as_markup()


async def _grant(services: Services, actor: int, telegram_id: int, scope: Scope) -> str:
    """An admin or unknown place is refused by the service, and told by the errors router."""
    grant = await services.roles.grant(actor, telegram_id, scope)
    label = scope_label(grant.coordinator.scope, grant.coordinator.place_name)
    text = _("coord-granted") if grant.previous is None else _("coord-changed")
    return text.format(telegram_id=telegram_id, scope=label)


async def _revoke(services: Services, actor: int, telegram_id: int) -> str:
    if await services.roles.revoke(actor, telegram_id) is None:
        return _("coord-not-found").format(telegram_id=telegram_id)
    return _("coord-revoked").format(telegram_id=telegram_id)


@router.message(Command("koordinator"), StateFilter(None), HasRole(admin_only=True))
async def cmd_koordinator(message: Message, command: CommandObject, services: Services) -> None:
    """No arguments: the list. `tambah <id> <scope>` / `hapus <id>`: change and confirm."""
    parsed = parse_role_command(command.args)
    actor = message.from_user.id
    if parsed.kind is RoleCommandKind.LIST:
        text, markup = _list(await services.roles.coordinators())
        await message.answer(text, reply_markup=markup)
    elif parsed.kind is RoleCommandKind.GRANT and parsed.telegram_id and parsed.scope:
        await message.answer(await _grant(services, actor, parsed.telegram_id, parsed.scope))
    elif parsed.kind is RoleCommandKind.REVOKE and parsed.telegram_id:
        await message.answer(await _revoke(services, actor, parsed.telegram_id))
    else:
        await message.answer(_("coord-usage"))


@router.callback_query(CoordinatorCb.filter(), HasRole(admin_only=True))
async def revoke_chosen(
    callback: CallbackQuery, callback_data: CoordinatorCb, services: Services
) -> None:
    """A revoke button on the list: revoke, then show the list as it is now."""
    await close_keyboard(callback)
    actor = callback.from_user.id
    await callback.bot.send_message(actor, await _revoke(services, actor, callback_data.revoke))
    text, markup = _list(await services.roles.coordinators())
    await callback.bot.send_message(actor, text, reply_markup=markup)

"""/siaran, second step: the audience (within the coordinator's scope), then the preview
with the message exactly as recipients get it and the exact recipient count."""

from __future__ import annotations

from aiogram import Bot, F, html
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.coordinators.audiences import (
    NEEDS_TARGET,
    Audience,
    AudienceKind,
    Matches,
    ResolvedAudience,
)
from bot.coordinators.broadcasts import Draft
from bot.coordinators.roles import Scope
from bot.delivery.deferred_replies import send_now
from bot.registration.participants import Sector
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import AudienceCb
from handlers.common.filters import HasRole
from handlers.common.render import SECTOR_LABELS
from handlers.common.replies import close_keyboard
from handlers.coordinators.broadcast.compose import Compose, ask_audience
from handlers.coordinators.broadcast.render import (
    as_method,
    batch_label,
    confirm_menu,
    describe,
    number,
    target_menu,
)

router = Blueprint(name=__name__)

# More BLKs or batches than this in scope: the coordinator types a name instead.
PICKER_LIMIT = 20


async def show_preview(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    scope: Scope,
    resolved: ResolvedAudience,
    services: Services,
) -> None:
    """The message as recipients get it, then who and how many; asks "Kirim?"."""
    count = await services.audiences.count(scope, resolved.audience)
    if count == 0:
        await ask_audience(bot, chat_id, state, scope, _("bc-no-recipients"))
        return
    draft = Draft.from_dict((await state.get_data())["draft"])
    # Photos and documents cannot wait for the update's commit like text replies, so the
    # title goes out at once too, to arrive before the preview it announces.
    with send_now():
        await bot.send_message(chat_id, _("bc-preview-title"))
        await bot(as_method(draft.outgoing(), chat_id))
    summary = _("bc-preview-summary").format(audience=describe(resolved), count=number(count))
    await state.update_data(audience=resolved.audience.as_dict())
    await state.set_state(Compose.preview)
    await bot.send_message(chat_id, summary, reply_markup=confirm_menu())


async def _ask_target(
    bot: Bot, chat_id: int, state: FSMContext, scope: Scope, kind: AudienceKind, services: Services
) -> None:
    """Buttons when the choice is short (provinces; BLKs/batches of a small scope), else
    typing; typed names work either way. No batch left to run: the audiences again."""
    if kind is AudienceKind.COMPLETED_SECTOR:
        sectors = [(sector.value, str(SECTOR_LABELS[sector])) for sector in Sector]
        await bot.send_message(
            chat_id, _("bc-pick-sector"), reply_markup=target_menu(kind, sectors)
        )
        return
    if kind is AudienceKind.PROVINCE:
        items = [(p.code, p.name) for p in services.regions.provinces()]
        await bot.send_message(
            chat_id, _("bc-pick-province"), reply_markup=target_menu(kind, items)
        )
        return
    if kind is AudienceKind.BLK:
        items = await services.audiences.blks_in(scope, PICKER_LIMIT + 1)
        pick, type_it = _("bc-pick-blk"), _("bc-type-blk")
    else:
        batches = await services.audiences.batches_in(scope, PICKER_LIMIT + 1)
        if not batches:
            await ask_audience(bot, chat_id, state, scope, _("bc-no-batches"))
            return
        items = [(str(b.id), batch_label(b)) for b in batches]
        pick, type_it = _("bc-pick-batch"), _("bc-type-batch")
    if 0 < len(items) <= PICKER_LIMIT:
        await bot.send_message(chat_id, pick, reply_markup=target_menu(kind, items))
    else:
        await bot.send_message(chat_id, type_it)


def _choice_items(matches: Matches) -> list[tuple[str, str]]:
    places = [(p.scope.code or "", p.name) for p in matches.places]
    return places + [(str(b.id), batch_label(b)) for b in matches.batches]


@router.callback_query(
    StateFilter(Compose.audience, Compose.target), AudienceCb.filter(), HasRole()
)
async def audience_chosen(
    callback: CallbackQuery,
    callback_data: AudienceCb,
    state: FSMContext,
    scope: Scope,
    services: Services,
) -> None:
    """An audience, or its province/BLK/batch: asks for the target or shows the preview.

    A target outside the scope (a forged button) is refused by the errors router."""
    chat_id = callback.from_user.id
    kind, target = callback_data.kind, callback_data.target or None
    if kind in NEEDS_TARGET and target is None:
        await close_keyboard(callback)
        await state.update_data(kind=kind.value)
        await state.set_state(Compose.target)
        await _ask_target(callback.bot, chat_id, state, scope, kind, services)
        return
    resolved = await services.audiences.resolve(scope, Audience(kind, target))
    await close_keyboard(callback)
    await show_preview(callback.bot, chat_id, state, scope, resolved, services)


@router.message(Compose.target, F.text & ~F.text.startswith("/"), HasRole())
async def target_typed(
    message: Message, state: FSMContext, scope: Scope, services: Services
) -> None:
    """A typed province, BLK or batch, by name or id: the preview when one fits, buttons
    when several do; else whether the name lies outside the scope or fits nothing."""
    kind = AudienceKind((await state.get_data())["kind"])
    text = message.text or ""
    matches = await services.audiences.find(scope, kind, text)
    if matches.found is not None:
        await show_preview(message.bot, message.chat.id, state, scope, matches.found, services)
    elif choices := _choice_items(matches):
        await message.answer(_("bc-target-choices"), reply_markup=target_menu(kind, choices))
    elif matches.outside:
        await message.answer(_("bc-target-outside").format(text=html.quote(text)))
    else:
        await message.answer(_("bc-target-not-found"))

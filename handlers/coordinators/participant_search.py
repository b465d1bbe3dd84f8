"""Finding a participant from the desk: /peserta → "🔎 Cari peserta", or /cari <text>.

The coordinator types a registration code, a phone number or a name; the people found
in their scope come back as buttons that open the card (handlers/coordinators/
participant_card.py). A query the service cannot use (a landline, one letter) is
answered by the errors router and the question stands.
"""

from __future__ import annotations

from aiogram import F
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import PersonAction, PersonCb
from handlers.common.filters import HasRole
from handlers.coordinators.participant_render import results

router = Blueprint(name=__name__)


class ParticipantLookup(StatesGroup):
    query = State()


async def _search(message: Message, text: str, state: FSMContext, services: Services) -> None:
    """Shows the people found; the question stands when the text is refused."""
    found = await services.participants.search(message.from_user.id, text)
    await state.clear()
    reply, markup = results(found)
    await message.answer(reply, reply_markup=markup)


@router.callback_query(PersonCb.filter(F.action == PersonAction.SEARCH), HasRole())
async def search_chosen(callback: CallbackQuery, state: FSMContext) -> None:
    """Asks what to look for; the next text is the query."""
    await state.set_state(ParticipantLookup.query)
    await callback.bot.send_message(callback.from_user.id, _("search-ask"))


@router.message(Command("cari"), StateFilter(None, ParticipantLookup.query), HasRole())
async def cmd_cari(
    message: Message, command: CommandObject, state: FSMContext, services: Services
) -> None:
    """`/cari <text>` searches at once; `/cari` alone asks, as the desk's button does."""
    if not command.args:
        await state.set_state(ParticipantLookup.query)
        await message.answer(_("search-ask"))
        return
    await _search(message, command.args, state, services)


@router.message(ParticipantLookup.query, F.text, ~F.text.startswith("/"), HasRole())
async def query_typed(message: Message, state: FSMContext, services: Services) -> None:
    await _search(message, message.text or "", state, services)


@router.message(ParticipantLookup.query)
async def query_unsupported(message: Message) -> None:
    """A photo, a sticker, or no longer staff: the question stands (/batal leaves)."""
    await message.answer(_("search-ask"))

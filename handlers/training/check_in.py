"""Attendance check-in by a participant: `/hadir` and the day's code, or the class's QR
code, which opens the bot with `/start ci…`.

A code that cannot be one (wrong length, a symbol not used in codes) is explained and
asked again without counting against the limit; a refusal says why (not enrolled, not a
training day, another day's or batch's code, outside the day's hours). A wrong code is
asked again; other refusals end the question.
"""

from __future__ import annotations

from aiogram import F, html
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from bot.training.check_in import CheckedIn
from bot.training.check_in_admission import CheckInProblem, CheckInRefused
from bot.training.check_in_codes import PAYLOAD_PREFIX, read_code
from handlers.common.blueprint import Blueprint
from handlers.common.errors import error_text
from handlers.common.render import long_date

router = Blueprint(name=__name__)
# Before /start's own handler, which shows the menu for any payload.
link_router = Blueprint(name=f"{__name__}.link")

# Refusals after which typing another code may help.
ASK_AGAIN = frozenset(
    {CheckInProblem.UNKNOWN_CODE, CheckInProblem.OTHER_DAY, CheckInProblem.OTHER_BATCH}
)


class CheckingIn(StatesGroup):
    code = State()


def checked_in_text(done: CheckedIn) -> str:
    text = _("checkin-already") if done.already else _("checkin-done")
    return text.format(
        title=html.quote(done.batch.title),
        blk=html.quote(done.batch.blk_name),
        day=long_date(done.day),
    )


@link_router.message(CommandStart(deep_link=True, magic=F.args.startswith(PAYLOAD_PREFIX)))
async def check_in_link(message: Message, command: CommandObject, services: Services) -> None:
    """The class's QR code: checks in at once; a conversation in progress stays as it was."""
    done = await services.check_ins.by_link(message.from_user.id, command.args or "")
    await message.answer(checked_in_text(done))


@link_router.message(Command("hadir", magic=F.args))
async def cmd_hadir_with_code(
    message: Message, command: CommandObject, state: FSMContext, services: Services
) -> None:
    """`/hadir KODE` works in any conversation, which then stays as it was; outside one
    (or in this one), a wrong code is asked again."""
    current = await state.get_state()
    ours = current is None or current == CheckingIn.code.state
    await _try_code(message, command.args or "", state if ours else None, services)


@router.message(Command("hadir"), StateFilter(None))
async def cmd_hadir(message: Message, state: FSMContext) -> None:
    """`/hadir` alone asks for the code."""
    await state.set_state(CheckingIn.code)
    await message.answer(_("checkin-ask-code"))


@router.message(CheckingIn.code, F.text)
async def code_typed(message: Message, state: FSMContext, services: Services) -> None:
    await _try_code(message, message.text or "", state, services)


@router.message(CheckingIn.code)
async def code_typed_incorrectly(message: Message) -> None:
    await message.answer(_("checkin-ask-code"))


async def _try_code(
    message: Message, text: str, state: FSMContext | None, services: Services
) -> None:
    """Checks in with `text`; with `state`, a code worth typing again is asked again."""
    code = read_code(text)
    refusal: str | None = None
    if code is None:
        refusal, again = _("checkin-error-format"), True
    else:
        try:
            done = await services.check_ins.by_code(message.from_user.id, code)
        except CheckInRefused as exc:
            refusal, again = error_text(exc), exc.problem in ASK_AGAIN
    if refusal is None:
        answer, again = checked_in_text(done), False
    elif again and state is not None:
        answer = f"{refusal}\n\n{_('checkin-ask-code')}"
    else:
        answer = refusal
    if state is not None:
        if again:
            await state.set_state(CheckingIn.code)
        else:
            await state.clear()
    await message.answer(answer)

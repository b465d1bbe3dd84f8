"""A new batch in a short conversation, from "➕ Gelombang baru" on the desk (/peserta).

BLK (a BLK coordinator's own is taken as it is; others choose one in their scope by
button or by typing its name) → title → first day → last day → daily hours → capacity
→ registration deadline → review (where the programme may be changed from
entrepreneurship training) → saved. Each answer is typed or pressed (a quick-pick
button sends the text it shows); a bad one gets its reason and the same question again.
/batal leaves at any step (handlers.home.start).

```mermaid
stateDiagram-v2
    [*] --> blk: ➕ Gelombang baru
    blk --> title: BLK chosen (or the coordinator's own)
    title --> first --> last --> hours --> capacity --> deadline --> review
    review --> [*]: ✅ Simpan / ❌ Batal
```
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import Bot, F, html
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from bot.training.batch_rules import (
    BatchField,
    BatchPlan,
    BatchRefused,
    decode,
    encode,
    read_answer,
)
from bot.training.managed_batch import BlkPlace
from bot.training.programmes import DEFAULT_PROGRAMME, Programme
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import BatchAdminAction, BatchAdminCb, BatchFormCb
from handlers.common.filters import HasRole
from handlers.common.replies import alert, close_keyboard, show_in_place
from handlers.coordinators.batch_forms import (
    BLK,
    DROP,
    PROGRAMME,
    SAVE,
    batch_card,
    blk_markup,
    card,
    editor_markup,
    question,
    quick_pick_taken,
    refusal_text,
    review_markup,
)

router = Blueprint(name=__name__)
# Included after the other coordinator routers: what none of the steps took.
retry_router = Blueprint(name=f"{__name__}.retry")


class BatchCreation(StatesGroup):
    blk = State()
    title = State()
    first_day = State()
    last_day = State()
    hours = State()
    capacity = State()
    deadline = State()
    review = State()


STEPS = {
    BatchCreation.title.state: BatchField.TITLE,
    BatchCreation.first_day.state: BatchField.FIRST_DAY,
    BatchCreation.last_day.state: BatchField.LAST_DAY,
    BatchCreation.hours.state: BatchField.HOURS,
    BatchCreation.capacity.state: BatchField.CAPACITY,
    BatchCreation.deadline.state: BatchField.DEADLINE,
}
STATES = {field: state for state, field in STEPS.items()}
ORDER = list(BatchField)  # BatchField lists the fields in the order they are asked
ANSWERING = StateFilter(*STEPS)


async def _ask(
    bot: Bot, chat_id: int, state: FSMContext, field: BatchField, services: Services
) -> None:
    """Asks the question of `field` with its quick picks, and waits for its answer."""
    data = await state.get_data()
    text, markup = question(
        field,
        zone=data["zone"],
        today=services.batch_admin.today_in(data["zone"]),
        first_day=_first_day(decode(data["answers"])),
    )
    await state.set_state(STATES[field])
    await bot.send_message(chat_id, text, reply_markup=markup)


def _first_day(answers: dict[str, object]) -> date | None:
    """The first day answered so far: the last day and the deadline are checked against it."""
    first = answers.get("first_day")
    return first if isinstance(first, date) else None


async def _begin(
    bot: Bot, chat_id: int, state: FSMContext, blk: BlkPlace, services: Services
) -> None:
    """Keeps the BLK (name and zone for the questions) and asks the title."""
    await state.set_data({"blk": blk.id, "blk_name": blk.name, "zone": blk.timezone, "answers": {}})
    await bot.send_message(chat_id, _("batch-admin-new-for").format(blk=html.quote(blk.name)))
    await _ask(bot, chat_id, state, BatchField.TITLE, services)


@router.callback_query(BatchAdminCb.filter(F.action == BatchAdminAction.NEW), HasRole())
async def new_batch_chosen(callback: CallbackQuery, state: FSMContext, services: Services) -> None:
    """Starts a batch: a BLK coordinator's own BLK, or the choice of BLKs in scope."""
    actor = callback.from_user.id
    options = await services.batch_admin.blk_options(actor)
    await state.clear()
    if len(options.blks) == 1 and not options.more:
        await _begin(callback.bot, actor, state, options.blks[0], services)
        return
    await state.set_state(BatchCreation.blk)
    text = _("batch-admin-ask-blk-typed") if options.more else _("batch-admin-ask-blk")
    markup = blk_markup(options.blks) if options.blks and not options.more else None
    await callback.bot.send_message(actor, text, reply_markup=markup)


@router.callback_query(BatchCreation.blk, BatchFormCb.filter(F.field == BLK), HasRole())
async def blk_chosen(
    callback: CallbackQuery, callback_data: BatchFormCb, state: FSMContext, services: Services
) -> None:
    """The BLK is checked against the presser's scope again."""
    blk = await services.batch_admin.blk(callback.from_user.id, callback_data.value)
    await close_keyboard(callback)
    await _begin(callback.bot, callback.from_user.id, state, blk, services)


@router.message(BatchCreation.blk, F.text & ~F.text.startswith("/"), HasRole())
async def blk_typed(message: Message, state: FSMContext, services: Services) -> None:
    """One BLK in scope fits: taken; several: offered as buttons; none: asked again."""
    found = await services.batch_admin.find_blks(message.from_user.id, message.text)
    if len(found) == 1:
        await _begin(message.bot, message.chat.id, state, found[0], services)
    elif found:
        await message.answer(_("batch-admin-blk-choices"), reply_markup=blk_markup(found))
    else:
        await message.answer(_("batch-admin-blk-not-found"))


async def _answered(
    bot: Bot, chat_id: int, text: str, state: FSMContext, services: Services
) -> None:
    """Reads the answer to the current question; asks the next one, or shows the review."""
    field = STEPS[await state.get_state() or ""]
    data = await state.get_data()
    answers = decode(data["answers"])
    try:
        answer = read_answer(
            field,
            text,
            today=services.batch_admin.today_in(data["zone"]),
            first_day=_first_day(answers),
        )
    except BatchRefused as refused:
        await bot.send_message(chat_id, refusal_text(refused))
        await _ask(bot, chat_id, state, field, services)
        return
    answers.update(answer)
    await state.update_data(answers=encode(answers))
    following = ORDER[ORDER.index(field) + 1 :]
    if following:
        await _ask(bot, chat_id, state, following[0], services)
        return
    await state.set_state(BatchCreation.review)
    text, markup = _review(await state.get_data())
    await bot.send_message(chat_id, text, reply_markup=markup)


def _review(data: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    """The review of everything answered, with the programme choice and save or drop."""
    programme = data.get("programme", DEFAULT_PROGRAMME)
    plan = BatchPlan.from_json(data["answers"])
    shown = card(plan, data["blk_name"], data["zone"], programme=programme)
    return "\n\n".join([_("batch-admin-review"), shown]), review_markup(programme)


@router.callback_query(BatchCreation.review, BatchFormCb.filter(F.field == PROGRAMME), HasRole())
async def programme_chosen(
    callback: CallbackQuery,
    callback_data: BatchFormCb,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    """Keeps the programme and shows the review again, in place."""
    if callback_data.value not in set(Programme):
        alert(callback_answer, _("error-stale-button"))
        return
    await state.update_data(programme=callback_data.value)
    await show_in_place(callback, *_review(await state.get_data()))


@router.message(ANSWERING, F.text & ~F.text.startswith("/"), HasRole())
async def answer_typed(message: Message, state: FSMContext, services: Services) -> None:
    """A typed answer to the current question; stored, then the next question."""
    await _answered(message.bot, message.chat.id, message.text, state, services)


@router.callback_query(ANSWERING, BatchFormCb.filter(), HasRole())
async def answer_pressed(
    callback: CallbackQuery,
    callback_data: BatchFormCb,
    state: FSMContext,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """A quick pick of the question being asked; one of an earlier question is stale."""
    asked = STEPS[await state.get_state() or ""].value
    if await quick_pick_taken(callback, callback_data, asked, callback_answer):
        await _answered(callback.bot, callback.from_user.id, callback_data.value, state, services)


@router.callback_query(BatchCreation.review, BatchFormCb.filter(F.field == SAVE), HasRole())
async def saved(callback: CallbackQuery, state: FSMContext, services: Services) -> None:
    """The service checks everything again (a day may have passed) and saves."""
    data = await state.get_data()
    plan = BatchPlan.from_json(data["answers"])
    actor = callback.from_user.id
    try:
        programme = Programme(data.get("programme", DEFAULT_PROGRAMME))
        batch = await services.batch_admin.create(actor, data["blk"], plan, programme)
    except BatchRefused as refused:
        await callback.bot.send_message(actor, refusal_text(refused))
        return
    await state.clear()
    await close_keyboard(callback)
    text = "\n\n".join([_("batch-admin-created"), batch_card(batch)])
    await callback.bot.send_message(actor, text, reply_markup=editor_markup(batch))


@router.callback_query(BatchCreation.review, BatchFormCb.filter(F.field == DROP), HasRole())
async def dropped(callback: CallbackQuery, state: FSMContext) -> None:
    """Nothing saved; the answers are forgotten."""
    await state.clear()
    await close_keyboard(callback)
    await callback.bot.send_message(callback.from_user.id, _("batch-admin-dropped"))


@retry_router.message(StateFilter(*BatchCreation.__all_states__))
async def answer_unsupported(message: Message) -> None:
    """A photo, sticker or command mid-conversation: the question stands."""
    await message.answer(_("batch-admin-type-or-press"))

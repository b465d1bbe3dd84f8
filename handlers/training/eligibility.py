""" "Cek kelayakan": the verdict with every reason; before registering, asks only what it needs."""

from __future__ import annotations

from aiogram import F
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.registration.birth_dates import BirthDateError, parse_birth_date
from bot.registration.participants import BusinessStatus
from bot.services import Services
from bot.training.eligibility import (
    Applicant,
    Assessment,
    Reason,
    Verdict,
    WaitlistRule,
    assess,
)
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import EligCb, MenuAction, MenuCb
from handlers.common.errors import error_text
from handlers.common.render import BUSINESS_LABELS
from handlers.common.replies import close_keyboard

router = Blueprint(name=__name__)


class EligibilityCheck(StatesGroup):
    birth_date = State()
    business = State()
    phk = State()


VERDICT_TITLES = {
    Verdict.ELIGIBLE: __("elig-eligible"),
    Verdict.PRIORITY: __("elig-priority"),
    Verdict.NOT_ELIGIBLE: __("elig-not-eligible"),
}
REASON_TEXTS = {
    Reason.TOO_YOUNG: __("elig-reason-too-young"),
    Reason.TOO_OLD: __("elig-reason-too-old"),
    Reason.BIRTH_DATE_INVALID: __("elig-reason-birth-date-invalid"),
    Reason.BUSINESS_NOT_ALLOWED: __("elig-reason-business-not-allowed"),
    Reason.ALREADY_ENROLLED: __("elig-reason-already-enrolled"),
    Reason.PRIORITY_BUSINESS: __("elig-reason-priority-business"),
    Reason.PRIORITY_PHK: __("elig-reason-priority-phk"),
    Reason.AGE_OK: __("elig-reason-age-ok"),
    Reason.BUSINESS_NOT_PRIORITY: __("elig-reason-business-not-priority"),
}
QUESTIONS = {
    Reason.MISSING_BIRTH_DATE: EligibilityCheck.birth_date,
    Reason.MISSING_BUSINESS: EligibilityCheck.business,
    Reason.MISSING_PHK: EligibilityCheck.phk,
}


def outcome_text(assessment: Assessment) -> str:
    """Headline, every reason on its own line, and what to do next."""
    lines = [str(VERDICT_TITLES[assessment.verdict]), ""]
    numbers = {"age": assessment.age, "min_age": assessment.min_age, "max_age": assessment.max_age}
    lines += [f"• {str(REASON_TEXTS[r]).format(**numbers)}" for r in assessment.reasons]
    eligible = assessment.verdict is not Verdict.NOT_ELIGIBLE
    lines += ["", _("elig-next-eligible") if eligible else _("elig-next-not-eligible")]
    return "\n".join(lines)


def verdict_text(assessment: Assessment, services: Services) -> str:
    """/kelayakan's answer: the outcome and, for someone eligible, what priority means
    under the rules file's waitlist order."""
    text = outcome_text(assessment)
    if assessment.verdict is Verdict.NOT_ELIGIBLE:
        return text
    by_priority = services.enrollment.rules.waitlist is WaitlistRule.PRIORITY
    meaning = _("elig-priority-meaning") if by_priority else _("elig-priority-first-come")
    return f"{text}\n\n{meaning}"


def _outcome_menu(registered: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if not registered:
        builder.button(text=_("menu-register"), callback_data=MenuCb(action=MenuAction.REGISTER))
    builder.button(text=_("menu-nearest-blk"), callback_data=MenuCb(action=MenuAction.NEAREST_BLK))
    builder.adjust(1)
    return builder.as_markup()


def _question(question: State) -> tuple[str, InlineKeyboardMarkup | None]:
    builder = InlineKeyboardBuilder()
    if question == EligibilityCheck.birth_date:
        return _("elig-ask-birth-date"), None
    if question == EligibilityCheck.business:
        for status, label in BUSINESS_LABELS.items():
            builder.button(text=str(label), callback_data=EligCb(field="bs", value=status.value))
        builder.adjust(1)
        return _("reg-ask-business"), builder.as_markup()
    builder.button(text=_("btn-yes"), callback_data=EligCb(field="pk", value="1"))
    builder.button(text=_("btn-no"), callback_data=EligCb(field="pk", value="0"))
    return _("reg-ask-phk"), builder.as_markup()


async def continue_check(
    event: Message | CallbackQuery, state: FSMContext, services: Services
) -> None:
    """Ask the first answer still missing, or give the verdict."""
    answers = await state.get_data()
    born = answers.get("birth_date")
    applicant = Applicant(
        birth_date=None if born is None else parse_birth_date(born, services.enrollment.today()),
        business_status=BusinessStatus(answers["business"]) if "business" in answers else None,
        phk_affected=answers.get("phk"),
    )
    assessment = assess(services.enrollment.rules, applicant, services.enrollment.today())
    user_id = event.from_user.id
    if assessment.verdict is Verdict.INCOMPLETE:
        question = QUESTIONS[assessment.missing[0]]
        await state.set_state(question)
        text, markup = _question(question)
        await event.bot.send_message(user_id, text, reply_markup=markup)
        return
    await state.clear()
    await event.bot.send_message(
        user_id, verdict_text(assessment, services), reply_markup=_outcome_menu(False)
    )


@router.message(Command("kelayakan"), StateFilter(None))
@router.callback_query(MenuCb.filter(F.action == MenuAction.ELIGIBILITY), StateFilter(None))
async def cmd_kelayakan(
    event: Message | CallbackQuery, state: FSMContext, services: Services
) -> None:
    """Registered people are assessed from their registration; others are asked."""
    participant = await services.registrations.get(event.from_user.id)
    if participant is None:
        await state.set_data({})
        await continue_check(event, state, services)
        return
    placement = await services.enrollment.placement(event.from_user.id)
    applicant = Applicant(
        birth_date=participant.birth_date,
        business_status=participant.business_status,
        phk_affected=participant.phk_affected,
        live_enrollments=0 if placement is None else 1,
    )
    assessment = assess(services.enrollment.rules, applicant, services.enrollment.today())
    await event.bot.send_message(
        event.from_user.id, verdict_text(assessment, services), reply_markup=_outcome_menu(True)
    )


@router.message(EligibilityCheck.birth_date, F.text)
async def birth_date_typed(message: Message, state: FSMContext, services: Services) -> None:
    """Stores the birth date (or a NIK's) and asks the next missing answer."""
    try:
        born = parse_birth_date(message.text, services.enrollment.today())
    except BirthDateError as exc:
        await message.answer(error_text(exc))
        await message.answer(_("elig-ask-birth-date"))
        return
    # The date alone, as parse_birth_date reads it back: not the typed text, which may be
    # a whole NIK or thousands of spaces.
    await state.update_data(birth_date=f"{born:%d-%m-%Y}")
    await continue_check(message, state, services)


@router.callback_query(
    EligibilityCheck.business,
    EligCb.filter((F.field == "bs") & F.value.in_({s.value for s in BusinessStatus})),
)
@router.callback_query(
    EligibilityCheck.phk, EligCb.filter((F.field == "pk") & F.value.in_({"0", "1"}))
)
async def answer_chosen(
    callback: CallbackQuery, callback_data: EligCb, state: FSMContext, services: Services
) -> None:
    await close_keyboard(callback)
    if callback_data.field == "bs":
        await state.update_data(business=callback_data.value)
    else:
        await state.update_data(phk=callback_data.value == "1")
    await continue_check(callback, state, services)


@router.message(StateFilter(EligibilityCheck))
@router.callback_query(StateFilter(EligibilityCheck))
async def unexpected_answer(
    event: Message | CallbackQuery, state: FSMContext, services: Services
) -> None:
    """Anything else while the check is open: explain, then ask the open question again."""
    text = _("error-command-in-check") if isinstance(event, Message) else _("error-stale-button")
    await event.bot.send_message(event.from_user.id, text)
    await continue_check(event, state, services)

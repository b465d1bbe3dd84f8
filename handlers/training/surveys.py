"""Follow-up surveys: the outbox message with the first unanswered question, and the
buttons that answer it one question at a time, in place, or stop surveys altogether."""

from __future__ import annotations

from aiogram import html
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.delivery.outbox import Outgoing
from bot.delivery.templates import Payload
from bot.services import Services
from bot.training.surveys import OPTIONS, QUESTIONS, AnswerOutcome, Question, SurveyStep
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import SurveyCb
from handlers.common.replies import alert, close_keyboard

router = Blueprint(name=__name__)

STOP = "stop"  # SurveyCb.question of "Berhenti menerima survei"
DAYS_PER_MONTH = 30


def question_text(question: Question) -> str:
    return {
        Question.RATING: _("survey-q-rating"),
        Question.BUSINESS: _("survey-q-business"),
        Question.NIB: _("survey-q-nib"),
        Question.TURNOVER: _("survey-q-turnover"),
        Question.KUR: _("survey-q-kur"),
        Question.EMPLOYEES: _("survey-q-employees"),
    }[question]


def option_label(question: Question, value: str) -> str:
    """The button of an answer; ratings are their digit."""
    if question is Question.RATING:
        return "⭐" * int(value)
    return {
        "business:started": _("survey-a-business-started"),
        "business:grown": _("survey-a-business-grown"),
        "business:no": _("survey-a-business-no"),
        "nib:yes": _("survey-a-nib-yes"),
        "nib:no": _("survey-a-nib-no"),
        "turnover:none": _("survey-a-turnover-none"),
        "turnover:lt5": _("survey-a-turnover-lt5"),
        "turnover:5to15": _("survey-a-turnover-5to15"),
        "turnover:gt15": _("survey-a-turnover-gt15"),
        "kur:no": _("survey-a-kur-no"),
        "kur:applied": _("survey-a-kur-applied"),
        "kur:got": _("survey-a-kur-got"),
        "employees:0": _("survey-a-employees-0"),
        "employees:1to2": _("survey-a-employees-1to2"),
        "employees:3to5": _("survey-a-employees-3to5"),
        "employees:6plus": _("survey-a-employees-6plus"),
    }[f"{question.value}:{value}"]


def survey_text(step: SurveyStep, *, opening: bool, reminder: bool = False) -> str:
    """The question with its number; the first message of a wave also says what it is."""
    assert step.seat is not None and step.question is not None
    parts = []
    if opening:
        wave = step.seat.response.wave
        intro = _("survey-intro") if wave == 0 else _("survey-intro-later")
        parts.append(
            intro.format(
                title=html.quote(step.seat.batch_title),
                blk=html.quote(step.seat.blk_name),
                months=max(1, round(wave / DAYS_PER_MONTH)),
                count=len(QUESTIONS),
            )
        )
        if reminder:
            parts.append(_("survey-reminder"))
    number = QUESTIONS.index(step.question) + 1
    parts.append(
        _("survey-step").format(number=number, count=len(QUESTIONS))
        + "\n"
        + question_text(step.question)
    )
    return "\n\n".join(parts)


def survey_markup(step: SurveyStep) -> InlineKeyboardMarkup:
    """The answers (ratings on one row, the rest one per row) and the way out."""
    assert step.seat is not None and step.question is not None
    response, question = step.seat.response, step.question

    def button(value: str) -> InlineKeyboardButton:
        data = SurveyCb(
            seat=response.enrollment_id, wave=response.wave, question=question.value, value=value
        )
        return InlineKeyboardButton(text=option_label(question, value), callback_data=data.pack())

    answers = [button(value) for value in OPTIONS[question]]
    rows = [answers] if question is Question.RATING else [[b] for b in answers]
    stop = SurveyCb(seat=response.enrollment_id, wave=response.wave, question=STOP)
    rows.append([InlineKeyboardButton(text=_("btn-survey-stop"), callback_data=stop.pack())])
    return InlineKeyboardMarkup(inline_keyboard=rows)


class SurveyNotices:
    """The builder of `Template.SURVEY`: skipped once answered, stopped or erased."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def survey(self, chat_id: int, payload: Payload) -> Outgoing | None:
        step = await self._services.surveys.current(
            chat_id, int(payload["enrollment_id"]), int(payload["wave"])
        )
        if step.question is None:
            return None
        text = survey_text(step, opening=True, reminder=bool(payload.get("reminder")))
        return Outgoing.text(text, survey_markup(step).model_dump(exclude_none=True))


@router.callback_query(SurveyCb.filter())
async def survey_answered(
    callback: CallbackQuery,
    callback_data: SurveyCb,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """Stores the answer and shows the next question in place; the last one thanks."""
    user_id = callback.from_user.id
    if callback_data.question == STOP:
        await services.surveys.opt_out(user_id)
        await close_keyboard(callback)
        await callback.bot.send_message(user_id, _("survey-stopped"))
        return
    step = await services.surveys.answer(
        user_id,
        callback_data.seat,
        callback_data.wave,
        callback_data.question,
        callback_data.value,
    )
    if step.outcome is AnswerOutcome.STALE:
        alert(callback_answer, _("error-stale-button"))
        return
    done = step.outcome is AnswerOutcome.DONE
    text = _("survey-thanks") if done else survey_text(step, opening=False)
    markup = None if done else survey_markup(step)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=markup)
    else:
        await callback.bot.send_message(user_id, text, reply_markup=markup)

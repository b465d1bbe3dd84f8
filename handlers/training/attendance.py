"""Answers to a reminder: "Saya akan hadir" or "Tidak bisa hadir" (then cancel or move)."""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services import Services
from bot.training.reminders import AttendanceAnswer
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import AttendAction, AttendCb, ScheduleAction, ScheduleCb
from handlers.common.replies import alert

router = Blueprint(name=__name__)

ANSWERS = {AttendAction.YES: AttendanceAnswer.YES, AttendAction.NO: AttendanceAnswer.NO}


@router.callback_query(AttendCb.filter())
async def attendance_chosen(
    callback: CallbackQuery,
    callback_data: AttendCb,
    services: Services,
    callback_answer: CallbackAnswer,
) -> None:
    """Stores the answer; "no" offers to free the seat or move, so it does not stay empty.

    The reminder keeps its buttons: plans change, and the latest answer counts.
    """
    user_id = callback.from_user.id
    answer = ANSWERS[callback_data.action]
    if not await services.enrollment.record_attendance(user_id, callback_data.enrollment, answer):
        alert(callback_answer, _("error-stale-button"))
        return
    if answer is AttendanceAnswer.YES:
        await callback.bot.send_message(user_id, _("attendance-yes"))
        return
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("btn-attend-cancel"), callback_data=ScheduleCb(action=ScheduleAction.CANCEL)
    )
    builder.button(text=_("btn-attend-move"), callback_data=ScheduleCb(action=ScheduleAction.MOVE))
    builder.adjust(1)
    await callback.bot.send_message(user_id, _("attendance-no"), reply_markup=builder.as_markup())

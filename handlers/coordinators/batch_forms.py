"""Texts and keyboards of batches managed in chat: the questions with their quick-pick
buttons (and whether a press still answers the question), the batch's card, its
actions, and refusals with their dates in words.

A quick-pick button carries the text a coordinator could have typed (an ISO date,
"08.00-16.00", "30"), so a press and a typed answer are read by the same rules.
"""

from __future__ import annotations

from datetime import date, timedelta

from aiogram import html
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.context import get_i18n
from babel.dates import format_date, format_time

from bot.training.batch_rules import BatchField, BatchPlan, BatchRefused
from bot.training.managed_batch import CANCELLED, OPEN, BlkPlace, ManagedBatch
from bot.training.programmes import DEFAULT_PROGRAMME, Programme
from handlers.common.callbacks import (
    BatchAdminAction,
    BatchAdminCb,
    BatchFormCb,
    DeskAction,
    DeskCb,
)
from handlers.common.render import long_date
from handlers.common.replies import alert, close_keyboard
from handlers.training.render import ZONE_ABBREVIATIONS, programme_name

QUESTIONS = {
    BatchField.TITLE: __("batch-admin-ask-title"),
    BatchField.FIRST_DAY: __("batch-admin-ask-first-day"),
    BatchField.LAST_DAY: __("batch-admin-ask-last-day"),
    BatchField.HOURS: __("batch-admin-ask-hours"),
    BatchField.CAPACITY: __("batch-admin-ask-capacity"),
    BatchField.DEADLINE: __("batch-admin-ask-deadline"),
}
FIELD_LABELS = {
    BatchField.TITLE: __("btn-batch-admin-title"),
    BatchField.FIRST_DAY: __("btn-batch-admin-first-day"),
    BatchField.LAST_DAY: __("btn-batch-admin-last-day"),
    BatchField.HOURS: __("btn-batch-admin-hours"),
    BatchField.CAPACITY: __("btn-batch-admin-capacity"),
    BatchField.DEADLINE: __("btn-batch-admin-deadline"),
}
STATUS_LABELS = {
    OPEN: __("batch-admin-status-open"),
    "closed": __("batch-admin-status-closed"),
    CANCELLED: __("batch-admin-status-cancelled"),
}
USUAL_HOURS = ("08.00-16.00", "08.00-15.00", "09.00-16.00", "13.00-17.00")
USUAL_CAPACITIES = (16, 20, 24, 30, 32, 64)
USUAL_LENGTHS = (1, 3, 5, 10)  # days of training
USUAL_LEADS = (1, 3, 7)  # days between the deadline and the first day
MONDAYS_OFFERED = 3
SAVE, DROP, BLK, PROGRAMME = "save", "drop", "blk", "programme"


def _button(text: str, data: BatchFormCb | BatchAdminCb | DeskCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _short(day: date) -> str:
    return format_date(day, "EEE, d MMM y", locale=get_i18n().current_locale)


def zone_label(zone: str) -> str:
    return ZONE_ABBREVIATIONS.get(zone, zone)


def _quick_picks(
    field: BatchField, today: date, first_day: date | None, seats_taken: int
) -> list[tuple[str, str]]:
    """(label, value) pairs offered under a question; none for the title."""
    if field is BatchField.FIRST_DAY:
        monday = today + timedelta(days=7 - today.weekday())
        days = [monday + timedelta(weeks=week) for week in range(MONDAYS_OFFERED)]
        return [(_short(day), day.isoformat()) for day in days]
    if field is BatchField.HOURS:
        return [(hours, hours) for hours in USUAL_HOURS]
    if field is BatchField.CAPACITY:
        return [(str(n), str(n)) for n in USUAL_CAPACITIES if n >= seats_taken]
    if first_day is None:
        return []
    if field is BatchField.LAST_DAY:
        ends = [(n, first_day + timedelta(days=n - 1)) for n in USUAL_LENGTHS]
        label = _("btn-batch-admin-length")
        return [(label.format(days=n, day=_short(end)), end.isoformat()) for n, end in ends]
    if field is BatchField.DEADLINE:
        leads = [(n, first_day - timedelta(days=n)) for n in USUAL_LEADS]
        label = _("btn-batch-admin-lead")
        return [
            (label.format(days=n, day=_short(day)), day.isoformat())
            for n, day in leads
            if day >= today
        ]
    return []


def question(
    field: BatchField,
    *,
    zone: str,
    today: date,
    first_day: date | None = None,
    seats_taken: int = 0,
    current: str | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question for `field`, with the present value when editing and quick picks."""
    text = str(QUESTIONS[field]).format(zone=zone_label(zone))
    if current is not None:
        text = "\n\n".join([_("batch-admin-current").format(value=current), text])
    picks = _quick_picks(field, today, first_day, seats_taken)
    rows = [[_button(label, BatchFormCb(field=field.value, value=value))] for label, value in picks]
    return text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def current_value(field: BatchField, batch: ManagedBatch) -> str:
    """The field as it is now, in words, for the edit question."""
    plan = batch.plan
    values = {
        BatchField.TITLE: html.quote(plan.title),
        BatchField.FIRST_DAY: long_date(plan.first_day),
        BatchField.LAST_DAY: long_date(plan.last_day),
        BatchField.HOURS: _hours(plan, batch.blk.timezone),
        BatchField.CAPACITY: str(plan.capacity),
        BatchField.DEADLINE: long_date(plan.deadline),
    }
    return values[field]


def _hours(plan: BatchPlan, zone: str) -> str:
    locale = get_i18n().current_locale
    start = format_time(plan.daily_start, "HH.mm", locale=locale)
    end = format_time(plan.daily_end, "HH.mm", locale=locale)
    return f"{start}–{end} {zone_label(zone)}"


def card(
    plan: BatchPlan,
    blk_name: str,
    zone: str,
    *,
    status: str = OPEN,
    taken: int = 0,
    waitlisted: int = 0,
    programme: str = DEFAULT_PROGRAMME,
) -> str:
    """Everything the coordinator set, dates in words and hours in the BLK's zone."""
    text = _("batch-admin-card").format(
        title=html.quote(plan.title),
        blk=html.quote(blk_name),
        first_day=long_date(plan.first_day),
        last_day=long_date(plan.last_day),
        hours=_hours(plan, zone),
        capacity=plan.capacity,
        taken=taken,
        waitlisted=waitlisted,
        deadline=long_date(plan.deadline),
        status=STATUS_LABELS.get(status, status),
    )
    return "\n".join(
        [text, _("batch-programme").format(programme=html.quote(programme_name(programme)))]
    )


def batch_card(batch: ManagedBatch) -> str:
    return card(
        batch.plan,
        batch.blk.name,
        batch.blk.timezone,
        status=batch.status,
        taken=batch.seats_taken,
        waitlisted=batch.waitlisted,
        programme=batch.programme,
    )


def editor_markup(batch: ManagedBatch) -> InlineKeyboardMarkup:
    """A button per field, close or reopen, cancel, and back to the roster."""
    back = [_button(_("btn-batch-admin-back"), DeskCb(action=DeskAction.ROSTER, batch=batch.id))]
    if batch.status == CANCELLED:
        return InlineKeyboardMarkup(inline_keyboard=[back])

    def action(label: str, kind: BatchAdminAction, field: str = "") -> InlineKeyboardButton:
        return _button(label, BatchAdminCb(action=kind, batch=batch.id, field=field))

    fields = [action(str(FIELD_LABELS[f]), BatchAdminAction.EDIT, f.value) for f in BatchField]
    registration = (
        action(_("btn-batch-admin-close"), BatchAdminAction.CLOSE)
        if batch.status == OPEN
        else action(_("btn-batch-admin-reopen"), BatchAdminAction.REOPEN)
    )
    rows = [fields[i : i + 2] for i in range(0, len(fields), 2)]
    rows += [[action(_("btn-batch-admin-programme"), BatchAdminAction.PROGRAMME)]]
    rows += [[registration], [action(_("btn-batch-admin-cancel"), BatchAdminAction.CANCEL)], back]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def cancel_confirmation(batch: ManagedBatch) -> tuple[str, InlineKeyboardMarkup]:
    text = _("batch-admin-cancel-confirm").format(
        title=html.quote(batch.plan.title), enrolled=batch.seats_taken, waitlisted=batch.waitlisted
    )
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(
                    _("btn-batch-admin-cancel-yes"),
                    BatchAdminCb(action=BatchAdminAction.CANCEL_CONFIRMED, batch=batch.id),
                ),
                _button(
                    _("btn-batch-admin-cancel-no"),
                    BatchAdminCb(action=BatchAdminAction.VIEW, batch=batch.id),
                ),
            ]
        ]
    )
    return text, markup


def _programme_label(programme: Programme, chosen: str) -> str:
    label = _("btn-batch-programme").format(programme=programme_name(programme))
    return f"{label} ✓" if programme == chosen else label


def review_markup(chosen: str = DEFAULT_PROGRAMME) -> InlineKeyboardMarkup:
    """A programme to choose (the chosen one ticked), then save or drop."""
    programmes = [
        [_button(_programme_label(p, chosen), BatchFormCb(field=PROGRAMME, value=p.value))]
        for p in Programme
    ]
    save = [
        _button(_("btn-batch-admin-save"), BatchFormCb(field=SAVE)),
        _button(_("btn-batch-admin-drop"), BatchFormCb(field=DROP)),
    ]
    return InlineKeyboardMarkup(inline_keyboard=[*programmes, save])


def programme_markup(batch: ManagedBatch) -> InlineKeyboardMarkup:
    """The programmes for a stored batch (its own ticked), and back to its card."""
    rows = [
        [
            _button(
                _programme_label(p, batch.programme),
                BatchAdminCb(action=BatchAdminAction.SET_PROGRAMME, batch=batch.id, field=p.value),
            )
        ]
        for p in Programme
    ]
    back = BatchAdminCb(action=BatchAdminAction.VIEW, batch=batch.id)
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [_button(_("btn-batch-card"), back)]])


def blk_markup(blks: list[BlkPlace]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(blk.name, BatchFormCb(field=BLK, value=blk.id))] for blk in blks]
    )


def refusal_text(error: BatchRefused) -> str:
    """Why the answer was refused, with any dates in words."""
    params = {
        name: long_date(value) if isinstance(value, date) else value
        for name, value in error.params.items()
    }
    return _(error.key).format(**params)


async def quick_pick_taken(
    callback: CallbackQuery, picked: BatchFormCb, asked: str | None, callback_answer: CallbackAnswer
) -> bool:
    """Whether a quick pick answers the question being asked (`asked`, a `BatchField`
    value): one left under another question is stale and alerted, a taken one has its
    keyboard closed so it cannot be pressed twice."""
    if picked.field != asked:
        alert(callback_answer, _("error-stale-button"))
        return False
    await close_keyboard(callback)
    return True

"""Completing a batch from its roster (/peserta → "🎓 Kelulusan"): the offer to complete
it, then each participant's days present and result, with a button to change a result
by hand (audited; the person is told). The service checks scope and seats again.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import F, html
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from bot.telegram_text import fit
from bot.training.completion import BatchResults
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import CompletionAction, CompletionCb, DeskAction, DeskCb
from handlers.common.filters import HasRole
from handlers.common.paging import page_of, pager
from handlers.common.render import long_date
from handlers.common.replies import show_in_place

router = Blueprint(name=__name__)

PER_PAGE = 10
NAME_ON_BUTTON = 28


def _button(text: str, data: CompletionCb | DeskCb) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _offer(results: BatchResults) -> tuple[str, InlineKeyboardMarkup]:
    batch = results.batch.id
    text = _("completion-offer").format(
        title=html.quote(results.batch.title),
        percent=results.min_percent,
        days=results.training_days,
    )
    rows = [
        [
            _button(
                _("btn-completion-complete"),
                CompletionCb(action=CompletionAction.COMPLETE, batch=batch),
            )
        ],
        [_button(_("btn-desk-back"), DeskCb(action=DeskAction.ROSTER, batch=batch))],
    ]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


def results_view(results: BatchResults, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """The offer to complete, or one page of results with a change button each."""
    completion = results.completion
    if completion is None:
        return _offer(results)
    batch = results.batch.id
    shown = page_of(results.rows, page, PER_PAGE)
    first, page = shown.first, shown.number
    completed_on = long_date(
        completion.completed_at.astimezone(ZoneInfo(results.batch.timezone)).date()
    )
    header = _("completion-title").format(
        title=html.quote(results.batch.title),
        blk=html.quote(results.batch.blk_name),
        day=completed_on,
        by=_("completion-by-bot") if completion.completed_by is None else _("completion-by-staff"),
        percent=results.min_percent,
        days=results.training_days,
        passed=results.passed,
        seated=len(results.rows),
    )
    lines = [
        _("completion-entry").format(
            number=first + i + 1,
            name=html.quote(row.full_name),
            present=row.result.days_present,
            days=row.result.training_days,
            result=_("completion-passed") if row.result.passed else _("completion-not-passed"),
            changed=_("completion-changed") if row.result.overridden_by else "",
        )
        for i, row in enumerate(shown.items)
    ]
    rows = [
        [
            _button(
                (
                    _("btn-completion-fail") if row.result.passed else _("btn-completion-pass")
                ).format(number=first + i + 1, name=fit(row.full_name, NAME_ON_BUTTON)),
                CompletionCb(
                    action=CompletionAction.FAIL if row.result.passed else CompletionAction.PASS,
                    batch=batch,
                    seat=row.enrollment_id,
                    page=page,
                ),
            )
        ]
        for i, row in enumerate(shown.items)
    ]
    rows.append(
        pager(
            page,
            shown.pages,
            lambda text, to: _button(
                text, CompletionCb(action=CompletionAction.VIEW, batch=batch, page=to)
            ),
        )
    )
    rows.append([_button(_("btn-desk-back"), DeskCb(action=DeskAction.ROSTER, batch=batch))])
    body = "\n".join(lines) if lines else _("checkin-day-empty")
    return f"{header}\n\n{body}", InlineKeyboardMarkup(inline_keyboard=[r for r in rows if r])


@router.callback_query(CompletionCb.filter(F.action == CompletionAction.VIEW), HasRole())
async def results_chosen(
    callback: CallbackQuery, callback_data: CompletionCb, services: Services
) -> None:
    results = await services.completion.results(callback.from_user.id, callback_data.batch)
    await show_in_place(callback, *results_view(results, callback_data.page))


@router.callback_query(CompletionCb.filter(F.action == CompletionAction.COMPLETE), HasRole())
async def complete_chosen(
    callback: CallbackQuery, callback_data: CompletionCb, services: Services
) -> None:
    """Completes the batch (from its last training day on); each participant is told."""
    results = await services.completion.complete(callback.from_user.id, callback_data.batch)
    await show_in_place(callback, *results_view(results, 0))


@router.callback_query(
    CompletionCb.filter(F.action.in_({CompletionAction.PASS, CompletionAction.FAIL})), HasRole()
)
async def override_chosen(
    callback: CallbackQuery, callback_data: CompletionCb, services: Services
) -> None:
    results = await services.completion.override(
        callback.from_user.id,
        callback_data.batch,
        callback_data.seat,
        passed=callback_data.action is CompletionAction.PASS,
    )
    await show_in_place(callback, *results_view(results, callback_data.page))

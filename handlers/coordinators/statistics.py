"""/statistik: coordinators' numbers for their own scope (country, province or BLK), as a
chart and figures with buttons down to each province, BLK and batch inside it.

Everyone else falls through to the fallback and gets the same answer as for an unknown
command, like every other coordinator tool.
"""

from __future__ import annotations

from aiogram import F
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.coordinators.roles import Scope
from bot.coordinators.statistics import Node, Report, Statistics
from bot.phk.pathway import PhkBusiness
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import StatsAction, StatsCb
from handlers.common.filters import HasRole
from handlers.coordinators.broadcast.render import number
from handlers.coordinators.roles import scope_label
from handlers.coordinators.statistics_views import send_report, send_workbook

router = Blueprint(name=__name__)


def statistics_text(stats: Statistics) -> str:
    by_business = stats.pathway_by_business
    return _("stat-report").format(
        scope=scope_label(stats.scope, stats.place),
        registrations=number(stats.registrations),
        phk=number(stats.phk_registrations),
        completions=number(stats.pathway_completions),
        counselling=number(stats.pathway_counselling),
        capital=number(stats.pathway_capital_info),
        idea=number(by_business[PhkBusiness.IDEA]),
        running=number(by_business[PhkBusiness.RUNNING]),
        no_business=number(by_business[PhkBusiness.NONE]),
        active=number(stats.enrollments_active),
        waitlisted=number(stats.enrollments_waitlisted),
    )


@router.message(Command("statistik"), StateFilter(None), HasRole())
async def cmd_statistik(message: Message, scope: Scope, services: Services) -> None:
    """The coordinator's whole scope, from one consistent read."""
    report = await services.statistics.report(scope, Node.of(scope))
    await send_report(message.bot, message.chat.id, report, _summary_text(report))


@router.callback_query(StatsCb.filter(F.action == StatsAction.VIEW), HasRole())
async def level_chosen(
    callback: CallbackQuery, callback_data: StatsCb, scope: Scope, services: Services
) -> None:
    """One level down (or up), re-checked against the presser's scope: a level outside it
    is refused like a stale button (`OutOfReach`)."""
    node = Node.parse(callback_data.level, callback_data.code)
    report = await services.statistics.report(scope, node)
    await send_report(callback.bot, callback.from_user.id, report, _summary_text(report))


@router.callback_query(StatsCb.filter(F.action == StatsAction.SHEET), HasRole())
async def sheet_chosen(
    callback: CallbackQuery, callback_data: StatsCb, scope: Scope, services: Services
) -> None:
    """The level's figures, breakdown and daily series as an XLSX file."""
    node = Node.parse(callback_data.level, callback_data.code)
    await send_workbook(
        callback.bot, callback.from_user.id, await services.statistics.report(scope, node)
    )


def _summary_text(report: Report) -> str | None:
    return statistics_text(report.summary) if report.summary is not None else None

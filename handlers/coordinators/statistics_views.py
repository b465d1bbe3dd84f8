"""/statistik drawn for Telegram: a chart photo, then the figures with drill-down buttons,
and on request the same as a spreadsheet.

Every level is sent as new messages (a photo cannot be edited into another level's
text), so a coordinator scrolls back through the levels they opened.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import replace

from aiogram import Bot, html
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.coordinators.statistics import DAYS, Level, Node, Report, UnitCounts
from bot.coordinators.statistics_chart import ChartRow, ChartSpec, render_png
from bot.coordinators.statistics_workbook import Sheet, write_xlsx
from bot.telegram_text import fit
from bot.training.eligibility import Verdict
from handlers.common.callbacks import StatsAction, StatsCb
from handlers.coordinators.broadcast.render import number
from handlers.coordinators.impact_views import impact_sheet, impact_text
from handlers.coordinators.roles import scope_label
from handlers.training.render import programme_name

MAX_LINES = 25  # breakdown lines in the message; the spreadsheet has them all
MAX_BUTTONS = 40  # every province (38) can be opened; Telegram allows 100
BUTTON_NAME = 30


def place_title(report: Report, quote: Callable[[str], str] = html.quote) -> str:
    """The level's name: "Provinsi Jawa Barat (32)", a BLK, or a batch with its BLK."""
    if report.node.level is Level.BATCH:
        return _("stat-scope-batch").format(
            title=quote(report.name or ""), blk=quote(report.blk_name or "")
        )
    if report.node.level is Level.COUNTRY:
        return _("coord-scope-country")
    scope = report.node.scope()
    assert scope is not None
    return scope_label(scope, report.name)


def _plain_title(report: Report) -> str:
    """The same without HTML, for the picture and the spreadsheet."""
    if report.node.level in (Level.PROVINCE, Level.BLK):
        return report.name or report.node.code
    return place_title(report, quote=str)


def report_text(report: Report, summary_text: str | None) -> str:
    """The scope's totals (as before the drill-down existed), then seats, eligibility,
    attendance, the breakdown and the last days."""
    parts = [summary_text] if summary_text else []
    if report.node.level is Level.BATCH:
        parts.append(
            _("stat-batch").format(
                scope=place_title(report),
                registrations=number(report.registrations),
                phk=number(report.phk),
            )
        )
    parts.append(_figures(report))
    if (breakdown := _breakdown(report)) is not None:
        parts.append(breakdown)
    if report.programmes:
        parts.append(_programmes(report))
    if (impact := impact_text(report)) is not None:
        parts.append(impact)
    parts.append(_daily(report))
    return "\n\n".join(parts)


def _figures(report: Report) -> str:
    counts = report.eligibility
    return "\n".join(
        [
            _("stat-seats").format(
                taken=number(report.seats_taken),
                capacity=number(report.capacity),
                waitlisted=number(report.waitlisted),
            ),
            _("stat-eligibility").format(
                priority=number(counts.get(Verdict.PRIORITY, 0)),
                eligible=number(counts.get(Verdict.ELIGIBLE, 0)),
                not_eligible=number(counts.get(Verdict.NOT_ELIGIBLE, 0)),
            ),
            _("stat-attendance").format(
                yes=number(report.attendance.get("yes", 0)),
                no=number(report.attendance.get("no", 0)),
                unanswered=number(report.unanswered),
            ),
        ]
    )


def _breakdown(report: Report) -> str | None:
    headings = {
        Level.PROVINCE: _("stat-breakdown-provinces"),
        Level.BLK: _("stat-breakdown-blks"),
        Level.BATCH: _("stat-breakdown-batches"),
    }
    if report.child_level is None:
        return None
    lines = [headings[report.child_level]]
    if not report.children:
        lines.append(_("stat-breakdown-empty"))
    lines += [_unit_line(html.quote(unit.name), unit) for unit in report.children[:MAX_LINES]]
    if (more := len(report.children) - MAX_LINES) > 0:
        lines.append(_("stat-breakdown-more").format(count=number(more)))
    return "\n".join(lines)


def _unit_line(name: str, unit: UnitCounts) -> str:
    return _("stat-breakdown-line").format(
        name=name,
        registrations=number(unit.registrations),
        phk=number(unit.phk),
        taken=number(unit.seats_taken),
        capacity=number(unit.capacity),
        waitlisted=number(unit.waitlisted),
    )


def _programmes(report: Report) -> str:
    """The same figures per programme (bot/data/programmes.toml)."""
    lines = [_("stat-breakdown-programmes")]
    lines += [_unit_line(html.quote(programme_name(u.code)), u) for u in report.programmes]
    return "\n".join(lines)


def _daily(report: Report) -> str:
    total = sum(count for _, count in report.daily)
    if not total:
        return _("stat-daily-none").format(days=DAYS)
    peak_day, peak = max(report.daily, key=lambda item: (item[1], item[0]))
    return _("stat-daily").format(
        days=DAYS, total=number(total), peak=number(peak), day=peak_day.strftime("%d/%m")
    )


def report_buttons(report: Report) -> InlineKeyboardMarkup:
    """One button per child (in the report's order), then one level up and the spreadsheet."""
    builder = InlineKeyboardBuilder()
    if report.child_level is not None:
        for unit in report.children[:MAX_BUTTONS]:
            builder.button(
                text=fit(unit.name, BUTTON_NAME),
                callback_data=_cb(StatsAction.VIEW, Node(report.child_level, unit.code)),
            )
    builder.adjust(2)
    if report.parent is not None:
        builder.row(_button(_("btn-stat-up"), StatsAction.VIEW, report.parent))
    builder.row(_button(_("btn-stat-sheet"), StatsAction.SHEET, report.node))
    return builder.as_markup()


def _cb(action: StatsAction, node: Node) -> StatsCb:
    return StatsCb(action=action, level=node.level.value, code=node.code)


def _button(text: str, action: StatsAction, node: Node) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=_cb(action, node).pack())


def chart_spec(report: Report) -> ChartSpec:
    """What the picture shows, in the reader's language."""
    registrations = _("stat-col-registrations")
    seats, capacity = _("stat-col-seats"), _("stat-col-capacity")
    headings = {
        Level.PROVINCE: _("stat-chart-provinces"),
        Level.BLK: _("stat-chart-blks"),
        Level.BATCH: _("stat-chart-batches"),
    }
    common = {
        "title": _("stat-chart-title").format(place=_plain_title(report)),
        "daily_title": _("stat-chart-daily").format(days=DAYS),
        "daily": report.daily,
        "registrations_label": registrations,
        "seats_label": seats,
        "capacity_label": capacity,
    }
    if report.child_level is not None:
        rows = [
            ChartRow(unit.name, unit.registrations, unit.seats_taken, unit.capacity)
            for unit in report.children
        ]
        return ChartSpec(breakdown_title=headings[report.child_level], rows=rows, **common)
    facts = [
        (capacity, report.capacity),
        (seats, report.seats_taken),
        (_("stat-col-waitlisted"), report.waitlisted),
        (_("stat-col-attending"), report.attendance.get("yes", 0)),
        (_("stat-col-not-attending"), report.attendance.get("no", 0)),
        (_("stat-col-unanswered"), report.unanswered),
    ]
    return ChartSpec(breakdown_title=_("stat-chart-this-batch"), facts=facts, **common)


async def send_report(bot: Bot, chat_id: int, report: Report, summary_text: str | None) -> None:
    """The chart (drawn in a worker thread: it takes a few hundred ms), then the figures."""
    png = await asyncio.to_thread(render_png, chart_spec(report))
    photo = BufferedInputFile(png, filename="statistik.png")
    await bot.send_photo(chat_id, photo, caption=place_title(report))
    await bot.send_message(
        chat_id, report_text(report, summary_text), reply_markup=report_buttons(report)
    )


def workbook(report: Report) -> bytes:
    counts = report.eligibility
    figures = [
        (_("stat-col-registrations"), report.registrations),
        (_("stat-col-phk"), report.phk),
        (_("stat-col-capacity"), report.capacity),
        (_("stat-col-seats"), report.seats_taken),
        (_("stat-col-waitlisted"), report.waitlisted),
        (_("stat-col-priority"), counts.get(Verdict.PRIORITY, 0)),
        (_("stat-col-eligible"), counts.get(Verdict.ELIGIBLE, 0)),
        (_("stat-col-not-eligible"), counts.get(Verdict.NOT_ELIGIBLE, 0)),
        (_("stat-col-attending"), report.attendance.get("yes", 0)),
        (_("stat-col-not-attending"), report.attendance.get("no", 0)),
        (_("stat-col-unanswered"), report.unanswered),
    ]
    unit_headers = [
        _("stat-col-name"),
        _("stat-col-code"),
        _("stat-col-registrations"),
        _("stat-col-phk"),
        _("stat-col-capacity"),
        _("stat-col-seats"),
        _("stat-col-waitlisted"),
    ]
    breakdown = programmes = None
    if report.child_level is not None:
        breakdown = (Sheet(_("stat-sheet-breakdown"), unit_headers), report.children)
    if report.programmes:
        named = [replace(unit, name=programme_name(unit.code)) for unit in report.programmes]
        programmes = (Sheet(_("stat-sheet-programmes"), unit_headers), named)
    return write_xlsx(
        _("stat-chart-title").format(place=_plain_title(report)),
        (Sheet(_("stat-sheet-figures"), [_("stat-col-figure"), _("stat-col-count")]), figures),
        breakdown,
        (
            Sheet(_("stat-sheet-daily"), [_("stat-col-date"), _("stat-col-registrations")]),
            report.daily,
        ),
        programmes,
        impact_sheet(report),
    )


async def send_workbook(bot: Bot, chat_id: int, report: Report) -> None:
    node, today = report.node, report.daily[-1][0]
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", node.code)  # BLK ids may hold "/" and such
    name = f"statistik-{node.level.value}{'-' + code if code else ''}-{today:%Y-%m-%d}.xlsx"
    document = BufferedInputFile(await asyncio.to_thread(workbook, report), filename=name)
    await bot.send_document(chat_id, document, caption=place_title(report))

"""Impact figures from the follow-up surveys in /statistik: a short section in the
message and a sheet of the spreadsheet (the node's seats, then per programme).

Shares are of the seats that finished a survey, each counted by its latest one.
"""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.coordinators.statistics import ImpactCounts, Report
from bot.coordinators.statistics_workbook import Sheet
from handlers.coordinators.broadcast.render import number
from handlers.training.render import programme_name

TURNOVER = ("none", "lt5", "5to15", "gt15")
EMPLOYEES = ("0", "1to2", "3to5", "6plus")


def _share(count: int, impact: ImpactCounts) -> str:
    percent = round(100 * count / impact.answered) if impact.answered else 0
    return f"{number(count)} ({percent}%)"


def impact_text(report: Report) -> str | None:
    """The section; None while nobody here was surveyed."""
    impact = report.impact
    if not impact.surveyed:
        return None
    lines = [
        _("stat-impact").format(surveyed=number(impact.surveyed), answered=number(impact.answered))
    ]
    if impact.mean_rating is not None:
        lines.append(
            _("stat-impact-answers").format(
                rating=f"{impact.mean_rating:.1f}",
                started=_share(impact.count("business", "started"), impact),
                grown=_share(impact.count("business", "grown"), impact),
                nib=_share(impact.count("nib", "yes"), impact),
                applied=_share(impact.count("kur", "applied", "got"), impact),
                got=_share(impact.count("kur", "got"), impact),
                turnover=" · ".join(number(impact.count("turnover", c)) for c in TURNOVER),
                employees=" · ".join(number(impact.count("employees", c)) for c in EMPLOYEES),
            )
        )
    return "\n".join(lines)


def impact_sheet(report: Report) -> tuple[Sheet, list[list[str | float]]] | None:
    """One row for everything here, then one per programme; None while nobody here was
    surveyed."""
    if not report.impact.surveyed:
        return None
    headers = [
        _("stat-col-programme"),
        _("stat-col-surveyed"),
        _("stat-col-answered"),
        _("stat-col-rating"),
        _("stat-col-started"),
        _("stat-col-grown"),
        _("stat-col-nib"),
        _("stat-col-kur-applied"),
        _("stat-col-kur-got"),
        _("stat-col-turnover-none"),
        _("stat-col-turnover-lt5"),
        _("stat-col-turnover-5to15"),
        _("stat-col-turnover-gt15"),
        _("stat-col-employees-0"),
        _("stat-col-employees-1to2"),
        _("stat-col-employees-3to5"),
        _("stat-col-employees-6plus"),
    ]
    rows = [_row(_("stat-impact-all"), report.impact)]
    rows += [_row(programme_name(c), i) for c, i in sorted(report.impact_programmes.items())]
    return Sheet(_("stat-sheet-impact"), headers), rows


def _row(name: str, impact: ImpactCounts) -> list[str | float]:
    return [
        name,
        impact.surveyed,
        impact.answered,
        round(impact.mean_rating, 2) if impact.mean_rating is not None else "",
        impact.count("business", "started"),
        impact.count("business", "grown"),
        impact.count("nib", "yes"),
        impact.count("kur", "applied", "got"),
        impact.count("kur", "got"),
        *(impact.count("turnover", code) for code in TURNOVER),
        *(impact.count("employees", code) for code in EMPLOYEES),
    ]

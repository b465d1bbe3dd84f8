"""The /statistik picture: registrations per day above, the breakdown below, as a PNG.

Drawn with matplotlib's object API on the Agg backend (no display, no pyplot state shared
between requests), so it runs in a worker thread. Labels arrive already translated: this
module knows nothing of languages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

MAX_ROWS = 12  # more bars than this are unreadable on a phone
NAME_WIDTH = 28
REGISTRATIONS, SEATS, CAPACITY = "#1f77b4", "#ff7f0e", "#d9d9d9"


@dataclass(frozen=True)
class ChartRow:
    name: str
    registrations: int
    seats_taken: int
    capacity: int


@dataclass(frozen=True)
class ChartSpec:
    title: str
    daily_title: str
    daily: list[tuple[date, int]]
    breakdown_title: str
    registrations_label: str
    seats_label: str
    capacity_label: str
    rows: list[ChartRow] = field(default_factory=list)  # children; the first MAX_ROWS shown
    facts: list[tuple[str, int]] = field(default_factory=list)  # a batch: one bar each


def _short(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"


def render_png(spec: ChartSpec) -> bytes:
    figure = Figure(figsize=(8, 8), dpi=100)
    FigureCanvasAgg(figure)
    # Fixed margins (room for BLK names on the left): an automatic layout engine would
    # take a third of the drawing time.
    figure.subplots_adjust(left=0.3, right=0.97, top=0.91, bottom=0.05, hspace=0.35)
    daily, breakdown = figure.subplots(2, 1, height_ratios=(2, 3))
    figure.suptitle(spec.title, fontsize=13, fontweight="bold")

    days = [day.strftime("%d/%m") for day, _ in spec.daily]
    daily.bar(days, [count for _, count in spec.daily], color=REGISTRATIONS)
    daily.set_title(spec.daily_title, fontsize=11)
    daily.yaxis.set_major_locator(MaxNLocator(integer=True))
    daily.tick_params(axis="x", labelrotation=90, labelsize=7)
    daily.spines[["top", "right"]].set_visible(False)

    breakdown.set_title(spec.breakdown_title, fontsize=11)
    breakdown.xaxis.set_major_locator(MaxNLocator(integer=True))
    breakdown.spines[["top", "right"]].set_visible(False)
    if spec.rows:
        rows = spec.rows[:MAX_ROWS][::-1]  # barh draws bottom-up: biggest on top
        places = range(len(rows))
        height = 0.4
        breakdown.barh(
            [y + height / 2 for y in places],
            [row.registrations for row in rows],
            height=height,
            color=REGISTRATIONS,
            label=spec.registrations_label,
        )
        lower = [y - height / 2 for y in places]
        capacity = [row.capacity for row in rows]
        breakdown.barh(lower, capacity, height=height, color=CAPACITY, label=spec.capacity_label)
        seats = [row.seats_taken for row in rows]
        breakdown.barh(lower, seats, height=height, color=SEATS, label=spec.seats_label)
        breakdown.set_yticks(list(places), [_short(row.name) for row in rows], fontsize=8)
        breakdown.legend(loc="lower right", fontsize=8, frameon=False)
    elif spec.facts:
        labels = [label for label, _ in spec.facts][::-1]
        values = [value for _, value in spec.facts][::-1]
        bars = breakdown.barh(labels, values, color=REGISTRATIONS)
        breakdown.bar_label(bars, padding=3, fontsize=9)
        breakdown.tick_params(axis="y", labelsize=9)
    else:
        breakdown.set_axis_off()

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

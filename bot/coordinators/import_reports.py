"""The outcome of a CSV import in words (HTML-safe), for the CLI and a coordinator's upload."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Protocol

from bot.csv_table import TableError
from bot.errors import N_

Translate = Callable[[str], str]
# A Telegram message holds 4096 characters; the first rejected rows say enough.
MAX_LISTED = 25
# A rejected row's id is echoed so the coordinator finds it, and may be any length.
SHOWN_ID_LENGTH = 32

REJECT_KEYS = {
    "missing_field": N_("import-reject-missing-field"),
    "bad_coordinates": N_("import-reject-bad-coordinates"),
    "unknown_regency": N_("import-reject-unknown-regency"),
    "duplicate_id_in_file": N_("import-reject-duplicate-id"),
    "bad_type": N_("import-reject-bad-type"),
    "field_too_long": N_("import-reject-field-too-long"),
    "bad_date": N_("import-reject-bad-date"),
    "bad_time": N_("import-reject-bad-time"),
    "bad_capacity": N_("import-reject-bad-capacity"),
    "bad_status": N_("import-reject-bad-status"),
    "bad_programme": N_("import-reject-bad-programme"),
    "end_before_start": N_("import-reject-end-before-start"),
    "deadline_after_start": N_("import-reject-deadline-after-start"),
    "starts_in_past": N_("import-reject-starts-in-past"),
    "unknown_blk": N_("import-reject-unknown-blk"),
    "capacity_below_taken": N_("import-reject-capacity-below-taken"),
    "out_of_scope": N_("import-reject-out-of-scope"),
    "completed": N_("import-reject-batch-completed"),
    "cancelled": N_("import-reject-batch-cancelled"),
}


class Rejected(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def id(self) -> str: ...
    @property
    def reason(self) -> object: ...
    @property
    def field(self) -> str | None: ...


def report_text(
    translate: Translate,
    *,
    added: int,
    updated: int,
    unchanged: int,
    rejected: Iterable[Rejected],
    more_rejected: int = 0,
    cancelled: int = 0,
    told: int = 0,
) -> str:
    """`rejected` in line order; `more_rejected` were counted but not kept. `cancelled`
    batches (among the updated) and the people `told` so are said when there were any."""
    rejected = list(rejected)
    total_rejected = len(rejected) + more_rejected
    lines = [
        translate(N_("import-summary")).format(
            added=added, updated=updated, unchanged=unchanged, rejected=total_rejected
        )
    ]
    if cancelled:
        lines.append(translate(N_("import-cancelled")).format(cancelled=cancelled, told=told))
    for row in rejected[:MAX_LISTED]:
        reason = translate(REJECT_KEYS[getattr(row.reason, "value", str(row.reason))])
        lines.append(
            translate(N_("import-rejected-row")).format(
                line=row.line,
                id=html.escape(_shortened(row.id or "-")),
                reason=reason,
                field=html.escape(row.field or "-"),
            )
        )
    listed = min(len(rejected), MAX_LISTED)
    if total_rejected > listed:
        lines.append(translate(N_("import-more-rejected")).format(count=total_rejected - listed))
    return "\n".join(lines)


def _shortened(value: str) -> str:
    return value if len(value) <= SHOWN_ID_LENGTH else value[: SHOWN_ID_LENGTH - 1] + "…"


def problem_text(translate: Translate, error: TableError) -> str:
    """Why the whole file was refused (the CLI has no errors router to say it)."""
    return translate(error.key).format(**error.params)

"""Builders of the import templates: the uploader's progress message and final report.

`bot.coordinators.import_jobs` queues them while it works through an upload; they are
written when sent, in the uploader's language, from the job as it is then.
"""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from bot.coordinators.import_jobs import ImportJobs, ImportStatus
from bot.coordinators.import_reports import problem_text, report_text
from bot.delivery.outbox import Outgoing
from bot.delivery.templates import Payload
from bot.services import Services
from handlers.coordinators.broadcast.render import number


def outcome_text(status: ImportStatus) -> str:
    if status.failed:
        return _("import-failed")
    if status.problem is not None:
        return problem_text(_, status.problem)
    report = status.report
    return report_text(
        _,
        added=report.added,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected,
        more_rejected=report.more_rejected,
        cancelled=report.cancelled,
        told=report.told,
    )


class ImportNotices:
    def __init__(self, services: Services) -> None:
        self._imports: ImportJobs = services.imports

    async def progress(self, chat_id: int, payload: Payload) -> Outgoing | None:
        """The rows done so far, edited into the acknowledgement; none once it is over."""
        status = await self._imports.status(int(payload["job"]))
        if status is None or status.done or status.progress_message_id is None:
            return None
        text = _("import-progress").format(
            done=number(status.rows_done), total=number(status.total_rows or 0)
        )
        return Outgoing.edit_text(status.progress_message_id, text)

    async def report(self, chat_id: int, payload: Payload) -> Outgoing | None:
        """The outcome in place of the acknowledgement, or anew if it was deleted."""
        status = await self._imports.status(int(payload["job"]))
        if status is None:
            return None
        anew = Outgoing.text(outcome_text(status))
        if status.progress_message_id is None:
            return anew
        return Outgoing.edit_text(status.progress_message_id, anew.params["text"], fallback=anew)

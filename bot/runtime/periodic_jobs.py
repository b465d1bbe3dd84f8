"""The periodic jobs: broadcast progress, imports, reminders of abandoned conversations,
ticket escalation, batch completion and surveys, pruning, retention and the outbox after
a clock correction.

One process of the bot runs them, the one holding the leader lock; each job wakes the
outbox sender when it queued messages.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.delivery.outbox_replan import OutboxReplanner
from bot.delivery.polling import forget_old_updates
from bot.delivery.sender import Sender
from bot.runtime.app import App, reminder_plan
from bot.runtime.background import every

logger = logging.getLogger(__name__)

# How often broadcast progress is checked; edits are throttled further (Telegram's limits).
PROGRESS_SECONDS = 3
ABANDONED_CHECK_SECONDS = 15 * 60
FORGET_UPDATES_SECONDS = 60 * 60
RETENTION_CHECK_SECONDS = 6 * 60 * 60
REPLAN_CHECK_SECONDS = 10 * 60
TICKET_ESCALATION_CHECK_SECONDS = 5 * 60
# Batches whose last day is over are completed within this long.
COMPLETION_CHECK_SECONDS = 30 * 60


class PeriodicJobs:
    def __init__(self, app: App, sender: Sender) -> None:
        self._app = app
        self._services = app.services
        self._sender = sender
        self._replanner = OutboxReplanner(
            app.db, app.clock, reminder_plan(app.settings), lease=sender.lease
        )

    async def run(self, resign: asyncio.Event) -> None:
        """Every job at its own pace until `resign` (the leader lock is lost or the bot stops)."""
        wake = self._sender.wake
        await asyncio.gather(
            every(PROGRESS_SECONDS, self._progress, resign),
            self._services.imports.run(resign, wake),
            every(ABANDONED_CHECK_SECONDS, self._abandoned, resign),
            every(TICKET_ESCALATION_CHECK_SECONDS, self._escalate_tickets, resign),
            every(COMPLETION_CHECK_SECONDS, self._complete_batches, resign),
            every(FORGET_UPDATES_SECONDS, self._forget_updates, resign),
            every(RETENTION_CHECK_SECONDS, self._retention, resign),
            every(REPLAN_CHECK_SECONDS, self._replan, resign),
        )

    async def _progress(self) -> None:
        telegram_down = self._sender.breaker.is_open
        if await self._services.broadcasts.update_progress(telegram_down=telegram_down):
            self._sender.wake()

    async def _forget_updates(self) -> None:
        if await self._services.privacy.clock_sanity.allows("pruning by age"):
            # A finished import's row is kept as long as a sent message's: both only
            # serve messages that have gone out by then.
            keep = timedelta(hours=self._app.settings.outbox_keep_hours)
            await forget_old_updates(self._app.db, self._app.clock, keep)
            await self._services.imports.forget_finished(keep)

    async def _retention(self) -> None:
        done = await self._services.privacy.erase_expired()
        if done.erased:
            logger.info(
                "retention: %d registrations, %d PHK pathway answers, %d idle conversations "
                "erased%s",
                done.registrations,
                done.phk_answers,
                done.conversations,
                " (as many as one run may; the rest waits for the next run)" if done.capped else "",
            )
        if done.promoted:
            self._sender.wake()

    async def _replan(self) -> None:
        done = await self._replanner.run()
        if done.total:
            logger.warning(
                "outbox after a clock correction: %d claims released, %d messages due now, "
                "%d reminders planned again",
                done.released,
                done.due_now,
                done.reminders,
            )
            self._sender.wake()

    async def _abandoned(self) -> None:
        if await self._services.reminders.remind_abandoned():
            self._sender.wake()

    async def _escalate_tickets(self) -> None:
        if await self._services.tickets.escalate_due():
            self._sender.wake()

    async def _complete_batches(self) -> None:
        if await self._services.completion.complete_due():
            self._sender.wake()
        # Follow-up surveys: the first right after completion, later waves and reminders
        # on a later round.
        if await self._services.surveys.plan_due():
            self._sender.wake()

"""The bot's Prometheus metrics, in a registry of its own (not prometheus_client's global
one), so tests and several bots in one process do not mix their counts.

Counted where each thing happens once (`bot.runtime.metrics_hooks`): updates and handler
errors by a dispatcher middleware, Bot API calls by a Bot session middleware. The outbox's
depth and the unreachable chats are read from the database when `/metrics` is scraped.
Labels hold kinds, methods and outcomes only: never a chat, a user or a text.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.exposition import generate_latest

from storage.database import Database
from storage.ops_queries import outbox_depth, unreachable_chats

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Handling one update: most take milliseconds; a statistics chart or an export seconds.
UPDATE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


def _package_version() -> str:
    try:
        return version("blk-bot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


class Metrics:
    """Every metric of one bot; `scrape` renders them for `/metrics`."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "blk_updates",
            "Updates the dispatcher handled, by update type and outcome (handled, unhandled: "
            "no handler wanted it, refused: a service said no, failed: a crash, "
            "database: a passing database fault, tried again).",
            ["type", "outcome"],
            registry=registry,
        )
        self.update_seconds = Histogram(
            "blk_update_duration_seconds",
            "Time the dispatcher spent on one update (handlers and middlewares).",
            ["type"],
            buckets=UPDATE_BUCKETS,
            registry=registry,
        )
        self.handler_errors = Counter(
            "blk_handler_errors",
            "Updates whose handler raised: crash (a bug, apologised for) or database "
            "(a passing fault; the update is tried again).",
            ["kind"],
            registry=registry,
        )
        self.telegram_calls = Counter(
            "blk_telegram_calls",
            "Bot API calls by source (sender: the outbox sender; answers: an update's "
            "answers; control: getUpdates, getMe, menus, webhook), method and result "
            "(ok, flood_wait: 429, unreachable: 403, refused: another 4xx, "
            "unavailable: 5xx or no connection).",
            ["source", "method", "result"],
            registry=registry,
        )
        self.flood_waits = Counter(
            "blk_telegram_flood_waits",
            "Bot API calls answered 429 (Too Many Requests), by source.",
            ["source"],
            registry=registry,
        )
        self.unreachable = Counter(
            "blk_telegram_unreachable",
            "Bot API calls answered 403: the chat blocked the bot or was deactivated.",
            ["source"],
            registry=registry,
        )
        self.outbox_depth = Gauge(
            "blk_outbox_depth",
            "Outbox rows not settled yet, by status (pending, sending), read at scrape time.",
            ["status"],
            registry=registry,
        )
        self.outbox_oldest_due = Gauge(
            "blk_outbox_oldest_due_seconds",
            "How long the oldest pending outbox row has been due (0 when none is).",
            registry=registry,
        )
        self.unreachable_chats = Gauge(
            "blk_unreachable_chats",
            "Chats marked unreachable (blocked the bot), read at scrape time.",
            registry=registry,
        )
        self.scrape_errors = Counter(
            "blk_metrics_database_errors",
            "Scrapes whose database figures could not be read (then blk_outbox_depth is "
            "absent and the other database gauges are NaN).",
            registry=registry,
        )
        info = Info("blk_instance", "This bot process.", registry=registry)
        info.info(
            {"host": socket.gethostname(), "pid": str(os.getpid()), "version": _package_version()}
        )

    async def scrape(self, db: Database, now: datetime) -> bytes:
        """The metrics in Prometheus' text format, the database figures read now."""
        try:
            async with db.transaction() as session:
                depth, oldest = await outbox_depth(session, now)
                blocked = await unreachable_chats(session)
        except Exception as error:
            self.scrape_errors.inc()
            logger.warning("metrics: database figures not read (%s)", type(error).__name__)
            self.outbox_depth.clear()
            self.outbox_oldest_due.set(float("nan"))
            self.unreachable_chats.set(float("nan"))
        else:
            for status in ("pending", "sending"):
                self.outbox_depth.labels(status).set(depth.get(status, 0))
            self.outbox_oldest_due.set(oldest)
            self.unreachable_chats.set(blocked)
        return generate_latest(self.registry)

"""Who is calling the Bot API — the outbox sender or an update's answers — for the metrics.

A context variable, so the Bot session's metrics middleware (`bot.runtime.metrics_hooks`)
can tell the two apart without either path passing anything down: the sender marks its
own delivery tasks, every other call is an answer or the bot's own housekeeping.
"""

from __future__ import annotations

from contextvars import ContextVar

SENDER = "sender"
ANSWERS = "answers"

_source: ContextVar[str] = ContextVar("telegram_call_source", default=ANSWERS)


def calling_as_sender() -> None:
    """Marks the current task (one outbox delivery) as the sender's."""
    _source.set(SENDER)


def current_source() -> str:
    return _source.get()

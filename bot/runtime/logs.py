"""Log set-up: plain lines for a terminal, or one JSON object per line (`LOG_FORMAT=json`)
for a log collector.

A JSON line holds the time (UTC), level, logger, message and any `extra` fields. An
exception is written as its chain of types and frames (`bot.crash_log`), never its
message, which may quote what a person typed; as everywhere, callers log ids, not data.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, Literal

from bot.crash_log import crash_trace

LogFormat = Literal["text", "json"]
TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A LogRecord's own attributes; anything else on a record came from `extra=`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info and record.exc_info[1] is not None:
            line["exception"] = crash_trace(record.exc_info[1])
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: int, log_format: LogFormat = "text") -> None:
    """Replace the root logger's handlers with one on stderr in `log_format`."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Libraries' chatter (alembic's steps; bm25s sets its own logger to DEBUG at import).
    for name in ("alembic", "bm25s"):
        logging.getLogger(name).setLevel(logging.WARNING)

"""Logs hold no personal data: a registration whose save fails in the database leaves no
fragment of the name, NIK or phone typed in any log line, SQL statement logs included, in
the text format and in JSON lines (LOG_FORMAT=json)."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy.exc import IntegrityError

from bot.runtime.logs import JsonFormatter, configure_logging
from storage.models import Registration
from storage.repositories import RegistrationRepository
from tests.harness import Chat
from tests.test_registration_flow import NIK, register_until_review

TYPED = ("Budi", "Santoso", NIK, NIK[6:12], "81234567890")


def _refused(self: RegistrationRepository, registration: Registration) -> None:
    """The database refuses the row, quoting it as PostgreSQL's DETAIL does."""
    detail = f"Key (full_name)=({registration.full_name}) already exists."
    raise IntegrityError("INSERT INTO registrations", None, Exception(detail))


async def test_a_failed_save_logs_nothing_the_person_typed(
    chat: Chat, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every logger at DEBUG, and SQLAlchemy's statement log on (INFO, as echo=True: its
    # parameters are hidden by the engine; DEBUG would add result rows, by choice).
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    monkeypatch.setattr(RegistrationRepository, "add", _refused)
    await register_until_review(chat)
    await chat.press("Kirim pendaftaran", "terjadi gangguan")

    logged = caplog.text
    assert "INSERT INTO" in logged  # statements were logged...
    assert "IntegrityError" in logged  # ...and so was the crash, by type and place
    assert [fragment for fragment in TYPED if fragment in logged] == []

    lines = [JsonFormatter().format(record) for record in caplog.records]
    parsed = [json.loads(line) for line in lines]  # each record one JSON object, one line
    assert all("\n" not in line for line in lines)
    assert {"time", "level", "logger", "message"} <= set(parsed[0])
    assert any("IntegrityError" in json.dumps(line) for line in parsed)
    assert [fragment for fragment in TYPED if any(fragment in line for line in lines)] == []


def test_a_json_line_keeps_extra_fields_and_an_exception_without_its_message() -> None:
    try:
        raise ValueError(f"invalid NIK {NIK}")
    except ValueError as error:
        record = logging.makeLogRecord(
            {"name": "bot.test", "levelname": "ERROR", "msg": "update %s failed", "args": (42,)}
        )
        record.exc_info = (type(error), error, error.__traceback__)
        record.update_id = 42
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "update 42 failed"
    assert (line["logger"], line["level"], line["update_id"]) == ("bot.test", "ERROR", 42)
    assert line["exception"].startswith("builtins.ValueError at ")
    assert NIK not in json.dumps(line)


def test_log_format_json_makes_every_line_a_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging(logging.INFO, "json")  # as `blk-bot` does with LOG_FORMAT=json
        logging.getLogger("bot.test").info("update %d handled", 7, extra={"update_id": 7})
        logging.getLogger("bot.test").debug("not at INFO")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    [line] = capsys.readouterr().err.splitlines()
    assert json.loads(line) | {"time": None} == {
        "time": None,
        "level": "INFO",
        "logger": "bot.test",
        "message": "update 7 handled",
        "update_id": 7,
    }

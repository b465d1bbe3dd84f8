"""Fake Telegram Bot API server for tests, validating every call against the official schema.

Typical use (the ``fake_api`` fixture lives in :mod:`.fixtures`)::

    bot = make_bot(fake_api)               # real aiogram Bot -> fake server
    fake_api.message(42, "/start")          # the user writes
    call = await fake_api.reply(42)         # the bot's next send/edit to chat 42
    assert "Selamat" in call.text
    fake_api.callback(42, call.button_data("Daftar"))
"""

from .html_check import HtmlParseError, ParsedText, parse_html
from .methods import ApiError
from .model import REPLY_METHODS, ApiCall, UploadedFile, Violation
from .schema import (
    BotApiSchema,
    decode_params,
    load_schema,
    validate_call,
    validate_request,
)
from .server import FakeBotAPI
from .state import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN

__all__ = [
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_TOKEN",
    "REPLY_METHODS",
    "ApiCall",
    "ApiError",
    "BotApiSchema",
    "FakeBotAPI",
    "HtmlParseError",
    "ParsedText",
    "UploadedFile",
    "Violation",
    "decode_params",
    "load_schema",
    "parse_html",
    "validate_call",
    "validate_request",
]

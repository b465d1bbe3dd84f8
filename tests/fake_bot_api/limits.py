"""Telegram rules that the schema's field lists cannot express and its prose does not state.

Length limits written in the schema prose ("1-64 bytes", "0-1024 characters after entities
parsing"), ``must be X`` discriminators, "Must be one of" enums and "Exactly one of the
fields" button rules are read from the vendored schema by :mod:`.schema`; this module only
holds what had to be written down by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

# (message for the violation list, description Telegram answers with)
Problem = tuple[str, str]
FieldRule = Callable[[Any], Problem | None]

PARSE_MODES: frozenset[str] = frozenset({"html", "markdown", "markdownv2"})
CHAT_ACTIONS: frozenset[str] = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
MAX_COMMANDS = 100


def _parse_mode(value: Any) -> Problem | None:
    if isinstance(value, str) and value.lower() not in PARSE_MODES:
        return f"unsupported parse_mode {value!r}", "Bad Request: unsupported parse_mode"
    return None


def _command(value: Any) -> Problem | None:
    if isinstance(value, str) and not _COMMAND_RE.fullmatch(value):
        return (
            f"command {value!r} must be 1-32 chars of lowercase a-z, 0-9 and _",
            "Bad Request: BOT_COMMAND_INVALID",
        )
    return None


def _chat_action(value: Any) -> Problem | None:
    if isinstance(value, str) and value not in CHAT_ACTIONS:
        return f"unknown chat action {value!r}", "Bad Request: wrong parameter action in request"
    return None


def _button_text(value: Any) -> Problem | None:
    if isinstance(value, str) and not value.strip():
        return "button text must be non-empty", "Bad Request: BUTTON_TEXT_INVALID"
    return None


def _coordinate(limit: float) -> FieldRule:
    def rule(value: Any) -> Problem | None:
        if isinstance(value, int | float) and not -limit <= value <= limit:
            return f"must be between {-limit} and {limit}", "Bad Request: wrong coordinates"
        return None

    return rule


# Keyed by (owner, field): owner is a method name, a type name, or "*" for any owner.
FIELD_RULES: dict[tuple[str, str], FieldRule] = {
    ("*", "parse_mode"): _parse_mode,
    ("ReplyParameters", "quote_parse_mode"): _parse_mode,
    ("BotCommand", "command"): _command,
    ("sendChatAction", "action"): _chat_action,
    ("InlineKeyboardButton", "text"): _button_text,
    ("KeyboardButton", "text"): _button_text,
    ("sendLocation", "latitude"): _coordinate(90),
    ("sendLocation", "longitude"): _coordinate(180),
    ("sendVenue", "latitude"): _coordinate(90),
    ("sendVenue", "longitude"): _coordinate(180),
}


def field_rule(owner: str, name: str) -> FieldRule | None:
    """The hand-written rule for ``owner.name``, if any."""
    return FIELD_RULES.get((owner, name)) or FIELD_RULES.get(("*", name))


def _present(params: Mapping[str, Any], name: str) -> bool:
    return params.get(name) is not None


def call_rules(method: str, params: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """Cross-field rules of a whole call, as ``(path, message, telegram error)``."""
    problems: list[tuple[str, str, str]] = []
    if method in {"editMessageText", "editMessageReplyMarkup"}:
        inline = _present(params, "inline_message_id")
        by_chat = _present(params, "chat_id") and _present(params, "message_id")
        if inline == by_chat:
            problems.append(
                (
                    "",
                    "pass either inline_message_id or both chat_id and message_id",
                    "Bad Request: message identifier is not specified",
                )
            )
    if method == "editMessageText" and not (
        _present(params, "text") or _present(params, "rich_message")
    ):
        problems.append(("text", "text is required", "Bad Request: message text is empty"))
    if method == "setMyCommands":
        commands = params.get("commands")
        if isinstance(commands, list) and len(commands) > MAX_COMMANDS:
            problems.append(
                (
                    "commands",
                    f"at most {MAX_COMMANDS} commands, got {len(commands)}",
                    "Bad Request: too many commands",
                )
            )
    return problems


# Telegram's own wording for a few length errors; anything else gets a generic text.
LENGTH_ERRORS: dict[tuple[str, str], str] = {
    ("text", "short"): "Bad Request: message text is empty",
    ("text", "long"): "Bad Request: message is too long",
    ("caption", "long"): "Bad Request: message caption is too long",
    ("callback_data", "short"): "Bad Request: BUTTON_DATA_INVALID",
    ("callback_data", "long"): "Bad Request: BUTTON_DATA_INVALID",
    ("command", "short"): "Bad Request: BOT_COMMAND_INVALID",
    ("command", "long"): "Bad Request: BOT_COMMAND_INVALID",
    ("description", "short"): "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
    ("description", "long"): "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
}

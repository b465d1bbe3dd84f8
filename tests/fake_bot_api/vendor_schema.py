"""Regenerate ``bot_api_schema.json``: the subset of the official Bot API schema we validate.

The full schema (``api.json`` from the telegram-bot-api schema dump) is not available in a
fresh clone, so the tests read only the committed subset.  Run::

    python -m tests.fake_bot_api.vendor_schema /path/to/api.json

The subset keeps the schema's own layout (``methods``/``types`` keyed by name, fields with
``name``/``types``/``required``) and drops prose, except descriptions that carry rules the
validator needs (``must be X`` discriminators, ``1-64 bytes`` style limits, button rules).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

METHODS: tuple[str, ...] = (
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "deleteMyCommands",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "deleteMessage",
    "answerCallbackQuery",
    "sendLocation",
    "sendVenue",
    "sendDocument",
    "sendPhoto",
    "copyMessage",
    "forwardMessage",
    "getFile",
    "sendChatAction",
    "getChat",
)

DEFAULT_OUTPUT = Path(__file__).with_name("bot_api_schema.json")

# Prose worth keeping: discriminators, length limits and "which fields go together" rules.
_KEEP_PROSE = re.compile(
    r", must be [a-z_]+$|[Mm]ust be one of|\d+-\d+ (?:characters|bytes)"
    r"|Exactly one of|At most one of|String can be used instead",
)


def base_type(type_name: str) -> str:
    """Strip any number of ``Array of`` prefixes: ``Array of Array of X`` -> ``X``."""
    while type_name.startswith("Array of "):
        type_name = type_name[len("Array of ") :]
    return type_name


def _slim_field(field: Mapping[str, Any]) -> dict[str, Any]:
    slim: dict[str, Any] = {
        "name": field["name"],
        "types": list(field["types"]),
        "required": bool(field.get("required", False)),
    }
    description = field.get("description", "")
    if isinstance(description, str) and _KEEP_PROSE.search(description):
        slim["description"] = description
    return slim


def _kept_lines(description: Any) -> list[str]:
    lines = description if isinstance(description, list) else [description or ""]
    return [line for line in lines if isinstance(line, str) and _KEEP_PROSE.search(line)]


def reachable_types(api: Mapping[str, Any], methods: Iterable[str]) -> set[str]:
    """Every type referenced by the methods' fields, followed transitively (incl. subtypes)."""
    types: Mapping[str, Any] = api["types"]
    stack: list[str] = []
    for name in methods:
        for field in api["methods"][name].get("fields", []):
            stack.extend(base_type(t) for t in field["types"])
    seen: set[str] = set()
    while stack:
        name = stack.pop()
        if name in seen or name not in types:
            continue
        seen.add(name)
        spec = types[name]
        stack.extend(spec.get("subtypes", []))
        for field in spec.get("fields", []):
            stack.extend(base_type(t) for t in field["types"])
    return seen


def build_subset(api: Mapping[str, Any], methods: Iterable[str] = METHODS) -> dict[str, Any]:
    """Return the vendored subset for ``methods`` in the official layout."""
    method_names = list(methods)
    missing = [m for m in method_names if m not in api["methods"]]
    if missing:
        raise KeyError(f"methods not in schema: {missing}")
    out_methods: dict[str, Any] = {}
    for name in method_names:
        spec = api["methods"][name]
        out_methods[name] = {
            "name": name,
            "fields": [_slim_field(f) for f in spec.get("fields", [])],
            "returns": list(spec.get("returns", [])),
        }
    out_types: dict[str, Any] = {}
    for name in sorted(reachable_types(api, method_names)):
        spec = api["types"][name]
        slim: dict[str, Any] = {"name": name}
        if lines := _kept_lines(spec.get("description")):
            slim["description"] = lines
        if "fields" in spec:
            slim["fields"] = [_slim_field(f) for f in spec["fields"]]
        if "subtypes" in spec:
            slim["subtypes"] = list(spec["subtypes"])
        if "subtype_of" in spec:
            slim["subtype_of"] = list(spec["subtype_of"])
        out_types[name] = slim
    return {
        "version": api.get("version"),
        "release_date": api.get("release_date"),
        "methods": out_methods,
        "types": out_types,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("api_json", type=Path, help="path to the official api.json")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    api = json.loads(args.api_json.read_text(encoding="utf-8"))
    subset = build_subset(api)
    args.output.write_text(
        json.dumps(subset, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {args.output}: {len(subset['methods'])} methods, {len(subset['types'])} types",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Load the vendored Bot API schema and validate calls against it (pure functions).

Two steps, both usable on their own in unit tests:

* :func:`decode_params` turns what arrives over HTTP (form strings, JSON-encoded objects,
  multipart file parts) into Python values, guided by each field's schema ``types``;
* :func:`validate_call` checks decoded params: unknown/missing fields, types (recursively,
  unions, subtypes), plus the rules written in the schema prose and in :mod:`.limits`.

:func:`validate_request` does both, which is what the fake server runs on every call.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import limits
from .html_check import HtmlParseError, parse_html, utf16_len
from .model import UploadedFile, Violation

SCHEMA_PATH = Path(__file__).with_name("bot_api_schema.json")
SCALAR_TYPES: frozenset[str] = frozenset({"Integer", "Float", "String", "Boolean"})
ARRAY_PREFIX = "Array of "
ATTACH_PREFIX = "attach://"

_LIMIT_RE = re.compile(r"(\d+)-(\d+) (characters|bytes)( after entit(?:y|ies) parsing)?")
_CONSTANT_RE = re.compile(r", must be ([a-z_]+)$")
_ONE_OF_RE = re.compile(r"[Mm]ust be one of (.+?)(?:\. |\.$|$)")
_EXCLUSIVE_RE = re.compile(r"(Exactly|At most) one of the fields (other than )?(.+?) must be used")
_NAME_LIST_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+")


@dataclass(frozen=True)
class LengthLimit:
    """``min-max characters|bytes [after entities parsing]`` from a field description."""

    min: int
    max: int
    unit: str
    after_parsing: bool


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str = ""
    limit: LengthLimit | None = None
    constant: str | None = None  # "Scope type, must be chat" -> "chat"
    choices: tuple[str, ...] = ()  # 'Must be one of "a", "b"' -> ("a", "b")


@dataclass(frozen=True)
class Exclusive:
    """'Exactly/At most one of the fields ...' rule of a type, resolved to field names."""

    exactly: bool
    fields: frozenset[str]


@dataclass(frozen=True)
class TypeSpec:
    name: str
    fields: Mapping[str, FieldSpec] | None  # None: the schema lists no fields (InputFile)
    subtypes: tuple[str, ...] = ()
    exclusive: Exclusive | None = None
    accepts_string: bool = False  # "String can be used instead of this object"


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class BotApiSchema:
    version: str
    methods: Mapping[str, MethodSpec]
    types: Mapping[str, TypeSpec]
    _lower_methods: Mapping[str, str] = field(default_factory=dict, repr=False)

    def method(self, name: str) -> MethodSpec | None:
        """Look a method up the way Telegram does: case-insensitively."""
        exact = self.methods.get(name)
        if exact is not None:
            return exact
        canonical = self._lower_methods.get(name.lower())
        return self.methods[canonical] if canonical else None


def _parse_field(raw: Mapping[str, Any]) -> FieldSpec:
    description = str(raw.get("description", ""))
    limit = None
    if match := _LIMIT_RE.search(description):
        limit = LengthLimit(int(match[1]), int(match[2]), match[3], bool(match[4]))
    constant = match[1] if (match := _CONSTANT_RE.search(description)) else None
    choices: tuple[str, ...] = ()
    if match := _ONE_OF_RE.search(description):
        choices = tuple(re.findall(r'"([^"]+)"', match[1]))
    return FieldSpec(
        name=raw["name"],
        types=tuple(raw["types"]),
        required=bool(raw.get("required", False)),
        description=description,
        limit=limit,
        constant=constant,
        choices=choices,
    )


def _parse_type(raw: Mapping[str, Any]) -> TypeSpec:
    fields = None
    if "fields" in raw:
        fields = {f["name"]: _parse_field(f) for f in raw["fields"]}
    prose = " ".join(raw.get("description", []))
    exclusive = None
    if fields is not None and (match := _EXCLUSIVE_RE.search(prose)):
        names = {n.strip() for n in _NAME_LIST_SPLIT.split(match[3]) if n.strip()}
        chosen = set(fields) - names if match[2] else names & set(fields)
        exclusive = Exclusive(exactly=match[1] == "Exactly", fields=frozenset(chosen))
    return TypeSpec(
        name=raw["name"],
        fields=fields,
        subtypes=tuple(raw.get("subtypes", ())),
        exclusive=exclusive,
        accepts_string="String can be used instead" in prose,
    )


def parse_schema(data: Mapping[str, Any]) -> BotApiSchema:
    """Build a :class:`BotApiSchema` from the official JSON layout (full or vendored)."""
    methods = {
        name: MethodSpec(
            name=name,
            fields={f["name"]: _parse_field(f) for f in spec.get("fields", [])},
            returns=tuple(spec.get("returns", ())),
        )
        for name, spec in data["methods"].items()
    }
    types = {name: _parse_type(spec) for name, spec in data["types"].items()}
    return BotApiSchema(
        version=str(data.get("version", "")),
        methods=methods,
        types=types,
        _lower_methods={name.lower(): name for name in methods},
    )


@functools.cache
def load_schema(path: Path = SCHEMA_PATH) -> BotApiSchema:
    """Load (once) the vendored subset committed next to this module."""
    return parse_schema(json.loads(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- decoding


def _is_json_type(type_name: str) -> bool:
    return type_name.startswith(ARRAY_PREFIX) or type_name not in SCALAR_TYPES | {"InputFile"}


def decode_value(types: Sequence[str], value: Any) -> Any:
    """Decode one form value for a field of ``types``; raise ValueError on broken JSON.

    Telegram receives every form field as a string: objects and arrays are JSON-encoded,
    numbers and booleans are plain text.  Values that are already typed (JSON bodies) and
    file parts pass through untouched.
    """
    if not isinstance(value, str):
        return value
    wants_json = any(_is_json_type(t) for t in types)
    text_ok = "String" in types or "InputFile" in types
    if wants_json and value.lstrip()[:1] in {"[", "{"}:
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            if not text_ok:
                raise ValueError(f"can't parse JSON: {exc}") from exc
            return value
    if "Integer" in types and re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value)
    if "Float" in types:
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number
    if "Boolean" in types and value.strip().lower() in {"true", "false", "1", "0"}:
        return value.strip().lower() in {"true", "1"}
    if wants_json and not text_ok and not SCALAR_TYPES.intersection(types):
        raise ValueError(f"can't parse JSON object from {value[:40]!r}")
    return value


def _attach_refs(value: Any) -> Iterator[str]:
    """Names of file parts referenced as ``attach://name`` anywhere inside ``value``."""
    if isinstance(value, str) and value.startswith(ATTACH_PREFIX):
        yield value[len(ATTACH_PREFIX) :]
    elif isinstance(value, dict):
        for item in value.values():
            yield from _attach_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _attach_refs(item)


def _resolve_attachments(value: Any, files: Mapping[str, UploadedFile]) -> Any:
    if isinstance(value, str) and value.startswith(ATTACH_PREFIX):
        return files.get(value[len(ATTACH_PREFIX) :], value)
    if isinstance(value, dict):
        return {k: _resolve_attachments(v, files) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_attachments(v, files) for v in value]
    return value


def decode_params(
    schema: BotApiSchema, method: str, raw: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Violation]]:
    """Decode raw request fields; ``attach://name`` references become the UploadedFile."""
    spec = schema.method(method)
    name = spec.name if spec else method
    fields = spec.fields if spec else {}
    params: dict[str, Any] = {}
    problems: list[Violation] = []
    for key, value in raw.items():
        field_spec = fields.get(key)
        if field_spec is None:
            params[key] = value
            continue
        try:
            params[key] = decode_value(field_spec.types, value)
        except ValueError as exc:
            params[key] = value
            problems.append(
                Violation(name, key, str(exc), f"Bad Request: can't parse {key} JSON object")
            )
    files = {k: v for k, v in params.items() if isinstance(v, UploadedFile)}
    referenced = {ref for key, v in params.items() if key in fields for ref in _attach_refs(v)}
    for ref in referenced & set(files) - set(fields):
        del params[ref]
    params = {k: _resolve_attachments(v, files) if k in fields else v for k, v in params.items()}
    return params, problems


# --------------------------------------------------------------------------- validation


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, UploadedFile):
        return "InputFile"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class _Checker:
    """Collects violations for one call; paths look like ``reply_markup.inline_keyboard[0][1]``."""

    def __init__(self, schema: BotApiSchema, method: str) -> None:
        self.schema = schema
        self.method = method
        self.found: list[Violation] = []

    def add(self, path: str, message: str, error: str = "") -> None:
        self.found.append(Violation(self.method, path, message, error))

    def sub(self) -> _Checker:
        return _Checker(self.schema, self.method)

    # -- types -------------------------------------------------------------

    def kind_fits(self, type_name: str, value: Any) -> bool:
        """Cheap shape test used to pick the union alternatives worth checking in depth."""
        if type_name.startswith(ARRAY_PREFIX):
            return isinstance(value, list)
        if type_name == "Integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if type_name == "Float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if type_name == "String":
            return isinstance(value, str)
        if type_name == "Boolean":
            return isinstance(value, bool)
        if type_name == "InputFile":
            return isinstance(value, UploadedFile | str)
        spec = self.schema.types.get(type_name)
        return isinstance(value, dict) or (
            spec is not None and spec.accepts_string and isinstance(value, str)
        )

    def check_types(self, types: Sequence[str], value: Any, path: str) -> None:
        fitting = [t for t in types if self.kind_fits(t, value)]
        if isinstance(value, str) and value.startswith(ATTACH_PREFIX) and "InputFile" in types:
            fitting = ["InputFile"]  # an attach:// reference is never meant as plain text
        if not fitting:
            self.add(path, f"expected {' or '.join(types)}, got {_kind(value)} {value!r:.60}")
            return
        attempts: list[tuple[bool, int, _Checker]] = []
        for type_name in fitting:
            attempt = self.sub()
            attempt.check_type(type_name, value, path)
            if not attempt.found:
                return
            attempts.append((not self.shape_matches(type_name, value), len(attempts), attempt))
        # Report against the alternative the value was most likely meant to be: one whose
        # field names fit, then the one with the fewest problems.
        best = min(attempts, key=lambda a: (a[0], len(a[2].found), a[1]))
        self.found.extend(best[2].found)

    def shape_matches(self, type_name: str, value: Any) -> bool:
        """Top-level field names of ``value`` fit ``type_name`` (no unknown, none missing)."""
        spec = self.schema.types.get(type_name)
        if spec is None or not isinstance(value, dict):
            return True
        if spec.subtypes:
            return any(self.shape_matches(sub, value) for sub in spec.subtypes)
        if spec.fields is None:
            return True
        required = {n for n, f in spec.fields.items() if f.required}
        present = {k for k, v in value.items() if v is not None}
        return present <= set(spec.fields) and required <= present

    def check_type(self, type_name: str, value: Any, path: str) -> None:
        if type_name.startswith(ARRAY_PREFIX):
            item_type = type_name[len(ARRAY_PREFIX) :]
            for index, item in enumerate(value):
                self.check_types((item_type,), item, f"{path}[{index}]")
            return
        if type_name in SCALAR_TYPES:
            return  # kind_fits already checked it
        if type_name == "InputFile":
            if isinstance(value, str) and value.startswith(ATTACH_PREFIX):
                self.add(
                    path,
                    f"references {value!r} but the request has no such file part",
                    "Bad Request: wrong file identifier/HTTP URL specified",
                )
            elif isinstance(value, str) and not value.strip():
                self.add(path, "empty file_id/URL", "Bad Request: file must be non-empty")
            return
        spec = self.schema.types.get(type_name)
        if spec is None:
            self.add(path, f"type {type_name} is not in the vendored schema")
        elif spec.subtypes:
            self.check_subtypes(spec, value, path)
        elif isinstance(value, str):  # accepts_string, e.g. a KeyboardButton as plain text
            if rule := limits.field_rule(spec.name, "text"):
                self.apply_rule(rule, value, path)
        elif spec.fields is not None:
            self.check_object(spec.name, spec.fields, value, path)
            if spec.exclusive:
                self.check_exclusive(spec, value, path)

    def check_subtypes(self, spec: TypeSpec, value: Any, path: str) -> None:
        """Pick the subtype by its ``must be X`` discriminator, else any that matches."""
        candidates = list(spec.subtypes)
        tags: dict[str, set[str]] = {}  # discriminator field -> allowed values
        for sub_name in spec.subtypes:
            sub = self.schema.types.get(sub_name)
            for f in (sub.fields or {}).values() if sub else ():
                if f.constant is None:
                    continue
                tags.setdefault(f.name, set()).add(f.constant)
                if isinstance(value, dict) and value.get(f.name) == f.constant:
                    candidates = [sub_name]
        for tag, allowed in tags.items():
            if isinstance(value, dict) and value.get(tag) not in allowed:
                self.add(
                    f"{path}.{tag}",
                    f"{spec.name} {tag} {value.get(tag)!r} is not one of {sorted(allowed)}",
                )
                return
        self.check_types(candidates, value, path)

    def check_object(
        self,
        owner: str,
        fields: Mapping[str, FieldSpec],
        value: Mapping[str, Any],
        path: str,
        skip: Collection[str] = (),
    ) -> None:
        prefix = f"{path}." if path else ""
        for key, item in value.items():
            if key in skip:
                continue
            if key not in fields:
                self.add(
                    f"{prefix}{key}",
                    f"unknown field (not in {owner})",
                    f'Bad Request: unknown parameter "{prefix}{key}"',
                )
            elif item is not None:
                self.check_field(owner, fields[key], item, f"{prefix}{key}", value)
        for name, spec in fields.items():
            if spec.required and value.get(name) is None:
                error = "" if path else f"Bad Request: {name} is empty"
                if not path and name == "text":
                    error = "Bad Request: message text is empty"
                self.add(f"{prefix}{name}", f"required field of {owner} is missing", error)

    def check_exclusive(self, spec: TypeSpec, value: Mapping[str, Any], path: str) -> None:
        assert spec.exclusive is not None
        used = sorted(n for n in spec.exclusive.fields if value.get(n) is not None)
        if len(used) > 1 or (spec.exclusive.exactly and not used):
            rule = "exactly one" if spec.exclusive.exactly else "at most one"
            self.add(
                path,
                f"{spec.name} needs {rule} of {sorted(spec.exclusive.fields)}, got {used}",
                f"Bad Request: can't parse {spec.name}: wrong set of button fields",
            )

    # -- prose rules ---------------------------------------------------------

    def check_field(
        self, owner: str, spec: FieldSpec, value: Any, path: str, siblings: Mapping[str, Any]
    ) -> None:
        before = len(self.found)
        self.check_types(spec.types, value, path)
        if len(self.found) > before:
            return
        if spec.constant is not None and value != spec.constant:
            self.add(path, f"must be {spec.constant!r}, got {value!r}")
        if spec.choices and value not in spec.choices:
            self.add(path, f"must be one of {list(spec.choices)}, got {value!r}")
        if spec.limit is not None and isinstance(value, str):
            self.check_length(spec, value, path, siblings)
        if rule := limits.field_rule(owner, spec.name):
            self.apply_rule(rule, value, path)

    def apply_rule(self, rule: limits.FieldRule, value: Any, path: str) -> None:
        if problem := rule(value):
            self.add(path, *problem)

    def check_length(
        self, spec: FieldSpec, value: str, path: str, siblings: Mapping[str, Any]
    ) -> None:
        limit = spec.limit
        assert limit is not None
        measured = value
        if limit.after_parsing:
            mode = siblings.get("parse_mode", siblings.get(f"{spec.name}_parse_mode"))
            if isinstance(mode, str) and mode.lower() == "html":
                try:
                    measured = parse_html(value).text
                except HtmlParseError as exc:
                    self.add(
                        path,
                        f"invalid HTML: {exc}",
                        f"Bad Request: can't parse entities: {exc}",
                    )
                    return
            measured = measured.strip()  # Telegram trims the text before checking it
        # Telegram counts characters in UTF-16 code units: most emoji are two.
        size = len(measured.encode("utf-8")) if limit.unit == "bytes" else utf16_len(measured)
        for problem, bad in (("short", size < limit.min), ("long", size > limit.max)):
            if bad:
                self.add(
                    path,
                    f"length {size} {limit.unit} not in {limit.min}-{limit.max}"
                    + (" after entity parsing" if limit.after_parsing else ""),
                    limits.LENGTH_ERRORS.get((spec.name, problem), ""),
                )


def validate_call(
    schema: BotApiSchema,
    method: str,
    params: Mapping[str, Any],
    *,
    skip: Collection[str] = (),
) -> list[Violation]:
    """Every way ``params`` (already decoded) break the schema for ``method``."""
    spec = schema.method(method)
    if spec is None:
        return [Violation(method, "", "unknown Bot API method", "Not Found", 404)]
    checker = _Checker(schema, spec.name)
    checker.check_object(spec.name, spec.fields, params, "", skip)
    for path, message, error in limits.call_rules(spec.name, params):
        checker.add(path, message, error)
    return checker.found


def validate_request(
    schema: BotApiSchema, method: str, raw: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Violation]]:
    """Decode then validate a raw request; what the fake server runs for every call."""
    if schema.method(method) is None:
        return dict(raw), validate_call(schema, method, raw)
    params, problems = decode_params(schema, method, raw)
    skip = {p.path for p in problems}
    return params, problems + validate_call(schema, method, params, skip=skip)

"""Telegram-flavoured HTML parser: rejects what ``parse_mode=HTML`` rejects on real Telegram.

Modelled on TDLib's ``parse_html`` (what the Bot API server runs): only Telegram's tags,
strictly nested, attributes parsed the same way, error texts worded the same way.  One rule
is deliberately *stricter* than Telegram: a bare ``&`` that does not start one of the four
named entities or a numeric reference is an error (Telegram keeps it literally, but the
formatting docs say to escape it, and an unescaped ``&`` is almost always a missing
``html.escape``).  Also returns the plain text and entities, so the fake can echo them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TAGS: frozenset[str] = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
        "span", "tg-spoiler", "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip

_ENTITY_TYPE: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
}

_NAMED_ENTITIES: dict[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_SPACES = frozenset(" \t\r\n\f\v")


class HtmlParseError(ValueError):
    """Raised with Telegram's wording (the part after ``can't parse entities: ``)."""


@dataclass
class ParsedText:
    """Plain text after entity parsing plus Telegram ``MessageEntity`` dicts (UTF-16 units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _OpenTag:
    name: str
    begin_byte: int
    offset: int  # UTF-16 offset in the plain text where the entity starts
    argument: str = ""
    expandable: bool = False


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of MessageEntity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity starting at ``pos``; return (char, end) or None."""
    match = _ENTITY_RE.match(text, pos)
    if match is None:
        return None
    named, dec, hexa = match.groups()
    if named:
        return _NAMED_ENTITIES[named], match.end()
    code = int(dec) if dec else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


class _Parser:
    """Single-pass scanner; kept as a class so offsets are tracked in one place."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.out_len = 0  # UTF-16 length of ``out``
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def byte_offset(self, pos: int) -> int:
        return len(self.src[:pos].encode("utf-8"))

    def peek(self) -> str:
        return self.src[self.pos] if self.pos < len(self.src) else ""

    def emit(self, chars: str) -> None:
        self.out.append(chars)
        self.out_len += utf16_len(chars)

    def parse(self) -> ParsedText:
        src = self.src
        while self.pos < len(src):
            char = src[self.pos]
            if char == "&":
                decoded = _decode_entity(src, self.pos)
                if decoded is None:
                    raise HtmlParseError(
                        f"Unsupported HTML entity at byte offset {self.byte_offset(self.pos)}: "
                        'escape "&" as "&amp;"'
                    )
                self.emit(decoded[0])
                self.pos = decoded[1]
            elif char == "<":
                if self.pos + 1 < len(src) and src[self.pos + 1] == "/":
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                self.emit(char)
                self.pos += 1
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def start_tag(self) -> None:
        src, begin = self.src, self.pos
        self.pos += 1
        name_start = self.pos
        while self.pos < len(src) and src[self.pos] not in _SPACES and src[self.pos] != ">":
            self.pos += 1
        if self.pos >= len(src):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = src[name_start : self.pos].lower()
        if name not in SUPPORTED_TAGS:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        tag = _OpenTag(name, self.byte_offset(begin), self.out_len)
        self.attributes(tag, begin)
        self.pos += 1  # the '>'
        if name == "span" and tag.argument != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {tag.begin_byte}'
            )
        if name == "tg-emoji" and not tag.argument.isdigit():
            raise HtmlParseError(
                f'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset {tag.begin_byte}'
            )
        self.stack.append(tag)

    def attributes(self, tag: _OpenTag, begin: int) -> None:
        """Parse ``name=value`` pairs up to (not past) the closing ``>``."""
        src = self.src
        unclosed = HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        while True:
            while self.peek() in _SPACES and self.peek():
                self.pos += 1
            if not self.peek():
                raise unclosed
            if self.peek() == ">":
                return
            attr_start = self.pos
            while self.peek() and self.peek() not in _SPACES and self.peek() not in "=>":
                self.pos += 1
            attr = src[attr_start : self.pos].lower()
            if not attr:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag.name}" at byte offset {tag.begin_byte}'
                )
            while self.peek() in _SPACES and self.peek():
                self.pos += 1
            if self.peek() != "=":
                if tag.name == "blockquote" and attr == "expandable":
                    tag.expandable = True
                    continue
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag.name}"'
                    f" at byte offset {tag.begin_byte}"
                )
            self.pos += 1
            while self.peek() in _SPACES and self.peek():
                self.pos += 1
            if not self.peek():
                raise unclosed
            value = self.attribute_value()
            if not self.peek():
                raise unclosed
            self.apply_attribute(tag, attr, value)

    def attribute_value(self) -> str:
        src = self.src
        quote = self.peek()
        if quote not in {"'", '"'}:
            token_start = self.pos
            while self.peek() and (self.peek().isalnum() or self.peek() in ".-"):
                self.pos += 1
            if self.peek() and self.peek() not in _SPACES and self.peek() != ">":
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {self.byte_offset(token_start)}"
                )
            return src[token_start : self.pos].lower()
        self.pos += 1
        chars: list[str] = []
        while self.peek() and self.peek() != quote:
            if self.peek() == "&" and (decoded := _decode_entity(src, self.pos)) is not None:
                chars.append(decoded[0])
                self.pos = decoded[1]
                continue
            chars.append(self.peek())
            self.pos += 1
        if self.peek() == quote:
            self.pos += 1
        return "".join(chars)

    @staticmethod
    def apply_attribute(tag: _OpenTag, attr: str, value: str) -> None:
        if (
            (tag.name == "a" and attr == "href")
            or (tag.name == "code" and attr == "class" and value.startswith("language-"))
            or (tag.name == "span" and attr == "class" and value.startswith("tg-"))
            or (tag.name == "tg-emoji" and attr == "emoji-id")
        ):
            tag.argument = value
        # Telegram ignores any other attribute, and so do we.

    def end_tag(self) -> None:
        src, begin = self.src, self.pos
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        self.pos += 2
        name_start = self.pos
        while self.peek() and self.peek() != ">" and self.peek() not in _SPACES:
            self.pos += 1
        name = src[name_start : self.pos].lower()
        while self.peek() and self.peek() in _SPACES:
            self.pos += 1
        if self.peek() != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        self.pos += 1
        tag = self.stack[-1]
        if name and name != tag.name:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{name}>"'
            )
        self.stack.pop()
        self.close_entity(tag)

    def close_entity(self, tag: _OpenTag) -> None:
        length = self.out_len - tag.offset
        if length <= 0:
            return
        entity: dict[str, Any] = {
            "type": _ENTITY_TYPE[tag.name],
            "offset": tag.offset,
            "length": length,
        }
        if tag.name == "a":
            if not tag.argument:
                return  # <a> without href: plain text, like Telegram
            entity["url"] = tag.argument
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "blockquote" and tag.expandable:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "code" and tag.argument:
            parent = self.stack[-1] if self.stack else None
            if parent is not None and parent.name == "pre" and parent.offset == tag.offset:
                parent.argument = tag.argument  # <pre><code class="language-x"> is one entity
                return
        elif tag.name == "pre" and tag.argument:
            entity["language"] = tag.argument.removeprefix("language-")
        self.entities.append(entity)


def parse_html(text: str) -> ParsedText:
    """Parse ``text`` as Telegram HTML; raise :class:`HtmlParseError` where Telegram would."""
    return _Parser(text).parse()


def html_error(text: str) -> str | None:
    """The parse error for ``text`` as a string, or None when it is valid Telegram HTML."""
    try:
        parse_html(text)
    except HtmlParseError as exc:
        return str(exc)
    return None

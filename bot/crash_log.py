"""Crashes told to the log without what the user typed.

An exception's message may quote input (a driver's "Key (name)=(Budi) already exists", a
parser's "invalid literal: '3201…'"), so crash lines carry only the types of the chain and
where each was raised: enough to find the bug, nothing that identifies a person.
"""

from __future__ import annotations

import traceback


def crash_trace(error: BaseException) -> str:
    """The exception chain as types and frames (file:line in function), messages left out."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        where = " <- ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in reversed(frames))
        parts.append(f"{type(current).__module__}.{type(current).__qualname__} at {where or '?'}")
        current = current.__cause__ or current.__context__
    return "\n  caused by ".join(parts)

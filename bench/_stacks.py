"""Reading py-spy's collapsed stacks (`py-spy record --gil --format raw`): the functions
the sampled process was in most while holding the GIL, counting a function once per
sample it is anywhere in (cumulative) or only when it is the innermost frame (own time).

Unlike cProfile, sampling is not misled by SQLAlchemy's greenlets or by coroutines that
resume many times. With `--gil`, time a thread spends waiting (the event loop in epoll,
aiosqlite's worker between statements) is left out, and so is SQLite's own work in C.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

_LINE = re.compile(r":\d+\)$")  # a frame's line number: lines of one function add up
_SITE = re.compile(r"\(.*?(site-packages/|lib/python3\.\d+/|/work/main/)")
# Frames under every sample (the event loop, the interpreter's start): not worth a row.
_WRAPPERS = re.compile(r"\((asyncio/|<frozen runpy>|threading\.py|bot/runtime/cli\.py)")


def _function(frame: str) -> str:
    return _SITE.sub("(", _LINE.sub(")", frame))


def tables(path: Path, top: int = 15) -> str:
    """The `top` functions by cumulative and by own share of the samples."""
    cumulative: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [_function(frame) for frame in stack.split(";")]
        samples = int(count)
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            if not _WRAPPERS.search(frame):
                cumulative[frame] += samples
    lines = [f"{total} samples"]
    for title, counter in (("cumulative", cumulative), ("own", own)):
        lines.append(f"top {top} by {title} share of samples:")
        lines += [f"  {n * 100 / total:5.1f}%  {name}" for name, n in counter.most_common(top)]
    return "\n".join(lines)

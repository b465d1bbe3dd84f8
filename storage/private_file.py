"""Database files readable by their owner only: they hold names and encrypted NIKs."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path


def create_private(path: str | Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist yet.

    SQLite creates a missing file with the process umask (often world-readable), and its
    -wal and -shm files take the mode of the database file, so creating that first is enough.
    An existing file is left as the operator set it.
    """
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))

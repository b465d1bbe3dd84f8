"""Names for the processes that claim outbox rows (pollers and senders).

Recovery tells a dead process's claims from its own by this name, so it must never repeat:
under Docker the bot is always PID 1, so host and pid alone name every restart the same and
a dead process's claims would look like the live one's. A random token per start does not.
"""

from __future__ import annotations

import os
import secrets
import socket

_HOST_CHARS = 32  # claimed_by holds 64: role, host, pid and the token must fit


def new_worker_id(role: str) -> str:
    """A claim owner unique to this start, e.g. ``poller:blk-7f3a:1:9c41e2d0``."""
    host = socket.gethostname()[:_HOST_CHARS]
    return f"{role}:{host}:{os.getpid()}:{secrets.token_hex(4)}"

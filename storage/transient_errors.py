"""Which database errors mean "try again later" rather than "this update is broken".

A dropped connection, a database restarting or not reachable yet, a deadlock, a lock or
serialisation conflict, SQLite's busy file: the same work succeeds once the fault has
passed, so an update that met one must be retried, never recorded as handled. Everything
else (a constraint, a bug) fails again on every try.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterator

from sqlalchemy.exc import DBAPIError, PendingRollbackError

# PostgreSQL SQLSTATEs: class 08 (connection exception) and these.
_TRANSIENT_SQLSTATES = frozenset(
    {
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
        "55P03",  # lock_not_available
        "53300",  # too_many_connections
        "57P01",  # admin_shutdown
        "57P02",  # crash_shutdown
        "57P03",  # cannot_connect_now (starting up)
    }
)
# SQLite primary result codes. Disk errors are counted in: an update must wait for the
# operator to fix the disk, not be dropped because the disk was full.
_TRANSIENT_SQLITE_CODES = frozenset(
    {
        5,  # SQLITE_BUSY: another connection holds the write lock past the busy timeout
        6,  # SQLITE_LOCKED
        10,  # SQLITE_IOERR
        13,  # SQLITE_FULL
    }
)
# Socket errors without a class of their own (ConnectionError and TimeoutError have one).
_UNREACHABLE = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN})
# Raised by SQLAlchemy when a connection was lost inside a transaction still in use.
_LOST_IN_TRANSACTION = "8s2b"


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)  # the driver's error a DBAPIError wraps
        cause = current.__cause__ or current.__context__
        current = cause or (orig if isinstance(orig, BaseException) else None)


def _is_transient_one(error: BaseException) -> bool:
    if isinstance(error, ConnectionError | TimeoutError | socket.gaierror):
        return True  # refused, reset, timed out, name not resolved
    if isinstance(error, OSError) and error.errno in _UNREACHABLE:
        return True  # a file error (missing, not permitted) is not: it fails every time
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, PendingRollbackError) and error.code == _LOST_IN_TRANSACTION:
        return True
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str) and (
        sqlstate.startswith("08") or sqlstate in _TRANSIENT_SQLSTATES
    ):
        return True
    sqlite_code = getattr(error, "sqlite_errorcode", None)
    return isinstance(sqlite_code, int) and sqlite_code & 0xFF in _TRANSIENT_SQLITE_CODES


def is_transient(error: BaseException) -> bool:
    """True when `error`, or an error it was raised from, is a passing database fault."""
    return any(_is_transient_one(link) for link in _chain(error))


def describe(error: BaseException) -> str:
    """One line for the log: the root cause's type, with its code or socket message.

    No statement text and no driver message, which may quote stored values.
    """
    *_, root = _chain(error)
    name = type(root).__name__
    if isinstance(root, OSError):
        return f"{name}: {root}"
    code = getattr(root, "sqlstate", None) or getattr(root, "sqlite_errorname", None)
    return f"{name} ({code})" if code else name

"""Which database errors the poller retries (transient) and which count towards poison."""

from __future__ import annotations

import errno
import sqlite3

import asyncpg
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError, PendingRollbackError

from storage.transient_errors import describe, is_transient


def _sqlite(code: int, name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorcode, error.sqlite_errorname = code, name
    return error


def _raised_from(cause: BaseException) -> RuntimeError:
    try:
        raise RuntimeError("wrapped") from cause
    except RuntimeError as error:
        return error


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed"),
        ConnectionResetError(),
        TimeoutError(),
        OSError(errno.EHOSTUNREACH, "No route to host"),
        OperationalError("SELECT 1", None, Exception(), connection_invalidated=True),
        OperationalError("BEGIN IMMEDIATE", None, _sqlite(5, "SQLITE_BUSY")),
        OperationalError("INSERT", None, _sqlite(5 | (2 << 8), "SQLITE_BUSY_SNAPSHOT")),
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        asyncpg.exceptions.LockNotAvailableError("could not obtain lock"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        PendingRollbackError(
            "Can't reconnect until invalid transaction is rolled back", code="8s2b"
        ),
        _raised_from(ConnectionResetError()),
    ],
    ids=type,
)
def test_passing_faults_are_transient(error: BaseException) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("a bug"),
        FileNotFoundError(errno.ENOENT, "No such file"),
        PermissionError(errno.EACCES, "Permission denied"),
        IntegrityError("INSERT", None, Exception("UNIQUE constraint failed")),
        OperationalError("SELECT", None, _sqlite(1, "SQLITE_ERROR")),
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.InvalidPasswordError("password authentication failed"),
        PendingRollbackError("rolled back due to a previous exception during flush", code="7s2a"),
    ],
    ids=type,
)
def test_bugs_and_refusals_are_not(error: BaseException) -> None:
    assert not is_transient(error)


def test_the_log_line_names_the_cause_without_the_statement_or_its_values() -> None:
    wrapped = OperationalError(
        "UPDATE person SET name='Budi Santoso'", None, _sqlite(5, "SQLITE_BUSY")
    )
    assert describe(wrapped) == "OperationalError (SQLITE_BUSY)"
    assert describe(asyncpg.exceptions.DeadlockDetectedError("Budi")) == (
        "DeadlockDetectedError (40P01)"
    )
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed")
    assert (
        describe(_raised_from(refused)) == "ConnectionRefusedError: [Errno 111] Connect call failed"
    )

"""Outbox payloads at rest: nothing personal readable in the table.

A ready-made message (an answer to an update, a broadcast) quotes what it is about — a
review card, a ticket thread, a participant's card —, so it is stored encrypted with the
data key (Fernet, as NIK and phone) while it waits, and blanked once it is settled
(`OutboxRepository`). Template rows hold a template name and ids only and stay readable
JSON. Storage holds no key: the app opens the database with a `Sealer` (the personal-data
cipher), and each session carries it in `Session.info`.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

SEALER = "outbox_sealer"  # the key of the sealer in Session.info
BLANK = ""  # the payload of a settled row


class Sealer(Protocol):
    """Encrypts and decrypts text with the data key (`PersonalDataCipher`)."""

    def encrypt(self, plain: str) -> str: ...

    def decrypt(self, token: str) -> str: ...


class NoDataKey(LookupError):
    """The database was opened without a sealer, so no message can be queued or read."""

    def __init__(self) -> None:
        super().__init__("the database was opened without a data key for outbox payloads")


def sealer_of(session: AsyncSession) -> Sealer:
    sealer: Sealer | None = session.info.get(SEALER)
    if sealer is None:
        raise NoDataKey
    return sealer


def opened(stored: str, sealer: Sealer | None) -> str:
    """The payload as queued: template JSON as it is, an encrypted message decrypted."""
    if stored.startswith("{"):
        return stored
    if sealer is None:
        raise NoDataKey
    return sealer.decrypt(stored)

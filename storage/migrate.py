"""Apply Alembic migrations from code, so `blk-bot run` and the tests need no alembic.ini."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from storage.database import Database
from storage.outbox_payloads import Sealer

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


# A stored phone ciphertext → its keyed fingerprint: back-fills need DATA_KEY, which
# storage does not hold (migration 007).
PhoneFingerprint = Callable[[str], str]


def alembic_config(
    connection: Connection | None = None,
    phone_fingerprint: PhoneFingerprint | None = None,
    sealer: Sealer | None = None,
) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    config.attributes["phone_fingerprint"] = phone_fingerprint
    config.attributes["sealer"] = sealer
    return config


async def upgrade(
    db: Database, revision: str = "head", *, phone_fingerprint: PhoneFingerprint | None = None
) -> None:
    """Bring the schema to `revision`; safe to call on every start. Without
    `phone_fingerprint`, a database with registrations cannot pass migration 007, nor
    without the database's cipher (`Database.sealer`) migration 012."""

    def _run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection, phone_fingerprint, db.sealer), revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(_run)

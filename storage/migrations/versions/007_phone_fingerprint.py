"""Phone fingerprints: coordinators find a participant by phone without decrypting everyone.

A keyed HMAC of the E.164 number, like the NIK's, beside the encrypted phone. Existing
registrations are back-filled here, which needs DATA_KEY: `storage.migrate.upgrade`
hands over `phone_fingerprint` (stored ciphertext → fingerprint) from the app. The
column is nullable and not unique: rows written by other tools stay valid, and family
members may share one phone.

Revision ID: 007
Revises: 006
"""

import sqlalchemy as sa
from alembic import context, op

revision = "007"
down_revision = "006"
branch_labels = None
depends_on = None

CHUNK = 1000


def upgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_registrations_phone_fingerprint"), ["phone_fingerprint"], unique=False
        )
    _backfill()


def _backfill() -> None:
    """Fingerprint every stored phone, `CHUNK` rows per round trip."""
    registrations = sa.table(
        "registrations",
        sa.column("id", sa.Integer),
        sa.column("phone_cipher", sa.Text),
        sa.column("phone_fingerprint", sa.String),
    )
    bind = op.get_bind()
    missing = registrations.c.phone_fingerprint.is_(None)
    if bind.execute(sa.select(registrations.c.id).where(missing).limit(1)).first() is None:
        return
    fingerprint = context.config.attributes.get("phone_fingerprint")
    if fingerprint is None:
        raise RuntimeError(
            "migration 007 needs DATA_KEY to fingerprint the phones of existing registrations"
        )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(registrations.c.id, registrations.c.phone_cipher)
            .where(missing, registrations.c.id > last)
            .order_by(registrations.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        bind.execute(
            registrations.update()
            .where(registrations.c.id == sa.bindparam("row_id"))
            .values(phone_fingerprint=sa.bindparam("value")),
            [{"row_id": row_id, "value": fingerprint(cipher)} for row_id, cipher in rows],
        )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_phone_fingerprint"))
        batch_op.drop_column("phone_fingerprint")

"""Initial schema: users, registrations and persisted conversations.

Revision ID: 001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fsm_records",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=100), nullable=True),
        sa.Column("data", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=False),
        sa.Column("nik_cipher", sa.Text(), nullable=False),
        sa.Column("nik_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("phone_cipher", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("business_status", sa.String(length=16), nullable=False),
        sa.Column("business_sector", sa.String(length=32), nullable=False),
        sa.Column("phk_affected", sa.Boolean(), nullable=False),
        sa.Column("phk_month", sa.Date(), nullable=True),
        sa.Column("consent_version", sa.String(length=16), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("nik_fingerprint"),
        sa.UniqueConstraint("telegram_id"),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registrations_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registrations_regency_code"), ["regency_code"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("telegram_id"),
    )


def downgrade() -> None:
    op.drop_table("users")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registrations_regency_code"))
        batch_op.drop_index(batch_op.f("ix_registrations_province_code"))

    op.drop_table("registrations")
    op.drop_table("fsm_records")

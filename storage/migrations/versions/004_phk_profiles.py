"""PHK profiles: the answers of the "Terdampak PHK" pathway, one row per Telegram account.

Revision ID: 004
Revises: 003
"""

import sqlalchemy as sa
from alembic import op

revision = "004"
down_revision = "003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phk_profiles",
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("phk_month", sa.Date(), nullable=False),
        sa.Column("previous_sector", sa.String(length=32), nullable=False),
        sa.Column("skills", sa.String(length=200), nullable=False),
        sa.Column("business_status", sa.String(length=16), nullable=False),
        sa.Column("wants_counselling", sa.Boolean(), nullable=False),
        sa.Column("wants_capital_info", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("telegram_id"),
    )


def downgrade() -> None:
    op.drop_table("phk_profiles")

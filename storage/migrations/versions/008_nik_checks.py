"""NIK checks: the lookups and refusals counted by the NIK step's rate limit.

Revision ID: 008
Revises: 007
"""

import sqlalchemy as sa
from alembic import op

revision = "008"
down_revision = "007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nik_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("nik_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nik_checks_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_nik_checks_kind_account_at", ["kind", "account", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("nik_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_nik_checks_kind_account_at")
        batch_op.drop_index(batch_op.f("ix_nik_checks_at"))
    op.drop_table("nik_checks")

"""BLK watches: people told once when a batch opens at a BLK that had none.

Revision ID: 014
Revises: 013
"""

import sqlalchemy as sa
from alembic import op

revision = "014"
down_revision = "013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blk_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("blk_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["blk_id"], ["blks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("blk_watches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_blk_watches_telegram_id"), ["telegram_id"])
        batch_op.create_index(batch_op.f("ix_blk_watches_blk_id"), ["blk_id"])
        batch_op.create_index("ux_blk_watches_person_blk", ["telegram_id", "blk_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("blk_watches", schema=None) as batch_op:
        batch_op.drop_index("ux_blk_watches_person_blk")
        batch_op.drop_index(batch_op.f("ix_blk_watches_blk_id"))
        batch_op.drop_index(batch_op.f("ix_blk_watches_telegram_id"))
    op.drop_table("blk_watches")

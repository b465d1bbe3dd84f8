"""Completed batches and each seat's result, with its certificate number.

Revision ID: 016
Revises: 015
"""

import sqlalchemy as sa
from alembic import op

revision = "016"
down_revision = "015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batch_completions",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    op.create_table(
        "training_results",
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("days_present", sa.Integer(), nullable=False),
        sa.Column("training_days", sa.Integer(), nullable=False),
        sa.Column("by_rule", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("overridden_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("certificate_number", sa.String(length=32), nullable=True),
        sa.Column("certificate_revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certificate_revoked_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("enrollment_id"),
        sa.UniqueConstraint("certificate_number"),
    )


def downgrade() -> None:
    op.drop_table("training_results")
    op.drop_table("batch_completions")

"""Attendance check-ins per training day, and the wrong codes counted by their limit.

Revision ID: 015
Revises: 014
"""

import sqlalchemy as sa
from alembic import op

revision = "015"
down_revision = "014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("marked_by", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_ins_enrollment_id"), ["enrollment_id"])
        batch_op.create_index("ux_check_ins_seat_day", ["enrollment_id", "day"], unique=True)
    op.create_table(
        "check_in_misses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("check_in_misses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_in_misses_account"), ["account"])
        batch_op.create_index(batch_op.f("ix_check_in_misses_at"), ["at"])


def downgrade() -> None:
    with op.batch_alter_table("check_in_misses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_in_misses_at"))
        batch_op.drop_index(batch_op.f("ix_check_in_misses_account"))
    op.drop_table("check_in_misses")
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_index("ux_check_ins_seat_day")
        batch_op.drop_index(batch_op.f("ix_check_ins_enrollment_id"))
    op.drop_table("check_ins")

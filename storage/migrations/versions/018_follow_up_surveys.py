"""Follow-up surveys: each completed seat's survey waves with their answers, and the
accounts that stopped receiving surveys.

Revision ID: 018
Revises: 017
"""

import sqlalchemy as sa
from alembic import op

revision = "018"
down_revision = "017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_responses",
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("business", sa.String(length=16), nullable=True),
        sa.Column("nib", sa.String(length=16), nullable=True),
        sa.Column("turnover", sa.String(length=16), nullable=True),
        sa.Column("kur", sa.String(length=16), nullable=True),
        sa.Column("employees", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("enrollment_id", "wave"),
    )
    op.create_table(
        "survey_opt_outs",
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("telegram_id"),
    )


def downgrade() -> None:
    op.drop_table("survey_opt_outs")
    op.drop_table("survey_responses")

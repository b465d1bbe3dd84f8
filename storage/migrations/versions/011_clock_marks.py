"""Clock marks: the newest Telegram message date seen, and the clock when it was seen.

Destructive jobs (retention, pruning by age) compare the clock with these before they
run (`bot.clock_sanity`).

Revision ID: 011
Revises: 010
"""

import sqlalchemy as sa
from alembic import op

revision = "011"
down_revision = "010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clock_marks",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("clock_marks")

"""Questions coordinators labelled in chat from the FAQ gaps list, for the matcher to
learn from. No identity is stored with the text (see `storage.models.FaqExample`).

Revision ID: 021
Revises: 020
"""

import sqlalchemy as sa
from alembic import op

revision = "021"
down_revision = "020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=200), nullable=False),
        sa.Column("entry_id", sa.String(length=16), nullable=False),
        sa.Column("taught_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("question"),
    )


def downgrade() -> None:
    op.drop_table("faq_examples")

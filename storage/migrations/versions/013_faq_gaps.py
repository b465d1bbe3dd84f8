"""Questions the FAQ could not answer and entries rated "not helpful", counted per place.

No identity is stored with the text (see `storage.models.FaqGap`).

Revision ID: 013
Revises: 012
"""

import sqlalchemy as sa
from alembic import op

revision = "013"
down_revision = "012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("question", sa.String(length=200), nullable=False),
        sa.Column("entry_id", sa.String(length=16), nullable=True),
        sa.Column("blk_id", sa.String(length=64), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("faq_gaps", schema=None) as batch_op:
        batch_op.create_index("ix_faq_gaps_kind_question", ["kind", "question"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("faq_gaps", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_gaps_kind_question")
    op.drop_table("faq_gaps")

"""Outbox rows say whom they are about: erasure finds notices sent to coordinators too.

`subject_id` is the Telegram id of the person a message is about, when that is not
simply its recipient (a question forwarded to coordinators, a seat moved by staff).
`/hapusdata` and retention delete a person's rows by recipient or by subject. Rows
queued before this revision have none; their payloads are blanked once sent and pruned
after `OUTBOX_KEEP_HOURS` anyway.

Revision ID: 009
Revises: 008
"""

import sqlalchemy as sa
from alembic import op

revision = "009"
down_revision = "008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_id", sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_subject_id"))
        batch_op.drop_column("subject_id")

"""Conversation activity: who is in which conversation, since when, last touched when.

Kept in the database whichever FSM storage holds the conversation itself, so the
abandoned-registration nudge and retention also work with Redis. Conversations already
in `fsm_records` are copied in, their last change standing for both times.

Revision ID: 006
Revises: 005
"""

import sqlalchemy as sa
from alembic import op

revision = "006"
down_revision = "005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    activity = op.create_table(
        "conversation_activity",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("bot_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("destiny", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=100), nullable=True),
        sa.Column("has_data", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("conversation_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_activity_telegram_id"), ["telegram_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversation_activity_last_activity_at"),
            ["last_activity_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_conversation_activity_state", ["state", "last_activity_at"], unique=False
        )
    fsm = sa.table(
        "fsm_records",
        sa.column("key", sa.String),
        sa.column("state", sa.String),
        sa.column("data", sa.Text),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    rows = op.get_bind().execute(sa.select(fsm.c.key, fsm.c.state, fsm.c.data, fsm.c.updated_at))
    copied = [parsed for row in rows if (parsed := _activity_of(*row)) is not None]
    if copied:
        op.bulk_insert(activity, copied)


def _activity_of(key: str, state: str | None, data: str | None, updated_at: object) -> dict | None:
    """Columns for a key "fsm:<bot>:<chat>:<user>[:<thread>]:<destiny>", or None if unusual."""
    parts = key.split(":")
    if len(parts) not in (5, 6):
        return None
    try:
        bot_id, chat_id, user_id = (int(part) for part in parts[1:4])
        thread_id = int(parts[4]) if len(parts) == 6 else None
    except ValueError:
        return None
    return {
        "key": key,
        "bot_id": bot_id,
        "chat_id": chat_id,
        "telegram_id": user_id,
        "thread_id": thread_id,
        "destiny": parts[-1],
        "state": state,
        "has_data": data is not None,
        "started_at": updated_at,
        "last_activity_at": updated_at,
    }


def downgrade() -> None:
    with op.batch_alter_table("conversation_activity", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_activity_state")
        batch_op.drop_index(batch_op.f("ix_conversation_activity_last_activity_at"))
        batch_op.drop_index(batch_op.f("ix_conversation_activity_telegram_id"))

    op.drop_table("conversation_activity")

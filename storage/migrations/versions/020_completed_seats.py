"""Seats of completed batches become "completed": history that no longer holds a place,
so the one-place-per-person index covers only live places (active, waitlisted). Seats of
batches already completed are marked so, and their waitlist places closed.

Revision ID: 020
Revises: 019
"""

import sqlalchemy as sa
from alembic import op

revision = "020"
down_revision = "019"
branch_labels = None
depends_on = None

INDEX = "uq_enrollments_one_live_per_registration"
LIVE = sa.text("status IN ('active', 'waitlisted')")
NOT_CANCELLED = sa.text("status != 'cancelled'")
IN_COMPLETED_BATCH = "batch_id IN (SELECT batch_id FROM batch_completions)"


def _index(where: sa.TextClause) -> None:
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.create_index(
            INDEX, ["registration_id"], unique=True, sqlite_where=where, postgresql_where=where
        )


def upgrade() -> None:
    op.execute(
        "UPDATE enrollments SET status = 'completed' "
        f"WHERE status = 'active' AND {IN_COMPLETED_BATCH}"
    )
    op.execute(
        "UPDATE enrollments SET status = 'cancelled' "
        f"WHERE status = 'waitlisted' AND {IN_COMPLETED_BATCH}"
    )
    _index(LIVE)


def downgrade() -> None:
    # One place per person again: the newest completed seat of someone without a live
    # place becomes active, as 016 kept it; older ones are cancelled.
    op.execute(
        "UPDATE enrollments SET status = 'cancelled' WHERE status = 'completed' AND EXISTS ("
        "SELECT 1 FROM enrollments AS other WHERE other.registration_id = "
        "enrollments.registration_id AND (other.status IN ('active', 'waitlisted') "
        "OR (other.status = 'completed' AND other.id > enrollments.id)))"
    )
    op.execute("UPDATE enrollments SET status = 'active' WHERE status = 'completed'")
    _index(NOT_CANCELLED)

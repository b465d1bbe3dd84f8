"""Import jobs count the batches a schedule cancelled and the people told so, chunk by
chunk like their other counts, for the uploader's report.

Revision ID: 022
Revises: 021
"""

import sqlalchemy as sa
from alembic import op

revision = "022"
down_revision = "021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cancelled", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("told", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.drop_column("told")
        batch_op.drop_column("cancelled")

"""PLUT directory: business support centres coordinators add from a CSV.

Revision ID: 019
Revises: 018
"""

import sqlalchemy as sa
from alembic import op

revision = "019"
down_revision = "018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pluts",
        sa.Column("id", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["regency_code"], ["regencies.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pluts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pluts_regency_code"), ["regency_code"])


def downgrade() -> None:
    with op.batch_alter_table("pluts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pluts_regency_code"))
    op.drop_table("pluts")

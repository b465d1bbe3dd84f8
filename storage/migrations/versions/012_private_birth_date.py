"""Birth date and sex encrypted; only the birth month left readable, for statistics.

With the birth date and sex in clear beside a masked NIK, only the district digits of a
NIK stayed unknown. Both are now ciphertext (DATA_KEY, as NIK and phone); the age bands
of `/statistik` count by `birth_month` (the first day of the month of birth). Existing
registrations are encrypted here, which needs DATA_KEY: `storage.migrate.upgrade` hands
over the database's cipher (`Database.sealer`). Downgrading decrypts them back.

Revision ID: 012
Revises: 011
"""

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from alembic import context, op

revision = "012"
down_revision = "011"
branch_labels = None
depends_on = None

CHUNK = 1000

registrations = sa.table(
    "registrations",
    sa.column("id", sa.Integer),
    sa.column("birth_date", sa.Date),
    sa.column("sex", sa.String),
    sa.column("birth_month", sa.Date),
    sa.column("birth_date_cipher", sa.Text),
    sa.column("sex_cipher", sa.Text),
)


def _cipher(use: str) -> Callable[[str], str]:
    sealer = context.config.attributes.get("sealer")
    if sealer is None:
        raise RuntimeError(
            "migration 012 needs DATA_KEY to encrypt the birth dates of existing registrations"
        )
    return getattr(sealer, use)


def _rows_exist() -> bool:
    return op.get_bind().execute(sa.select(registrations.c.id).limit(1)).first() is not None


def _rewrite(columns: tuple[str, ...], convert: Callable[..., dict[str, object]]) -> None:
    """`convert` each row's `columns` into new values, `CHUNK` rows per round trip."""
    bind, last = op.get_bind(), 0
    while True:
        rows = bind.execute(
            sa.select(registrations.c.id, *(registrations.c[name] for name in columns))
            .where(registrations.c.id > last)
            .order_by(registrations.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        converted = [convert(*row[1:]) for row in rows]
        # Parameters named apart from the columns: SQLAlchemy reserves those names.
        bind.execute(
            registrations.update()
            .where(registrations.c.id == sa.bindparam("row_id"))
            .values({name: sa.bindparam(f"new_{name}") for name in converted[0]}),
            [
                {"row_id": row[0], **{f"new_{name}": value for name, value in new.items()}}
                for row, new in zip(rows, converted, strict=True)
            ],
        )
        last = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_month", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("birth_date_cipher", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("sex_cipher", sa.Text(), nullable=True))
    if _rows_exist():
        encrypt = _cipher("encrypt")
        _rewrite(
            ("birth_date", "sex"),
            lambda born, sex: {
                "birth_month": born.replace(day=1),
                "birth_date_cipher": encrypt(born.isoformat()),
                "sex_cipher": encrypt(sex),
            },
        )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column("birth_month", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("birth_date_cipher", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("sex_cipher", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("birth_date")
        batch_op.drop_column("sex")


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("sex", sa.String(length=1), nullable=True))
    if _rows_exist():
        decrypt = _cipher("decrypt")
        _rewrite(
            ("birth_date_cipher", "sex_cipher"),
            lambda born, sex: {
                "birth_date": date.fromisoformat(decrypt(born)),
                "sex": decrypt(sex),
            },
        )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column("birth_date", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("sex", existing_type=sa.String(length=1), nullable=False)
        batch_op.drop_column("sex_cipher")
        batch_op.drop_column("birth_date_cipher")
        batch_op.drop_column("birth_month")

"""Tables. Personal data (NIK, phone) is stored only as ciphertext plus a keyed fingerprint."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Always hand back aware UTC datetimes; SQLite would otherwise return naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


TelegramId = Annotated[int, mapped_column(BigInteger)]
CreatedAt = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow)]
UpdatedAt = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)]


class Base(DeclarativeBase):
    pass


class User(Base):
    """A Telegram account's preferences; created only when there is something to keep."""

    __tablename__ = "users"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Registration(Base):
    """One participant; one per Telegram account and one per NIK."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[TelegramId] = mapped_column(unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    nik_cipher: Mapped[str] = mapped_column(Text)
    nik_fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    phone_cipher: Mapped[str] = mapped_column(Text)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    regency_code: Mapped[str] = mapped_column(String(5), index=True)
    business_status: Mapped[str] = mapped_column(String(16))
    business_sector: Mapped[str] = mapped_column(String(32))
    phk_affected: Mapped[bool] = mapped_column(Boolean, default=False)
    phk_month: Mapped[date | None] = mapped_column(Date)
    consent_version: Mapped[str] = mapped_column(String(16))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class FsmRecord(Base):
    """A conversation's state and (encrypted) answers so far, keyed like aiogram's storages."""

    __tablename__ = "fsm_records"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[UpdatedAt]


class Province(Base):
    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(32))


class Regency(Base):
    __tablename__ = "regencies"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)


class District(Base):
    """Kecamatan, for finer typed place names ("Cibinong", "Muncar")."""

    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regencies.code"), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)


class Blk(Base):
    """A training centre; ids come from the directory CSV so re-imports update in place."""

    __tablename__ = "blks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(300), default="")
    regency_code: Mapped[str] = mapped_column(ForeignKey("regencies.code"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    coord_source: Mapped[str] = mapped_column(String(32), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Batch(Base):
    """A gelombang: one BLK, fixed dates and capacity. `seats_taken` is updated atomically."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    blk_id: Mapped[str] = mapped_column(ForeignKey("blks.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registration_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Enrollment(Base):
    """A seat or a waitlist place; at most one that is not cancelled per registration."""

    __tablename__ = "enrollments"
    __table_args__ = (
        Index(
            "uq_enrollments_one_live_per_registration",
            "registration_id",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        Index("ix_enrollments_batch_status", "batch_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


__all__ = [
    "Base",
    "Batch",
    "Blk",
    "District",
    "Enrollment",
    "FsmRecord",
    "Province",
    "Regency",
    "Registration",
    "User",
    "utcnow",
]

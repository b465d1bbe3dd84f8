"""Tables. Personal data (NIK, phone) is stored only as ciphertext plus a keyed fingerprint."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from sqlalchemy import BigInteger, Boolean, Date, DateTime, String, Text, TypeDecorator
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


__all__ = ["Base", "FsmRecord", "Registration", "User", "utcnow"]

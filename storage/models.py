"""Tables. Personal data (NIK, phone) is stored only as ciphertext plus a keyed fingerprint."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
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
    LargeBinary,
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
    # Keyed HMAC of the E.164 number, so staff find a phone without decrypting everyone.
    phone_fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    # Read from the NIK, so encrypted like it; the month of birth alone stays readable,
    # for the age bands of the statistics.
    birth_date_cipher: Mapped[str] = mapped_column(Text)
    sex_cipher: Mapped[str] = mapped_column(Text)
    birth_month: Mapped[date] = mapped_column(Date)
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


class ConversationActivity(Base):
    """An open conversation in whichever FSM storage is configured (database or Redis).

    Written by `storage.fsm.TrackedStorage` beside every state and data change, so the
    abandoned-registration nudge, retention and erasure find conversations without
    reading the storage itself. The columns rebuild aiogram's `StorageKey`.
    """

    __tablename__ = "conversation_activity"
    __table_args__ = (Index("ix_conversation_activity_state", "state", "last_activity_at"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    bot_id: Mapped[TelegramId]
    chat_id: Mapped[TelegramId]
    telegram_id: Mapped[TelegramId] = mapped_column(index=True)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    destiny: Mapped[str] = mapped_column(String(32))
    state: Mapped[str | None] = mapped_column(String(100))
    has_data: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


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


class Plut(Base):
    """A PLUT (Pusat Layanan Usaha Terpadu), from the coordinators' CSV (`blk-bot import
    plut`): shown as the nearest business support after the training. Empty until added."""

    __tablename__ = "pluts"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    regency_code: Mapped[str] = mapped_column(ForeignKey("regencies.code"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
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
    # A code of bot.training.programmes.Programme; old batches are entrepreneurship training.
    programme: Mapped[str] = mapped_column(
        String(16), default="wirausaha", server_default="wirausaha"
    )
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Enrollment(Base):
    """A seat or a waitlist place; at most one live (active or waitlisted) per
    registration. Seats of completed batches ("completed") and cancelled ones are history."""

    __tablename__ = "enrollments"
    __table_args__ = (
        Index(
            "uq_enrollments_one_live_per_registration",
            "registration_id",
            unique=True,
            sqlite_where=text("status IN ('active', 'waitlisted')"),
            postgresql_where=text("status IN ('active', 'waitlisted')"),
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


class OutboxStatus(StrEnum):
    """Where an outbox row is; the values are stored. The flow is in storage.outbox_repository;
    CANCELLED is a broadcast row stopped before the sender claimed it."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    EXPIRED = "expired"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class OutboxMessage(Base):
    """A message the bot sends on its own initiative; written in the transaction that causes it.

    One sender delivers rows in id order within the rate limits; `dedupe_key` makes
    enqueueing idempotent (a reminder is queued once however often it is planned).
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[TelegramId]
    # The person the message is about when not its recipient (a question forwarded to
    # coordinators): erasure deletes rows by recipient or by subject.
    subject_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Encrypted until settled, then blank (storage.outbox_payloads); templates hold ids only.
    payload: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True
    )
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[CreatedAt]


class UnreachableChat(Base):
    """Chats that blocked the bot (403): nothing more is sent to them until they write again."""

    __tablename__ = "unreachable_chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reason: Mapped[str] = mapped_column(String(200))
    since: Mapped[CreatedAt]


class ProcessedUpdate(Base):
    """Updates already handled: a redelivered update_id has no second effect."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[CreatedAt]


class Coordinator(Base):
    """A coordinator's scope: the whole country, one province, or one BLK."""

    __tablename__ = "coordinators"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_code: Mapped[str | None] = mapped_column(String(64))
    granted_by: Mapped[TelegramId]
    granted_at: Mapped[CreatedAt]


class AuditEntry(Base):
    """Every coordinator and admin action, for accountability."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[TelegramId] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text, default="{}")
    at: Mapped[CreatedAt]


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[TelegramId] = mapped_column(index=True)
    audience: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    media_kind: Mapped[str | None] = mapped_column(String(16))
    media_file_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[CreatedAt]
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attendance(Base):
    """A participant's answer to a reminder: coming or not."""

    __tablename__ = "attendance"

    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), primary_key=True
    )
    answer: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[UpdatedAt]


class PhkProfile(Base):
    """Answers of the "Terdampak PHK" pathway; kept apart from registrations (no NIK needed)."""

    __tablename__ = "phk_profiles"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    phk_month: Mapped[date] = mapped_column(Date)
    previous_sector: Mapped[str] = mapped_column(String(32))
    skills: Mapped[str] = mapped_column(String(200))
    business_status: Mapped[str] = mapped_column(String(16))
    wants_counselling: Mapped[bool] = mapped_column(Boolean)
    wants_capital_info: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Ticket(Base):
    """A question to coordinators ("Tanya petugas"), routed by the asker's BLK or province.

    `waiting_since` is when the user last wrote and nobody answered yet; escalation to
    admins happens once per ticket (`escalated_at`), however often the bot restarts.
    """

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_status_waiting", "status", "waiting_since", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[TelegramId] = mapped_column(index=True)
    origin: Mapped[str] = mapped_column(String(16))
    blk_id: Mapped[str | None] = mapped_column(String(64))
    province_code: Mapped[str | None] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), default="open")
    waiting_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class TicketMessage(Base):
    """One message on a ticket, from the user or a coordinator; the text is encrypted."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author_kind: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[TelegramId]
    text_cipher: Mapped[str] = mapped_column(Text)
    created_at: Mapped[CreatedAt]


class FaqGap(Base):
    """A typed question the FAQ could not answer, or an entry rated "not helpful", counted
    per place so coordinators see what to add to the FAQ file.

    Nobody's identity is kept: no Telegram id, and digits that could be a NIK or a phone
    number are removed from the text before it is stored. The place is the asker's BLK
    (of their seat) or province, as for tickets, or none.
    """

    __tablename__ = "faq_gaps"
    __table_args__ = (Index("ix_faq_gaps_kind_question", "kind", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # unanswered | unhelpful
    question: Mapped[str] = mapped_column(String(200), default="")
    entry_id: Mapped[str | None] = mapped_column(String(16))
    blk_id: Mapped[str | None] = mapped_column(String(64))
    province_code: Mapped[str | None] = mapped_column(String(2))
    times: Mapped[int] = mapped_column(Integer, default=1)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FaqExample(Base):
    """A typed question a coordinator labelled in chat from the FAQ gaps list: the FAQ
    entry that answers it, or "" when it is a question for staff. The matcher learns from
    these together with the examples file.

    The text is an FaqGap's, kept as that was: nobody's identity, long numbers removed.
    Who labelled it is in the audit log, not here.
    """

    __tablename__ = "faq_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(200), unique=True)
    entry_id: Mapped[str] = mapped_column(String(16))  # "" = not an FAQ question
    taught_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NikCheck(Base):
    """One NIK looked up at the registration's NIK step, or refused there as taken.

    Counted to rate-limit that lookup (per account per day, refusals across accounts per
    hour), so trying candidate NIKs one after another does not reveal which is registered.
    `account` is a keyed hash of the Telegram id: erasing one's data does not reset the
    count, and rows older than the longest window are pruned.
    """

    __tablename__ = "nik_checks"
    __table_args__ = (Index("ix_nik_checks_kind_account_at", "kind", "account", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ImportJob(Base):
    """A staff member's CSV upload, imported in chunks after the upload's update committed.

    Each chunk commits its rows together with `next_row` and the counts, so a restart
    resumes where the last chunk ended and applies no row twice. `content` (a batch
    schedule, the BLK directory or the PLUT directory: no personal data) is dropped once
    the job is over.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[TelegramId] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str | None] = mapped_column(String(120))  # JSON; None: every BLK
    source_name: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    total_rows: Mapped[int | None] = mapped_column(Integer)
    next_row: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    # Batches the schedule cancelled (among `updated`) and the people told so.
    cancelled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    told: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # JSON: the first rejected rows (line, id, reason, column), as many as a report lists.
    rejected_rows: Mapped[str] = mapped_column(Text, default="[]")
    problem: Mapped[str | None] = mapped_column(Text)  # JSON: why the whole file was refused
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[CreatedAt]
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClockMark(Base):
    """A moment the bot keeps to check its own clock against (`bot.clock_sanity`): the
    newest Telegram message date seen, and what the clock said then."""

    __tablename__ = "clock_marks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class BlkWatch(Base):
    """Someone asked to be told when a batch opens at a BLK that had none ("Beri tahu
    saya"). One notice fulfils the watch, which then goes."""

    __tablename__ = "blk_watches"
    __table_args__ = (Index("ux_blk_watches_person_blk", "telegram_id", "blk_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[TelegramId] = mapped_column(index=True)
    blk_id: Mapped[str] = mapped_column(ForeignKey("blks.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[CreatedAt]


class CheckIn(Base):
    """A participant present (or not) on one training day of their seat's batch: checked
    in with the day's code or QR link, or marked by a coordinator (`marked_by`)."""

    __tablename__ = "check_ins"
    __table_args__ = (Index("ux_check_ins_seat_day", "enrollment_id", "day", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date)
    present: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str] = mapped_column(String(16))
    marked_by: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class CheckInMiss(Base):
    """A wrong attendance code typed, under a keyed hash of the account: the per-person
    limit counts these. Pruned after a day; not personal data, kept through /hapusdata."""

    __tablename__ = "check_in_misses"

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class BatchCompletion(Base):
    """A batch declared finished: by a coordinator (`completed_by`) or, once its last day
    is over, by the bot (`completed_by` None). Results are computed then."""

    __tablename__ = "batch_completions"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_by: Mapped[int | None] = mapped_column(BigInteger)


class TrainingResult(Base):
    """A seat's result when its batch was completed: days present of the training days,
    what the completion rule gave (`by_rule`), and the result in force (`passed`), which
    a coordinator may override (`overridden_by`). A passed result carries the certificate
    number; a revoked certificate keeps its number and says when and by whom."""

    __tablename__ = "training_results"

    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    days_present: Mapped[int] = mapped_column(Integer)
    training_days: Mapped[int] = mapped_column(Integer)
    by_rule: Mapped[bool] = mapped_column(Boolean)
    passed: Mapped[bool] = mapped_column(Boolean)
    overridden_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    certificate_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    certificate_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certificate_revoked_by: Mapped[int | None] = mapped_column(BigInteger)


class SurveyResponse(Base):
    """One follow-up survey wave of a completed seat (`wave`: days after completion): when
    it was sent and reminded, and the answers given so far, by question code
    (bot.training.surveys); `answered_at` once the last question is answered."""

    __tablename__ = "survey_responses"

    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    wave: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[int | None] = mapped_column(Integer)
    business: Mapped[str | None] = mapped_column(String(16))
    nib: Mapped[str | None] = mapped_column(String(16))
    turnover: Mapped[str | None] = mapped_column(String(16))
    kur: Mapped[str | None] = mapped_column(String(16))
    employees: Mapped[str | None] = mapped_column(String(16))


class SurveyOptOut(Base):
    """An account that pressed "Berhenti menerima survei": no survey is sent to it again."""

    __tablename__ = "survey_opt_outs"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


__all__ = [
    "Attendance",
    "AuditEntry",
    "Base",
    "Batch",
    "BatchCompletion",
    "Blk",
    "BlkWatch",
    "Broadcast",
    "CheckIn",
    "CheckInMiss",
    "ClockMark",
    "ConversationActivity",
    "Coordinator",
    "District",
    "Enrollment",
    "FaqExample",
    "FaqGap",
    "FsmRecord",
    "ImportJob",
    "NikCheck",
    "OutboxMessage",
    "OutboxStatus",
    "PhkProfile",
    "Plut",
    "ProcessedUpdate",
    "Province",
    "Regency",
    "Registration",
    "SurveyOptOut",
    "SurveyResponse",
    "Ticket",
    "TicketMessage",
    "TrainingResult",
    "UnreachableChat",
    "User",
    "utcnow",
]

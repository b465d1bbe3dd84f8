"""/datasaya end to end: a person registers, takes a seat, answers the attendance
reminder, asks the staff a question and answers the PHK pathway; /datasaya then answers
in words (NIK and phone masked) and attaches the whole of it as JSON.

"Everything stored" is checked against the database itself: every table is reflected,
every row that points at the person (by Telegram id, registration, seat or question) is
found, and each of its columns must be in the file, or be listed below as not personal
data with the reason.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from babel.dates import format_datetime
from sqlalchemy import Connection, MetaData, select

from bot.registration.nik import mask_nik
from bot.registration.personal_data import PersonalDataCipher
from bot.runtime.app import App
from storage.models import Registration
from tests.enrollment_setup import NOW, add_batch
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat, RunningBot
from tests.my_data import my_data
from tests.test_attendance_flow import deliver, rows_for
from tests.test_erasure_everywhere import NAME, NIK, PERSON, PHONE, register
from tests.test_phk_flow import complete_pathway
from tests.test_training_flow import JAKSEL

TITLE = "Kuliner Gelombang 7"

# The export's section for each table, and where each column is in it ("." for the
# section itself, a list of records or one record). Columns holding ciphertext are
# compared decrypted.
IN_EXPORT: dict[str, tuple[str, dict[str, str]]] = {
    "users": ("", {"telegram_id": "telegram_id", "locale": "language"}),
    "registrations": (
        "registration",
        {
            "code": "code",
            "full_name": "full_name",
            "nik_cipher": "nik",
            "phone_cipher": "phone",
            "birth_date_cipher": "birth_date",
            "sex_cipher": "sex",
            "province_code": "province_code",
            "regency_code": "regency_code",
            "business_status": "business_status",
            "business_sector": "business_sector",
            "phk_affected": "phk_affected",
            "phk_month": "phk_month",
            "consent_version": "consent_version",
            "consent_at": "consent_at",
            "created_at": "created_at",
            "updated_at": "updated_at",
        },
    ),
    "enrollments": (
        "training",
        {
            "id": "id",
            "batch_id": "batch_id",
            "status": "status",
            "created_at": "since",
            "updated_at": "updated_at",
        },
    ),
    "attendance": ("training", {"answer": "attendance", "answered_at": "attendance_answered_at"}),
    "check_ins": (
        "training.check_ins",
        {"day": "day", "present": "present", "method": "method", "at": "at"},
    ),
    "training_results": (
        "training.result",
        {
            "days_present": "days_present",
            "training_days": "training_days",
            "by_rule": "by_rule",
            "passed": "passed",
            "decided_at": "decided_at",
            "certificate_number": "certificate_number",
            "certificate_revoked_at": "certificate_revoked_at",
        },
    ),
    "phk_profiles": (
        "phk_pathway",
        {
            "phk_month": "phk_month",
            "previous_sector": "previous_sector",
            "skills": "skills",
            "business_status": "business",
            "wants_counselling": "wants_counselling",
            "wants_capital_info": "wants_capital_info",
            "created_at": "saved_at",
            "updated_at": "updated_at",
        },
    ),
    "tickets": (
        "questions_to_coordinators",
        {
            "id": "id",
            "origin": "origin",
            "blk_id": "sent_to_blk",
            "province_code": "sent_to_province",
            "status": "status",
            "waiting_since": "waiting_since",
            "escalated_at": "escalated_at",
            "closed_at": "closed_at",
            "created_at": "asked_at",
        },
    ),
    "ticket_messages": (
        "questions_to_coordinators.messages",
        {"author_kind": "from", "text_cipher": "text", "created_at": "at"},
    ),
    "conversation_activity": (
        "open_conversations",
        {"state": "state", "started_at": "started_at", "last_activity_at": "last_activity_at"},
    ),
    "blk_watches": ("waiting_for_a_batch_at", {"blk_id": "."}),
    "survey_responses": (
        "training.surveys",
        {
            "wave": "wave_days",
            "sent_at": "sent_at",
            "reminded_at": "reminded_at",
            "answered_at": "answered_at",
            "rating": "rating",
            "business": "business",
            "nib": "nib",
            "turnover": "turnover",
            "kur": "kur",
            "employees": "employees",
        },
    ),
    "survey_opt_outs": ("", {"at": "surveys_stopped_at"}),
}

NOT_PERSONAL: dict[str, dict[str, str]] = {
    "users": {"created_at": "row bookkeeping", "updated_at": "row bookkeeping"},
    "registrations": {
        "id": "internal row number",
        "telegram_id": "the file's telegram_id",
        "nik_fingerprint": "keyed hash of the NIK (in the file) that refuses a second use",
        "phone_fingerprint": "keyed hash of the phone (in the file) for staff search",
        "birth_month": "the first of the birth month, derived from birth_date (in the file)",
    },
    "enrollments": {"registration_id": "internal row number of the registration"},
    "attendance": {"enrollment_id": "the seat's id, in the file"},
    "check_ins": {
        "id": "internal row number",
        "enrollment_id": "the seat's id, in the file",
        "marked_by": "the coordinator who marked the day by hand: staff's id, not the person's",
    },
    "training_results": {
        "enrollment_id": "the seat's id, in the file",
        "overridden_by": "the coordinator who changed the result (the file says whether one did)",
        "certificate_revoked_by": "the administrator who revoked the certificate: staff's id",
    },
    "phk_profiles": {"telegram_id": "the file's telegram_id"},
    "tickets": {"telegram_id": "the file's telegram_id", "updated_at": "row bookkeeping"},
    "ticket_messages": {
        "id": "internal row number",
        "ticket_id": "the question's id, in the file",
        "author_id": "who wrote: the person (the file's telegram_id) or a staff member",
    },
    "conversation_activity": {
        "key": "the storage key, built from the ids below",
        "bot_id": "the bot's own id",
        "chat_id": "the file's telegram_id (a private chat)",
        "telegram_id": "the file's telegram_id",
        "thread_id": "no threads in private chats",
        "destiny": "aiogram's storage namespace",
        "has_data": "whether the storage holds answers",
    },
    "blk_watches": {
        "id": "internal row number",
        "telegram_id": "the file's telegram_id",
        "created_at": "row bookkeeping",
    },
    "survey_responses": {"enrollment_id": "the seat's id, in the file"},
    "survey_opt_outs": {"telegram_id": "the file's telegram_id"},
    # Messages the bot queued to the person or about them: its own words, encrypted
    # until delivered and blanked then (storage.outbox_payloads), erased with the rest.
    "outbox": {"*": "the bot's own messages, blanked once delivered"},
}

# Columns that point at the person, a seat of theirs, or a question of theirs.
PERSON_COLUMNS = ("telegram_id", "chat_id", "subject_id", "author_id")
REFERENCES = (*PERSON_COLUMNS, "registration_id", "enrollment_id", "ticket_id")


def _rows_about(connection: Connection, person: int) -> dict[str, list[dict[str, Any]]]:
    tables = MetaData()
    tables.reflect(connection)
    registrations = tables.tables["registrations"]
    registration_ids = set(
        connection.execute(
            select(registrations.c.id).where(registrations.c.telegram_id == person)
        ).scalars()
    )
    enrollments = tables.tables["enrollments"]
    enrollment_ids = set(
        connection.execute(
            select(enrollments.c.id).where(enrollments.c.registration_id.in_(registration_ids))
        ).scalars()
    )
    tickets = tables.tables["tickets"]
    ticket_ids = set(
        connection.execute(select(tickets.c.id).where(tickets.c.telegram_id == person)).scalars()
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for table in tables.sorted_tables:
        if not set(REFERENCES) & set(table.c.keys()):
            continue
        rows = [dict(row._mapping) for row in connection.execute(select(table))]
        matching = [
            row
            for row in rows
            if any(row.get(name) == person for name in PERSON_COLUMNS)
            or row.get("registration_id") in registration_ids
            or row.get("enrollment_id") in enrollment_ids
            or row.get("ticket_id") in ticket_ids
        ]
        if matching:
            found[table.name] = matching
    return found


def _normal(value: Any) -> Any:
    """One spelling for a stored value and its JSON form: moments in UTC without a zone."""
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return (value.astimezone(ZoneInfo("UTC")) if value.tzinfo else value).replace(tzinfo=None)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _records(export: dict[str, Any], section: str) -> list[Any]:
    """The records at a dotted path, lists flattened."""
    records: list[Any] = [export]
    for part in filter(None, section.split(".")):
        found = []
        for record in records:
            value = record[part]
            found.extend(value if isinstance(value, list) else [value])
        records = found
    return records


def missing_from_export(
    export: dict[str, Any], rows: dict[str, list[dict[str, Any]]], cipher: PersonalDataCipher
) -> list[str]:
    problems = []
    for table, table_rows in rows.items():
        section, columns = IN_EXPORT.get(table, ("", {}))
        excused = NOT_PERSONAL.get(table, {})
        records = _records(export, section)
        for row in table_rows:
            for column, value in row.items():
                if column in excused or "*" in excused:
                    continue
                if column not in columns:
                    problems.append(f"{table}.{column}: neither exported nor excused")
                    continue
                if column.endswith("_cipher"):
                    value = cipher.decrypt(value)
                key = columns[column]
                exported = [r if key == "." else r.get(key) for r in records]
                if _normal(value) not in [_normal(v) for v in exported]:
                    problems.append(f"{table}.{column}: {value!r} not in {section}.{key}")
    return problems


async def rows_about(app: App, person: int) -> dict[str, list[dict[str, Any]]]:
    async with app.db.engine.connect() as connection:
        return await connection.run_sync(_rows_about, person)


def wib(moment: datetime) -> str:
    local = moment.astimezone(ZoneInfo("Asia/Jakarta"))
    return f"{format_datetime(local, 'd MMM y HH.mm', locale='id')} WIB"


async def test_my_data_is_readable_and_holds_everything_stored(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot, cipher: PersonalDataCipher
) -> None:
    app = running_bot.app
    assert app is not None
    person = Chat(fake_api, PERSON)
    await register(person)
    batch = await add_batch(app.db, JAKSEL, capacity=3, title=TITLE)
    await app.services.enrollment.enroll(PERSON, batch, waitlist=False)
    day_before = (await rows_for(running_bot, PERSON, "reminder"))[1]
    running_bot.clock.set(day_before.not_before)
    await deliver(running_bot, sender_bot, day_before)
    await person.expect("dimulai besok", TITLE)
    await person.press("Saya akan hadir", "kehadiran Anda sudah dicatat")
    await person.send("/tanya", "Tanya petugas")
    await person.send("Apakah ada sertifikat?", "terkirim dengan nomor")
    await complete_pathway(person)
    await person.expect("Perbarui pendaftaran")  # the registration keeps its own PHK answer
    first_hour = NOW + timedelta(days=30, hours=1)  # add_batch's first day, 11.00 WIB
    running_bot.clock.set(first_hour)
    code = app.services.check_ins.keys.code_for(batch, first_hour.date())
    await person.send(f"/hadir {code}", "Kehadiran Anda tercatat")
    running_bot.clock.set(first_hour + timedelta(days=6))  # the batch is over
    assert await app.services.completion.complete_due() == 1
    assert await app.services.surveys.plan_due() == 1
    [survey] = await rows_for(running_bot, PERSON, "survey")
    assert survey.enrollment_id is not None
    await app.services.surveys.answer(PERSON, survey.enrollment_id, 0, "rating", "5")
    await app.services.surveys.opt_out(PERSON)

    text, exported = await my_data(person)

    async with app.db.transaction() as session:
        registration = (await session.scalars(select(Registration))).one()
    for shown in (
        mask_nik(NIK),
        "Perempuan",  # sex, stored encrypted
        "Kabupaten Bogor",
        TITLE,
        "Pusat Pelatihan Kerja Daerah",
        "pelatihan selesai",  # the batch was completed: its seat is history
        "Jawaban kehadiran: akan hadir",
        "Kehadiran di kelas: 24 Des 2026 ✅ (kode diketik)",
        "Hasil pelatihan: ❌ tidak lulus (hadir 1 dari 6 hari)",
        "Kuliner/makanan",  # the PHK pathway's previous sector
        "menjahit &amp; memasak",
        "Punya ide usaha",
        "Pertanyaan ke petugas</b> (1)",
        "dari perintah /tanya",
        "menunggu jawaban",
        wib(registration.consent_at),
        "Bahasa Indonesia",
        "Survei 0 hari setelah pelatihan",
        "dijawab 1 dari 6 pertanyaan",
        "Berhenti menerima survei sejak",
    ):
        assert shown in text, shown
    for secret in (NIK, PHONE, "8139876543"):
        assert secret not in text
    assert NAME in text  # the name is theirs to read; only numbers are masked

    assert exported["registration"]["nik"] == NIK  # the file is the full right of access
    assert exported["codes"]["training.status"]["active"] == "mendapat kursi"
    assert exported["codes"]["training.status"]["completed"] == "pelatihan selesai"
    assert exported["codes"]["phk_pathway.business"]["idea"] == "💡 Punya ide usaha"
    rows = await rows_about(app, PERSON)
    assert {"registrations", "enrollments", "attendance", "check_ins", "tickets"} <= set(rows)
    assert {"phk_profiles", "training_results", "survey_responses", "survey_opt_outs"} <= set(rows)
    assert {"ticket_messages", "outbox"} <= set(rows)
    assert missing_from_export(exported, rows, cipher) == []


def test_an_unexported_column_is_found() -> None:
    """The comparison fails for a column a feature adds without exporting it."""
    rows = {"tickets": [{"id": 1, "status": "open", "rating": 5}]}
    export = {"questions_to_coordinators": [{"id": 1, "status": "closed"}]}
    assert missing_from_export(export, rows, PersonalDataCipher.__new__(PersonalDataCipher)) == [
        "tickets.status: 'open' not in questions_to_coordinators.status",
        "tickets.rating: neither exported nor excused",
    ]

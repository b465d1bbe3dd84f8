"""Audiences within scopes, and broadcasts: queueing, progress, cancel, finish, failures CSV."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from bot.coordinators.audiences import (
    Audience,
    AudienceKind,
    AudienceService,
    Matches,
    NotInScope,
    choices,
)
from bot.coordinators.broadcasts import (
    AlreadyFinished,
    BroadcastService,
    Draft,
    MediaKind,
    NoRecipients,
    ProgressThrottle,
)
from bot.coordinators.place_finder import PlaceFinder
from bot.coordinators.roles import COUNTRY, RoleService, Scope
from bot.delivery.outbox import Outgoing
from bot.errors import NotPermitted
from bot.places.regions import default_directory
from bot.privacy import PrivacyService
from bot.registration.participants import BusinessStatus, RegistrationForm, Sector
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from storage.database import Database
from storage.models import (
    AuditEntry,
    Batch,
    Broadcast,
    Enrollment,
    OutboxMessage,
    Registration,
    TrainingResult,
    UnreachableChat,
)
from storage.outbox_payloads import opened
from tests.clock import FixedClock
from tests.enrollment_setup import NOW, add_batch, add_blk, nik_for

ADMIN = 9000
BLK_A, BLK_B, BLK_C = "blk-a", "blk-b", "blk-c"  # A and B in province 32, C in 51


@dataclass(frozen=True)
class World:
    batches: dict[str, int]


async def register_person(
    registrations: RegistrationService,
    telegram_id: int,
    *,
    province: str,
    phk: bool = False,
) -> None:
    form = RegistrationForm(
        full_name=f"Peserta {telegram_id}",
        nik=nik_for(telegram_id % 10_000),
        phone="+6281234567890",
        province_code=province,
        regency_code=f"{province}.01",
        business_status=BusinessStatus.MICRO,
        business_sector=Sector.FOOD,
        phk_affected=phk,
        phk_month=date(2026, 6, 1) if phk else None,
        consent_at=NOW,
    )
    await registrations.register(telegram_id, form)


async def enroll(db: Database, telegram_id: int, batch_id: int, status: str = "active") -> None:
    async with db.transaction() as session:
        registration_id = (
            await session.execute(
                select(Registration.id).where(Registration.telegram_id == telegram_id)
            )
        ).scalar_one()
        session.add(Enrollment(registration_id=registration_id, batch_id=batch_id, status=status))


# (telegram id, domicile province, PHK, batch key or None, enrollment status)
PEOPLE = [
    (101, "32", False, "a1", "active"),
    (102, "32", True, "a2", "waitlisted"),
    (103, "32", False, "b1", "active"),
    (104, "32", True, None, None),
    (105, "51", False, "c1", "active"),
    (106, "51", False, "a1", "active"),  # lives in 51, trains at a BLK in 32
    (107, "51", False, None, None),
    (108, "32", False, "a1", "cancelled"),  # gave the seat up: not enrolled any more
    (109, "32", False, "a1", "active"),  # blocked the bot
    (110, "32", False, "a1", "active"),  # erased their data
]


async def build_world(
    db: Database, registrations: RegistrationService, privacy: PrivacyService
) -> World:
    """Two provinces, three BLKs, four batches and the people above."""
    for blk, province in ((BLK_A, "32"), (BLK_B, "32"), (BLK_C, "51")):
        await add_blk(db, blk, province)
    batches = {
        "a1": await add_batch(db, BLK_A, 10, title="A satu"),
        "a2": await add_batch(db, BLK_A, 10, title="A dua"),
        "b1": await add_batch(db, BLK_B, 10, title="B satu"),
        "c1": await add_batch(db, BLK_C, 10, title="C satu"),
    }
    for telegram_id, province, phk, batch, status in PEOPLE:
        await register_person(registrations, telegram_id, province=province, phk=phk)
        if batch is not None and status is not None:
            await enroll(db, telegram_id, batches[batch], status)
    async with db.transaction() as session:
        session.add(UnreachableChat(chat_id=109, reason="Forbidden: bot was blocked by the user"))
    await privacy.erase(110)
    return World(batches)


@pytest.fixture
def registrations(
    db: Database, cipher: PersonalDataCipher, clock: FixedClock
) -> RegistrationService:
    return RegistrationService(db, cipher, clock=clock)


@pytest.fixture
def roles(db: Database) -> RoleService:
    return RoleService(db, frozenset({ADMIN}))


@pytest.fixture
def audiences(db: Database, clock: FixedClock) -> AudienceService:
    return AudienceService(db, PlaceFinder(db, default_directory()), clock)


@pytest.fixture
def broadcasts(
    db: Database, roles: RoleService, audiences: AudienceService, clock: FixedClock
) -> BroadcastService:
    return BroadcastService(db, roles, audiences, clock)


@pytest.fixture
async def world(db: Database, registrations: RegistrationService, privacy: PrivacyService) -> World:
    return await build_world(db, registrations, privacy)


def audience(kind: AudienceKind, target: str | int | None = None) -> Audience:
    return Audience(kind, None if target is None else str(target))


async def people(audiences: AudienceService, scope: Scope, chosen: Audience) -> set[int]:
    """Recipients, checking the count the preview shows against the list that is queued."""
    recipients = await audiences.recipients(scope, chosen)
    assert await audiences.count(scope, chosen) == len(recipients) == len(set(recipients))
    return set(recipients)


async def test_country_scope(audiences: AudienceService, world: World) -> None:
    a = AudienceKind
    assert await people(audiences, COUNTRY, audience(a.ALL)) == {
        101, 102, 103, 104, 105, 106, 107, 108
    }  # fmt: skip
    assert await people(audiences, COUNTRY, audience(a.PROVINCE, "32")) == {
        101, 102, 103, 104, 106, 108
    }  # fmt: skip
    assert await people(audiences, COUNTRY, audience(a.PROVINCE, "51")) == {105, 106, 107}
    assert await people(audiences, COUNTRY, audience(a.BLK, BLK_A)) == {101, 102, 106}
    assert await people(audiences, COUNTRY, audience(a.BATCH, world.batches["c1"])) == {105}
    assert await people(audiences, COUNTRY, audience(a.PHK)) == {102, 104}
    assert await people(audiences, COUNTRY, audience(a.UNENROLLED)) == {104, 107, 108}


async def test_blk_scope_never_reaches_another_blk(
    audiences: AudienceService, world: World
) -> None:
    scope = Scope.blk(BLK_A)
    a = AudienceKind
    assert choices(scope) == [a.ALL, a.BATCH, a.PHK, a.COMPLETED, a.COMPLETED_SECTOR]
    assert await people(audiences, scope, audience(a.ALL)) == {101, 102, 106}
    assert await people(audiences, scope, audience(a.BATCH, world.batches["a1"])) == {101, 106}
    assert await people(audiences, scope, audience(a.PHK)) == {102}
    # Another BLK's batch, another BLK, a province, "not enrolled": refused, not emptied.
    for outside in (
        audience(a.BATCH, world.batches["b1"]),
        audience(a.BLK, BLK_B),
        audience(a.BLK, BLK_A),
        audience(a.PROVINCE, "32"),
        audience(a.UNENROLLED),
        audience(a.BATCH, 999_999),
    ):
        with pytest.raises(NotInScope):
            await audiences.recipients(scope, outside)
        with pytest.raises(NotInScope):
            await audiences.count(scope, outside)


async def test_completed_audience_is_those_who_passed(
    db: Database, audiences: AudienceService, world: World
) -> None:
    """Business-matching and market events go to people who passed a completed batch."""
    async with db.transaction() as session:
        seats = select(Enrollment.id, Registration.telegram_id).join(
            Registration, Enrollment.registration_id == Registration.id
        )
        ids = {tg: seat for seat, tg in await session.execute(seats) if tg in (101, 106)}
        for telegram_id, passed in ((101, True), (106, False)):
            session.add(
                TrainingResult(
                    enrollment_id=ids[telegram_id], days_present=5, training_days=5,
                    by_rule=passed, passed=passed, decided_at=NOW,
                )
            )  # fmt: skip
    completed = audience(AudienceKind.COMPLETED)
    assert await people(audiences, COUNTRY, completed) == {101}
    assert await people(audiences, Scope.blk(BLK_A), completed) == {101}
    assert await people(audiences, Scope.blk(BLK_B), completed) == set()
    async with db.transaction() as session:
        sector = (
            await session.execute(
                select(Registration.business_sector).where(Registration.telegram_id == 101)
            )
        ).scalar_one()
    other = next(s for s in Sector if s.value != sector)
    by_sector = AudienceKind.COMPLETED_SECTOR
    assert await people(audiences, COUNTRY, audience(by_sector, sector)) == {101}
    assert await people(audiences, COUNTRY, audience(by_sector, other)) == set()
    with pytest.raises(NotInScope):  # a forged sector
        await audiences.count(COUNTRY, audience(by_sector, "minyak"))


async def test_province_scope_never_reaches_another_province(
    audiences: AudienceService, world: World
) -> None:
    scope = Scope.province("32")
    a = AudienceKind
    assert a.PROVINCE not in choices(scope)
    everyone = await people(audiences, scope, audience(a.ALL))
    assert everyone == {101, 102, 103, 104, 106, 108}
    assert await people(audiences, scope, audience(a.BLK, BLK_B)) == {103}
    assert await people(audiences, scope, audience(a.UNENROLLED)) == {104, 108}
    assert await people(audiences, scope, audience(a.PHK)) == {102, 104}
    for outside in (
        audience(a.BLK, BLK_C),
        audience(a.BATCH, world.batches["c1"]),
        audience(a.PROVINCE, "51"),
    ):
        with pytest.raises(NotInScope):
            await audiences.recipients(scope, outside)
    other = await people(audiences, Scope.province("51"), audience(a.ALL))
    assert other == {105, 106, 107}
    # 106 lives in 51 and trains in 32: both provinces' coordinators reach them, by the rule.
    assert everyone & other == {106}


async def test_every_offered_audience_stays_inside_the_blk(
    audiences: AudienceService, world: World
) -> None:
    scope = Scope.blk(BLK_A)
    inside = await people(audiences, COUNTRY, audience(AudienceKind.BLK, BLK_A))
    for batch in await audiences.batches_in(scope, 50):
        assert await people(audiences, scope, audience(AudienceKind.BATCH, batch.id)) <= inside
    assert {b.title for b in await audiences.batches_in(scope, 50)} == {"A satu", "A dua"}
    assert await audiences.blks_in(Scope.province("32"), 50) == [
        (BLK_A, "BLK blk-a"),
        (BLK_B, "BLK blk-b"),
    ]


async def test_typed_targets(db: Database, audiences: AudienceService, world: World) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(Batch).where(Batch.id == world.batches["a1"]).values(external_id="JKT-01")
        )
    scope = Scope.province("32")
    a = AudienceKind
    found = (await audiences.find(scope, a.BATCH, " JKT-01 ")).found
    assert found is not None and found.audience == audience(a.BATCH, world.batches["a1"])
    assert (found.batch_title, found.place) == ("A satu", "BLK blk-a")
    by_number = (await audiences.find(scope, a.BATCH, f"#{world.batches['b1']}")).found
    assert by_number is not None and by_number.place == "BLK blk-b"
    by_id = (await audiences.find(scope, a.BLK, BLK_B)).found
    assert by_id is not None and by_id.place == "BLK blk-b"
    by_title = (await audiences.find(scope, a.BATCH, "a dua")).found
    assert by_title is not None and by_title.audience == audience(a.BATCH, world.batches["a2"])
    several = await audiences.find(scope, a.BATCH, "satu")
    assert [b.title for b in several.batches] == ["A satu", "B satu"]
    assert several.found is None and not several.outside
    for kind, typed in (
        (a.BLK, "zzz"),
        (a.BATCH, str(world.batches["c1"])),
        (a.BATCH, "nothing"),
        (a.PROVINCE, "Bali"),  # a province coordinator has no province audience
        (a.ALL, "x"),
    ):
        assert await audiences.find(scope, kind, typed) == Matches(), typed
    # Another province's BLK by id: said to lie outside, since BLKs are public anyway.
    assert await audiences.find(scope, a.BLK, BLK_C) == Matches(outside=True)


async def test_province_typed_by_name(audiences: AudienceService, world: World) -> None:
    for typed in ("jabar", "Jawa  Barat", "32"):
        found = (await audiences.find(COUNTRY, AudienceKind.PROVINCE, typed)).found
        assert found is not None and found.audience == audience(AudienceKind.PROVINCE, "32")


async def test_ended_batches_are_not_offered(
    db: Database, audiences: AudienceService, world: World, clock: FixedClock
) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(Batch)
            .where(Batch.id == world.batches["a2"])
            .values(starts_at=NOW - timedelta(days=9), ends_at=NOW - timedelta(seconds=1))
        )
    offered = await audiences.batches_in(Scope.blk(BLK_A), limit=None)
    assert [b.title for b in offered] == ["A satu"]
    assert (await audiences.find(Scope.blk(BLK_A), AudienceKind.BATCH, "A dua")).found is None
    clock.set(NOW - timedelta(seconds=2))  # before its last moment it is still offered
    assert len(await audiences.batches_in(Scope.blk(BLK_A), limit=None)) == 2


async def outbox_rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        return list((await session.execute(stmt)).scalars())


async def audit_actions(db: Database) -> list[tuple[str, dict[str, object]]]:
    async with db.transaction() as session:
        rows = (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars()
        return [(row.action, json.loads(row.details)) for row in rows]


async def test_create_queues_one_row_per_recipient_in_one_go(
    db: Database, roles: RoleService, broadcasts: BroadcastService, world: World
) -> None:
    await roles.grant(ADMIN, 700, Scope.blk(BLK_A))
    draft = Draft("<b>Halo</b> peserta &amp; keluarga")
    info = await broadcasts.create(700, draft, audience(AudienceKind.ALL))
    assert info.total == 3 and info.coordinator_id == 700
    rows = await outbox_rows(db)
    assert sorted(r.chat_id for r in rows) == [101, 102, 106]
    assert {(r.kind, r.broadcast_id, r.status) for r in rows} == {("broadcast", info.id, "pending")}
    assert Outgoing.from_json(opened(rows[0].payload, db.sealer)) == Outgoing(
        "sendMessage", {"text": draft.text, "parse_mode": "HTML"}
    )
    action, details = (await audit_actions(db))[-1]
    assert action == "broadcast.created"
    assert details == {
        "broadcast_id": info.id,
        "scope": {"kind": "blk", "code": BLK_A},
        "audience": {"kind": "all", "target": None},
        "recipients": 3,
        "media_kind": None,
        "length": len(draft.text),
    }
    assert "Halo" not in json.dumps(details)


async def test_media_payloads() -> None:
    photo = Draft("<i>Jadwal</i>", MediaKind.PHOTO, "photo-file-id")
    assert photo.outgoing() == Outgoing(
        "sendPhoto", {"photo": "photo-file-id", "caption": "<i>Jadwal</i>", "parse_mode": "HTML"}
    )
    bare = Draft("", MediaKind.DOCUMENT, "doc-file-id")
    assert bare.outgoing() == Outgoing("sendDocument", {"document": "doc-file-id"})
    assert Draft.from_dict(photo.as_dict()) == photo
    assert photo.too_long(1024) is None and photo.too_long(1025) == 1024
    assert Draft("x").too_long(4096) is None and Draft("x").too_long(4097) == 4096


async def test_refused_broadcasts_save_nothing(
    db: Database, roles: RoleService, broadcasts: BroadcastService, world: World
) -> None:
    await roles.grant(ADMIN, 700, Scope.blk(BLK_A))
    with pytest.raises(NotPermitted):
        await broadcasts.create(555, Draft("x"), audience(AudienceKind.ALL))
    with pytest.raises(NotInScope):
        await broadcasts.create(700, Draft("x"), audience(AudienceKind.BLK, BLK_B))
    # Nobody in blk-c has been laid off.
    await roles.grant(ADMIN, 701, Scope.blk(BLK_C))
    with pytest.raises(NoRecipients):
        await broadcasts.create(701, Draft("x"), audience(AudienceKind.PHK))
    async with db.transaction() as session:
        assert (await session.execute(select(Broadcast))).first() is None
    assert await outbox_rows(db) == []
    assert [a for a, _ in await audit_actions(db)] == ["coordinator.granted"] * 2


async def set_status(db: Database, chat_ids: list[int], status: str, error: str = "") -> None:
    async with db.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id.in_(chat_ids))
            .values(status=status, last_error=error or None)
        )


async def test_progress_cancel_and_finish(
    db: Database, roles: RoleService, broadcasts: BroadcastService, world: World
) -> None:
    await roles.grant(ADMIN, 700, Scope.province("32"))
    await roles.grant(ADMIN, 701, Scope.province("32"))
    info = await broadcasts.create(700, Draft("Halo"), audience(AudienceKind.ALL))
    assert info.total == 6
    await set_status(db, [101, 102], "sent")
    await set_status(db, [103], "sending")
    progress = await broadcasts.progress(info.id)
    assert (progress.sent, progress.in_flight, progress.done) == (2, 4, False)
    assert not await broadcasts.finish_if_done(info.id)

    with pytest.raises(NotPermitted):  # another coordinator's broadcast
        await broadcasts.cancel(info.id, 701)
    assert await broadcasts.cancel(info.id, 700) == 3
    with pytest.raises(AlreadyFinished):
        await broadcasts.cancel(info.id, ADMIN)
    statuses = {r.chat_id: r.status for r in await outbox_rows(db)}
    assert statuses == {
        101: "sent", 102: "sent", 103: "sending", 104: "cancelled", 106: "cancelled",
        108: "cancelled",
    }  # fmt: skip
    assert (await audit_actions(db))[-1] == (
        "broadcast.cancelled",
        {"broadcast_id": info.id, "cancelled": 3},
    )
    # The row the sender had claimed still finishes; only then is the broadcast closed.
    assert not await broadcasts.finish_if_done(info.id)
    await set_status(db, [103], "sent")
    assert await broadcasts.finish_if_done(info.id)
    assert not await broadcasts.finish_if_done(info.id)
    closed = await broadcasts.get(info.id)
    assert closed is not None and closed.cancelled and closed.finished_at is not None
    assert await broadcasts.unfinished() == []
    final = await broadcasts.progress(info.id)
    assert (final.sent, final.cancelled, final.failed, final.unreachable) == (3, 3, 0, 0)


async def test_admin_cancels_and_failures_csv(
    db: Database, roles: RoleService, broadcasts: BroadcastService, world: World
) -> None:
    info = await broadcasts.create(ADMIN, Draft("Halo"), audience(AudienceKind.PROVINCE, "51"))
    assert info.total == 3
    await set_status(db, [105], "sent")
    await set_status(db, [106], "unreachable", "Forbidden: bot was blocked by the user")
    await set_status(db, [107], "failed", "Bad Request: chat not found")
    assert await broadcasts.finish_if_done(info.id)
    done = await broadcasts.get(info.id)
    assert done is not None and done.status == "done"
    progress = await broadcasts.progress(info.id)
    assert (progress.sent, progress.unreachable, progress.failed) == (1, 1, 1)
    csv_text = (await broadcasts.failures_csv(info.id)).decode()
    assert csv_text.splitlines() == [
        "chat_id,status,reason",
        "106,unreachable,Forbidden: bot was blocked by the user",
        "107,failed,Bad Request: chat not found",
    ]
    with pytest.raises(AlreadyFinished):
        await broadcasts.cancel(info.id, ADMIN)


def test_progress_throttle_edits_only_changed_text_not_too_often() -> None:
    now = [100.0]
    throttle = ProgressThrottle(min_interval=5.0, clock=lambda: now[0])
    assert throttle.due(1, "0 / 5")
    throttle.shown(1, "0 / 5")
    assert not throttle.due(1, "0 / 5")
    assert not throttle.due(1, "1 / 5")
    now[0] += 5
    assert throttle.due(1, "1 / 5") and not throttle.due(1, "0 / 5")
    throttle.forget(1)
    assert throttle.due(1, "0 / 5")

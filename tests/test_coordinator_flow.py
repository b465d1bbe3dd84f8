"""End to end: admins grant coordinators, coordinators broadcast in scope, progress and cancel.

Participants, BLKs and batches are written straight into the database (`build_world`):
blk-a and blk-b in province 32, blk-c in 51. In blk-a's scope are 101, 102 and 106.
The recipients' outbox rows are read from the database and their delivery is stood in
for (`set_status`); the coordinator's progress edits and report go through the sender.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy import select, update

from bot.coordinators.broadcasts import Progress
from bot.coordinators.roles import Scope
from bot.delivery.outbox import Outgoing
from bot.delivery.sender import Sender
from bot.runtime.app import App
from bot.runtime.i18n import create_i18n
from handlers.common.callbacks import BroadcastAction, BroadcastCb, CoordinatorCb
from handlers.coordinators.broadcast.render import progress_text
from handlers.delivery.templates import notice_renderer
from storage.models import Broadcast, OutboxMessage
from storage.outbox_payloads import opened
from tests.fake_bot_api import REPLY_METHODS, ApiCall, FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.test_broadcasts import BLK_A, build_world

COORDINATOR = 7001
NOT_UNDERSTOOD = "Maaf, saya belum mengerti"


def app_of(running_bot: RunningBot) -> App:
    assert running_bot.app is not None
    return running_bot.app


async def outbox(app: App) -> list[OutboxMessage]:
    """Broadcast rows only: the bot's answers to updates go through the outbox too."""
    async with app.db.transaction() as session:
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.kind == "broadcast")
            .order_by(OutboxMessage.chat_id)
        )
        return list((await session.execute(stmt)).scalars())


async def set_status(app: App, chat_ids: list[int], status: str, error: str | None = None) -> None:
    """Stands in for the sender."""
    async with app.db.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id.in_(chat_ids), OutboxMessage.kind == "broadcast")
            .values(status=status, last_error=error)
        )


async def committed(fake: FakeBotAPI) -> None:
    """Until the last button press was answered: answers go out after the update's commit,
    while the progress message is sent at once (its id is needed) and can arrive earlier."""
    query_id = next(reversed(fake.callback_queries))
    await fake.wait_call(
        "answerCallbackQuery", predicate=lambda c: c.params["callback_query_id"] == query_id
    )


async def blk_a_coordinator(fake_api: FakeBotAPI, running_bot: RunningBot) -> tuple[App, Chat]:
    """The world built and COORDINATOR granted blk-a: the app and the coordinator's chat."""
    app = app_of(running_bot)
    await build_world(app.db, app.services.registrations, app.services.privacy)
    await app.services.roles.grant(ADMIN_ID, COORDINATOR, Scope.blk(BLK_A))
    return app, Chat(fake_api, COORDINATOR)


async def compose_and_send(chat: Chat, fake: FakeBotAPI) -> ApiCall:
    """A blk-a coordinator broadcasts a bold "Halo" to everyone in scope; the progress reply."""
    await chat.send("/siaran", "Siaran baru")
    bold = [{"type": "bold", "offset": 0, "length": 4}]
    fake.message(chat.user_id, "Halo peserta, kelas dimulai Senin.", entities=bold)
    menu = await chat.expect("Kepada siapa")
    assert [label for label, _ in menu.buttons] == [
        "👥 Semua peserta di wilayah Anda",
        "📅 Peserta satu gelombang",
        "💼 Terdampak PHK",
        "🎓 Lulus pelatihan (temu usaha, akses pasar)",
        "🎓 Lulus pelatihan, satu bidang usaha",
    ]
    await chat.press("Semua peserta", "Pratinjau")
    preview = await chat.expect("<b>Halo</b> peserta, kelas dimulai Senin.")
    assert preview.method == "sendMessage"
    await chat.expect("semua peserta terdaftar di wilayah Anda", "<b>Jumlah:</b> 3 orang")
    progress = await chat.press("Kirim", "📣 Siaran #", "Terkirim 0 / 3")
    await committed(fake)
    return progress


async def test_admin_grants_and_blk_coordinator_broadcasts_in_scope(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app = app_of(running_bot)
    await build_world(app.db, app.services.registrations, app.services.privacy)
    admin = Chat(fake_api, ADMIN_ID)
    await admin.send("/koordinator", "Belum ada koordinator", "/koordinator tambah")
    await admin.send("/koordinator tambah 7001 provinsi 99", "Tidak ada provinsi atau BLK")
    await admin.send("/koordinator tambah 7001 blk nowhere", "yang cocok dengan «nowhere»")
    await admin.send("/koordinator tambah", "<b>Mengelola koordinator</b>")
    await admin.send(
        f"/koordinator tambah {COORDINATOR} blk {BLK_A}",
        f"<code>{COORDINATOR}</code> sekarang koordinator untuk: BLK blk-a",
    )
    listing = await admin.send("/koordinator", "<b>Koordinator (1)</b>", "BLK blk-a")
    assert listing.button_data(str(COORDINATOR)) == CoordinatorCb(revoke=COORDINATOR).pack()

    coordinator = Chat(fake_api, COORDINATOR)
    progress = await compose_and_send(coordinator, fake_api)

    rows = await outbox(app)
    assert [row.chat_id for row in rows] == [101, 102, 106]
    async with app.db.transaction() as session:
        broadcast = (await session.execute(select(Broadcast))).scalar_one()
    assert (broadcast.coordinator_id, broadcast.total) == (COORDINATOR, 3)
    assert (broadcast.progress_chat_id, broadcast.progress_message_id) == (
        COORDINATOR,
        progress.result["message_id"],
    )
    assert {(row.kind, row.broadcast_id) for row in rows} == {("broadcast", broadcast.id)}
    assert Outgoing.from_json(opened(rows[0].payload, app.db.sealer)) == Outgoing.text(
        "<b>Halo</b> peserta, kelas dimulai Senin."
    )
    # Nobody received anything directly: the sender delivers from the outbox.
    assert all(fake_api.calls_to(chat_id) == [] for chat_id in range(101, 111))


async def test_everyone_else_gets_the_plain_refusal(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app = app_of(running_bot)
    await build_world(app.db, app.services.registrations, app.services.privacy)
    await app.services.roles.grant(ADMIN_ID, COORDINATOR, Scope.blk(BLK_A))
    stranger = Chat(fake_api, 5555)
    for command in ("/siaran", "/koordinator", "/koordinator tambah 5555 negara"):
        await stranger.send(command, NOT_UNDERSTOOD)
    # A coordinator does not manage coordinators.
    coordinator = Chat(fake_api, COORDINATOR)
    await coordinator.send("/koordinator", NOT_UNDERSTOOD)
    await coordinator.send(f"/koordinator hapus {COORDINATOR}", NOT_UNDERSTOOD)
    forged = await coordinator.answer_to(CoordinatorCb(revoke=COORDINATOR).pack())
    assert forged.params["text"] == "Tombol ini sudah tidak berlaku."
    assert await app.services.roles.scope_of(COORDINATOR) == Scope.blk(BLK_A)

    # Nor may a stranger cancel someone's broadcast with a forged button.
    await compose_and_send(coordinator, fake_api)
    cancel = BroadcastCb(action=BroadcastAction.CANCEL_CONFIRMED, broadcast=1).pack()
    answer = await stranger.answer_to(cancel)
    assert answer.params["text"] == "Tombol ini sudah tidak berlaku."
    assert {row.status for row in await outbox(app)} == {"pending"}


async def test_revoke_by_button(fake_api: FakeBotAPI, running_bot: RunningBot) -> None:
    app = app_of(running_bot)
    await app.services.roles.grant(ADMIN_ID, COORDINATOR, Scope.province("32"))
    admin = Chat(fake_api, ADMIN_ID)
    await admin.send("/koordinator", "Provinsi Jawa Barat (32)")
    await admin.press(str(COORDINATOR), f"<code>{COORDINATOR}</code> sudah dicabut")
    await admin.expect("Belum ada koordinator")
    assert await app.services.roles.scope_of(COORDINATOR) is None
    await Chat(fake_api, COORDINATOR).send("/siaran", NOT_UNDERSTOOD)


async def test_province_coordinator_sends_a_photo_to_a_typed_blk(
    fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app = app_of(running_bot)
    world = await build_world(app.db, app.services.registrations, app.services.privacy)
    await app.services.roles.grant(ADMIN_ID, COORDINATOR, Scope.province("32"))
    chat = Chat(fake_api, COORDINATOR)
    await chat.send("/siaran", "Siaran baru")
    fake_api.photo(COORDINATOR, caption="x" * 1025)
    await chat.expect("terlalu panjang: 1.025 karakter, maksimal 1.024")
    fake_api.photo(COORDINATOR, caption="Jadwal gelombang baru")
    await chat.expect("Kepada siapa")
    # Real directory data is loaded too, so province 32 has too many BLKs for buttons.
    await chat.press("Peserta satu BLK", "Ketik nama BLK")
    await chat.send("blk-c", "«blk-c» berada di luar wilayah Anda")
    await chat.send("blk-b", "Pratinjau")
    photo = await chat.expect("Jadwal gelombang baru")
    assert photo.method == "sendPhoto"
    await chat.expect("peserta gelombang di BLK blk-b", "<b>Jumlah:</b> 1 orang")
    await chat.press("Ganti penerima", "Kepada siapa")
    # Few batches in province 32: buttons, and typing works as well.
    batches = await chat.press("Peserta satu gelombang", "Pilih gelombang, atau ketik")
    dates = "24 Des 2026 – 29 Des 2026"
    assert [label for label, _ in batches.buttons] == [
        f"BLK blk-a · A satu · {dates}",
        f"BLK blk-a · A dua · {dates}",
        f"BLK blk-b · B satu · {dates}",
    ]
    await chat.send(f"#{world.batches['c1']}", "Tidak ditemukan")
    await chat.send(f"#{world.batches['a1']}", "Pratinjau")
    await chat.expect("Jadwal gelombang baru")
    await chat.expect("peserta gelombang A satu di BLK blk-a", "<b>Jumlah:</b> 2 orang")
    await chat.press("Kirim", "Terkirim 0 / 2")
    await committed(fake_api)
    rows = await outbox(app)
    assert [row.chat_id for row in rows] == [101, 106]
    payload = Outgoing.from_json(opened(rows[0].payload, app.db.sealer))
    assert payload.method == "sendPhoto"
    assert payload.params["photo"] == photo.params["photo"]
    assert payload.params["caption"] == "Jadwal gelombang baru"


def unread(fake: FakeBotAPI) -> list[ApiCall]:
    """Messages to the coordinator no `expect` has read (button clean-ups aside)."""
    return [c for c in fake.unconsumed(COORDINATOR) if c.method in REPLY_METHODS]


async def postpone_broadcast(app: App) -> None:
    """The recipients' rows wait, so the sender below delivers only the coordinator's."""
    async with app.db.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.kind == "broadcast")
            .values(not_before=app.clock.now() + timedelta(days=1))
        )


async def progress_round(app: App, bot: Bot) -> None:
    """The runner's progress job, then the sender, both on the app's clock."""
    await app.services.broadcasts.update_progress()
    render = notice_renderer(app.services, app.i18n)
    sender = Sender(app.db, bot, render=render, per_chat_interval=0, clock=app.clock)
    await sender.run_once()


async def test_progress_cancel_and_final_report(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app, chat = await blk_a_coordinator(fake_api, running_bot)
    app.services.broadcasts.throttle.min_interval = 0
    progress = await compose_and_send(chat, fake_api)
    await postpone_broadcast(app)

    await progress_round(app, sender_bot)  # nothing changed: no edit
    assert unread(fake_api) == []
    await set_status(app, [101], "sent")
    await progress_round(app, sender_bot)
    edited = await chat.expect("Terkirim 1 / 3")
    assert edited.method == "editMessageText"
    assert edited.params["message_id"] == progress.result["message_id"]

    await chat.press("Batalkan", "Batalkan siaran #1?")
    await chat.press("Ya, batalkan", "Siaran #1 dibatalkan: 2 pesan tidak jadi dikirim")
    await committed(fake_api)
    statuses = {row.chat_id: row.status for row in await outbox(app)}
    assert statuses == {101: "sent", 102: "cancelled", 106: "cancelled"}

    await progress_round(app, sender_bot)
    report = await chat.expect("<b>Siaran #1 selesai</b>", "Terkirim: 1 dari 3", "Dibatalkan: 2")
    assert report.params["message_id"] == progress.result["message_id"]
    await progress_round(app, sender_bot)  # reported once
    assert unread(fake_api) == []


async def test_report_refused_for_now_is_delivered_later(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    """The report is queued with the broadcast's close: a network error only delays it."""
    app, chat = await blk_a_coordinator(fake_api, running_bot)
    progress = await compose_and_send(chat, fake_api)
    await set_status(app, [101, 102, 106], "sent")
    fake_api.fail_next(
        "editMessageText", error_code=502, description="Bad Gateway", chat_id=COORDINATOR
    )
    await progress_round(app, sender_bot)
    refused = await chat.next()
    assert (refused.method, refused.status) == ("editMessageText", 502)
    done = await app.services.broadcasts.get(1)
    assert done is not None and done.finished_at is not None

    running_bot.clock.set(running_bot.clock.now() + timedelta(seconds=5))  # after the backoff
    await progress_round(app, sender_bot)
    report = await chat.expect("<b>Siaran #1 selesai</b>", "Terkirim: 3 dari 3")
    assert report.method == "editMessageText"
    assert report.params["message_id"] == progress.result["message_id"]
    assert unread(fake_api) == []


async def test_report_replaces_a_deleted_progress_message(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app, chat = await blk_a_coordinator(fake_api, running_bot)
    await compose_and_send(chat, fake_api)
    await set_status(app, [101, 102, 106], "sent")
    fake_api.fail_next(
        "editMessageText",
        error_code=400,
        description="Bad Request: message to edit not found",
        chat_id=COORDINATOR,
    )
    await progress_round(app, sender_bot)
    assert (await chat.next()).status == 400
    report = await chat.expect("<b>Siaran #1 selesai</b>", "Terkirim: 3 dari 3")
    assert report.method == "sendMessage"


async def test_final_report_with_failures_csv(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    app, chat = await blk_a_coordinator(fake_api, running_bot)
    await compose_and_send(chat, fake_api)
    await set_status(app, [101], "sent")
    await set_status(app, [102], "unreachable", "Forbidden: bot was blocked by the user")
    await set_status(app, [106], "failed", "Bad Request: chat not found")
    await progress_round(app, sender_bot)
    await chat.expect("Terkirim: 1 dari 3", "Tidak terjangkau (memblokir bot): 1", "Gagal: 1")
    document = await chat.expect("Pesan yang tidak terkirim")
    assert document.method == "sendDocument"
    assert document.files["document"].content.decode().splitlines() == [
        "chat_id,status,reason",
        "102,unreachable,Forbidden: bot was blocked by the user",
        "106,failed,Bad Request: chat not found",
    ]
    async with app.db.transaction() as session:
        broadcast = (await session.execute(select(Broadcast))).scalar_one()
    assert broadcast.status == "done" and broadcast.finished_at is not None
    assert broadcast.finished_at <= datetime.now(UTC)


def test_progress_numbers_are_formatted_per_language() -> None:
    i18n: I18n = create_i18n("id")
    progress = Progress(7, 5000, {"sent": 1250, "pending": 3750})
    with i18n.context():
        with i18n.use_locale("id"):
            assert progress_text(progress) == (
                "📣 Siaran #7\nTerkirim 1.250 / 5.000\nMenunggu 3.750, gagal 0"
            )
        with i18n.use_locale("en"):
            assert (
                progress_text(progress)
                == "📣 Broadcast #7\nSent 1,250 / 5,000\nWaiting 3,750, failed 0"
            )

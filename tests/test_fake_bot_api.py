"""Tests of the fake Telegram Bot API itself, driven by a real aiogram Bot."""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from hypothesis import given
from hypothesis import strategies as st

from tests.fake_bot_api import (
    FakeBotAPI,
    UploadedFile,
    decode_params,
    load_schema,
    parse_html,
    validate_call,
    validate_request,
)
from tests.fake_bot_api.html_check import HtmlParseError, html_error
from tests.fake_bot_api.schema import decode_value, parse_schema
from tests.fake_bot_api.vendor_schema import build_subset

pytest_plugins = ["tests.fake_bot_api.fixtures", "pytester"]

USER = 4242


@pytest_asyncio.fixture
async def bot(fake_api: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake_api.url))
    bot = Bot(token=fake_api.token, session=session)
    yield bot
    await session.close()


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in pairs]
    )


async def raw_post(fake: FakeBotAPI, method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """Bypass aiogram, e.g. to send fields aiogram's models would never produce."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.url}/bot{fake.token}/{method}", **kwargs) as resp,
    ):
        return resp.status, await resp.json()


def take_violations(fake: FakeBotAPI) -> list[str]:
    """Read and clear the violations a test provoked on purpose (teardown would fail)."""
    found = list(fake.violations)
    fake.violations.clear()
    return found


# --------------------------------------------------------------------- through aiogram


async def test_get_me_returns_the_bot_user(fake_api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == 123456789 == int(fake_api.token.split(":")[0])
    assert me.username == "blk_test_bot"
    call = await fake_api.wait_call("getMe")
    assert call.ok and call.params == {}


async def test_send_message_with_inline_keyboard_is_recorded_parsed(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    first = await bot.send_message(USER, "Pilih:", reply_markup=keyboard(("Ya", "yes")))
    second = await bot.send_message(USER, "Lagi", reply_markup=keyboard(("Tidak", "no")))
    assert second.message_id > first.message_id
    assert first.from_user is not None and first.from_user.is_bot
    assert first.reply_markup is not None  # echoed back, parsed by aiogram

    call = await fake_api.reply(USER)
    assert call.method == "sendMessage" and call.chat_id == USER
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}]]
    }
    assert call.keyboard_kind == "inline"
    assert call.buttons == [("Ya", "yes")]
    assert call.button_data("Y") == "yes"
    with pytest.raises(AssertionError, match="Ya"):
        call.button_data("Nope")
    assert (await fake_api.reply(USER)).text == "Lagi"
    assert fake_api.sent_texts(USER) == ["Pilih:", "Lagi"]
    assert fake_api.unconsumed(USER) == []


async def test_reply_keyboard_is_not_echoed_but_recorded(fake_api: FakeBotAPI, bot: Bot) -> None:
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Kirim kontak", request_contact=True)]],
        resize_keyboard=True,
    )
    sent = await bot.send_message(USER, "Nomor?", reply_markup=markup)
    assert sent.reply_markup is None
    call = await fake_api.reply(USER)
    assert call.keyboard_kind == "reply"
    assert call.buttons == [("Kirim kontak", None)]


async def test_callback_data_of_65_bytes_is_a_violation(fake_api: FakeBotAPI, bot: Bot) -> None:
    ok_data = "é" * 32  # 32 characters, 64 bytes: the limit is in bytes
    await bot.send_message(USER, "ok", reply_markup=keyboard(("A", ok_data)))
    assert fake_api.violations == []

    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "x", reply_markup=keyboard(("A", ok_data + "x")))
    (violation,) = take_violations(fake_api)
    assert "sendMessage.reply_markup.inline_keyboard[0][0].callback_data" in violation
    assert "65 bytes" in violation


@pytest.mark.parametrize(("length", "violates"), [(4096, False), (4097, True), (1, False)])
async def test_text_length_limit(
    fake_api: FakeBotAPI, bot: Bot, length: int, violates: bool
) -> None:
    if violates:
        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(USER, "a" * length)
    else:
        await bot.send_message(USER, "a" * length)
    assert bool(take_violations(fake_api)) is violates


@pytest.mark.parametrize(
    ("text", "violates"),
    [("😀" * 2048, False), ("😀" * 2048 + "a", True), ("a" * 4094 + "é", False)],
)
async def test_text_length_is_counted_in_utf16_units(
    fake_api: FakeBotAPI, bot: Bot, text: str, violates: bool
) -> None:
    """Telegram counts an emoji outside the BMP as two: 2,049 characters can be too long."""
    if violates:
        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(USER, text)
    else:
        await bot.send_message(USER, text)
    assert bool(take_violations(fake_api)) is violates


async def test_callback_answer_text_is_counted_in_utf16_units(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    fake_api.callback(USER, "x")
    (update,) = await bot.get_updates()
    assert update.callback_query is not None
    with pytest.raises(TelegramBadRequest):
        await bot.answer_callback_query(update.callback_query.id, text="😀" * 100 + "a")
    assert "answerCallbackQuery.text" in take_violations(fake_api)[0]
    assert await bot.answer_callback_query(update.callback_query.id, text="😀" * 100)


async def test_html_length_is_measured_after_entity_parsing(fake_api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(USER, "<b> </b>", parse_mode="HTML")
    (violation,) = take_violations(fake_api)
    assert "sendMessage.text" in violation


async def test_unknown_field_is_a_violation(fake_api: FakeBotAPI) -> None:
    status, body = await raw_post(
        fake_api, "sendMessage", data={"chat_id": str(USER), "text": "hi", "colour": "red"}
    )
    assert status == 400 and body["ok"] is False and body["error_code"] == 400
    (violation,) = take_violations(fake_api)
    assert "sendMessage.colour" in violation and "unknown field" in violation


async def test_missing_required_field_is_a_violation(fake_api: FakeBotAPI) -> None:
    status, body = await raw_post(fake_api, "sendMessage", data={"chat_id": str(USER)})
    assert status == 400
    assert body["description"] == "Bad Request: message text is empty"
    (violation,) = take_violations(fake_api)
    assert "sendMessage.text" in violation and "missing" in violation


async def test_wrong_scalar_type_is_a_violation(fake_api: FakeBotAPI) -> None:
    status, _ = await raw_post(fake_api, "getUpdates", data={"timeout": "soon"})
    assert status == 400
    (violation,) = take_violations(fake_api)
    assert "getUpdates.timeout" in violation and "Integer" in violation


async def test_json_body_is_accepted(fake_api: FakeBotAPI) -> None:
    payload = {"chat_id": USER, "text": "json", "reply_markup": {"remove_keyboard": True}}
    status, body = await raw_post(fake_api, "sendMessage", json=payload)
    assert status == 200 and body["result"]["text"] == "json"
    call = await fake_api.reply(USER)
    assert call.keyboard_kind == "remove"


async def test_unknown_method_is_404_and_a_violation(fake_api: FakeBotAPI, bot: Bot) -> None:
    status, body = await raw_post(fake_api, "sendTelepathy", data={"chat_id": "1"})
    assert (status, body["description"]) == (404, "Not Found")
    assert "sendTelepathy" in take_violations(fake_api)[0]


async def test_wrong_token_is_401_and_a_violation(fake_api: FakeBotAPI) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake_api.url}/bot1:other/getMe") as resp,
    ):
        assert resp.status == 401
    assert "another bot token" in take_violations(fake_api)[0]


@pytest.mark.parametrize("text", ["<b>x", "a < b", "<div>x</div>", "fish & chips", "</b>"])
async def test_invalid_html_is_a_violation(fake_api: FakeBotAPI, bot: Bot, text: str) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER, text, parse_mode="HTML")
    (violation,) = take_violations(fake_api)
    assert "sendMessage.text" in violation


async def test_valid_html_is_accepted_and_echoed_as_entities(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    sent = await bot.send_message(
        USER, '<b>x</b> &amp; <a href="https://x">y</a>', parse_mode="html"
    )
    assert sent.text == "x & y"
    assert sent.entities is not None
    assert [(e.type, e.offset, e.length, e.url) for e in sent.entities] == [
        ("bold", 0, 1, None),
        ("text_link", 4, 1, "https://x"),
    ]


async def test_caption_limit_and_html(fake_api: FakeBotAPI, bot: Bot) -> None:
    upload = BufferedInputFile(b"a;b\n", filename="data.csv")
    await bot.send_document(USER, upload, caption="<i>ok</i>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_document(USER, upload, caption="c" * 1025)
    (violation,) = take_violations(fake_api)
    assert "sendDocument.caption" in violation


async def test_bad_commands_are_violations(fake_api: FakeBotAPI, bot: Bot) -> None:
    scope = BotCommandScopeChat(chat_id=USER)
    await bot.set_my_commands([BotCommand(command="start", description="Mulai")], scope=scope)
    assert fake_api.my_commands[("chat", USER, "")][0]["command"] == "start"
    with pytest.raises(TelegramBadRequest):
        await bot.set_my_commands([BotCommand(command="Start-Now", description="x" * 257)])
    found = take_violations(fake_api)
    assert any("commands[0].command" in v for v in found)
    assert any("commands[0].description" in v for v in found)


async def test_answer_callback_text_limit(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.callback(USER, "x")
    (update,) = await bot.get_updates()
    assert update.callback_query is not None
    with pytest.raises(TelegramBadRequest):
        await bot.answer_callback_query(update.callback_query.id, text="t" * 201)
    assert "answerCallbackQuery.text" in take_violations(fake_api)[0]
    assert await bot.answer_callback_query(update.callback_query.id, text="t" * 200)
    call = await fake_api.wait_call("answerCallbackQuery", chat_id=USER, predicate=lambda c: c.ok)
    assert call.params["text"] == "t" * 200
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):  # answered already
        await bot.answer_callback_query(update.callback_query.id)
    assert fake_api.violations == []  # behaviour, not a schema violation


# --------------------------------------------------------------------- updates


async def test_get_updates_honours_offset(fake_api: FakeBotAPI, bot: Bot) -> None:
    first = fake_api.message(USER, "satu")
    second = fake_api.message(USER, "/start promo", first_name="Siti")
    third = fake_api.location(USER, -6.2, 106.8)

    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first, second, third]
    assert updates[1].message is not None and updates[1].message.entities is not None
    assert updates[1].message.entities[0].type == "bot_command"
    assert updates[1].message.entities[0].length == len("/start")
    assert updates[1].message.from_user is not None
    assert updates[1].message.from_user.first_name == "Siti"

    assert [u.update_id for u in await bot.get_updates(offset=second)] == [second, third]
    await fake_api.wait_confirmed(first)
    assert fake_api.confirmed_offset == second
    # confirmed updates are gone for good, even without an offset
    assert [u.update_id for u in await bot.get_updates(limit=1)] == [second]
    assert await bot.get_updates(offset=third + 1) == []


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake_api.wait_polling()
    assert not poll.done()
    update_id = fake_api.message(USER, "halo")
    updates = await asyncio.wait_for(poll, timeout=5)  # far less than the 30 s long poll
    assert [u.update_id for u in updates] == [update_id]


async def test_concurrent_get_updates_gets_409(fake_api: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake_api.wait_polling()
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await bot.get_updates(timeout=0)
    fake_api.message(USER, "release the long poll")
    assert len(await asyncio.wait_for(poll, timeout=5)) == 1
    conflict = await fake_api.wait_call("getUpdates", predicate=lambda c: c.status == 409)
    assert conflict.response["error_code"] == 409
    assert fake_api.violations == []


async def test_cancelled_long_poll_frees_the_slot(fake_api: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake_api.wait_polling()
    poll.cancel()  # what aiogram does when polling stops: the connection is dropped
    await fake_api.changed.wait_for(lambda: not fake_api.polling, 5)
    assert await bot.get_updates(timeout=0) == []


async def test_allowed_updates_filters_delivery(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.message(USER, "teks")
    cb = fake_api.callback(USER, "tombol")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.update_id for u in updates] == [cb]


async def test_all_update_builders_parse_in_aiogram(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.contact(USER, "+6281234567890")
    fake_api.contact(USER, "+6281111111111", contact_user_id=None, first_name="Ani")
    fake_api.sticker(USER)
    fake_api.photo(USER)
    fake_api.voice(USER)
    fake_api.document(USER, b"nama,nik\n", "peserta.csv")
    fake_api.edited_message(USER, "diedit")
    fake_api.group_message(-1001234567890, USER, "/help@blk_test_bot")
    fake_api.channel_post(-1009876543210, "pengumuman")
    fake_api.push_update({"my_chat_member": None} | {"update_id": 5000})
    updates = await bot.get_updates(allowed_updates=[])
    messages = [u.message for u in updates if u.message is not None]
    assert messages[0].contact is not None and messages[0].contact.user_id == USER
    assert messages[1].contact is not None and messages[1].contact.user_id is None
    assert messages[2].sticker and messages[3].photo and messages[4].voice
    assert messages[5].document is not None
    assert messages[5].document.mime_type == "text/csv"
    assert updates[6].edited_message is not None
    assert updates[6].edited_message.text == "diedit"
    assert messages[6].chat.type == "supergroup"
    assert updates[8].channel_post is not None
    assert updates[-1].update_id == 5000
    assert fake_api.message(USER, "next") == 5001


async def test_document_get_file_and_download(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.document(USER, b"nama,nik\nBudi,1\n", "peserta.csv")
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    file = await bot.get_file(update.message.document.file_id)
    assert file.file_path is not None and file.file_path.endswith(".csv")
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"nama,nik\nBudi,1\n"
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_callback_carries_the_bot_message(fake_api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Pilih", reply_markup=keyboard(("Ya", "yes")))
    fake_api.callback(USER, "yes")
    fake_api.callback(USER, "old", message_id=999)
    latest, unknown = await bot.get_updates()
    assert latest.callback_query is not None and latest.callback_query.message is not None
    assert latest.callback_query.message.message_id == sent.message_id
    assert latest.callback_query.data == "yes"
    assert unknown.callback_query is not None
    assert isinstance(unknown.callback_query.message, InaccessibleMessage)


async def test_edit_flow(fake_api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_message(USER, "v1", reply_markup=keyboard(("A", "a")))
    edited = await bot.edit_message_text(
        "v2", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard(("B", "b"))
    )
    assert not isinstance(edited, bool) and edited.text == "v2"
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "v2", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard(("B", "b"))
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("v3", chat_id=USER, message_id=12345)
    assert await bot.edit_message_text("inline", inline_message_id="abc") is True
    assert fake_api.violations == []
    assert [c.text for c in [await fake_api.reply(USER) for _ in range(4)]] == [
        "v1",
        "v2",
        "v2",
        "v3",
    ]
    inline = await fake_api.wait_call("editMessageText")
    assert inline.chat_id is None and inline.result is True


async def test_every_supported_method_parses_in_aiogram(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.message(USER, "asli")
    (update,) = await bot.get_updates()
    assert update.message is not None
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.delete_my_commands()
    chat = await bot.get_chat(USER)
    assert chat.type == "private" and chat.first_name == "Budi"
    copied = await bot.copy_message(USER + 1, USER, update.message.message_id)
    forwarded = await bot.forward_message(USER + 1, USER, update.message.message_id)
    assert forwarded.message_id > copied.message_id
    assert forwarded.text == "asli" and forwarded.forward_origin is not None
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(USER, USER, 999_999)
    location = await bot.send_location(USER, latitude=-6.6, longitude=106.8)
    assert location.location is not None and location.location.latitude == -6.6
    venue = await bot.send_venue(USER, -6.6, 106.8, title="BLK Bogor", address="Jl. Raya")
    assert venue.venue is not None and venue.venue.title == "BLK Bogor"
    photo = await bot.send_photo(USER, BufferedInputFile(b"\xff\xd8jpeg", "p.jpg"), caption="c")
    assert photo.photo and photo.caption == "c"
    again = await bot.send_photo(USER, photo.photo[-1].file_id)
    assert again.photo and again.photo[-1].file_id == photo.photo[-1].file_id
    markup = keyboard(("A", "a"))
    with_kb = await bot.send_message(USER, "kb", reply_markup=markup)
    edited = await bot.edit_message_reply_markup(
        chat_id=USER, message_id=with_kb.message_id, reply_markup=None
    )
    assert not isinstance(edited, bool) and edited.reply_markup is None
    assert await bot.delete_message(USER, with_kb.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, with_kb.message_id)
    assert fake_api.violations == []
    assert (await fake_api.wait_call("sendPhoto")).files["photo"].content == b"\xff\xd8jpeg"


async def test_edit_without_target_is_a_violation(fake_api: FakeBotAPI) -> None:
    status, _ = await raw_post(fake_api, "editMessageText", data={"text": "x"})
    assert status == 400
    assert "inline_message_id" in take_violations(fake_api)[0]


# --------------------------------------------------------------------- test-side API


async def test_fail_next_429_raises_retry_after(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.fail_next(
        "sendMessage",
        error_code=429,
        description="Too Many Requests: retry after 7",
        retry_after=7,
        chat_id=USER,
    )
    await bot.send_message(USER + 1, "other chat is unaffected")
    with pytest.raises(TelegramRetryAfter) as excinfo:
        await bot.send_message(USER, "limited")
    assert excinfo.value.retry_after == 7
    await bot.send_message(USER, "only once")
    assert fake_api.sent_texts(USER) == ["only once"]
    assert fake_api.violations == []


async def test_blocked_user_gets_403(fake_api: FakeBotAPI, bot: Bot) -> None:
    fake_api.block(USER)
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(USER, "halo")
    await bot.get_me()  # not a send: unaffected
    fake_api.unblock(USER)
    await bot.send_message(USER, "halo lagi")
    assert fake_api.sent_texts(USER) == ["halo lagi"]


async def test_unknown_method_surfaces_in_aiogram_as_not_found(fake_api: FakeBotAPI) -> None:
    fake_api.fail_next("getMe", error_code=404, description="Not Found")
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake_api.url))
    async with Bot(token=fake_api.token, session=session) as bot:
        with pytest.raises(TelegramNotFound):
            await bot.get_me()


async def test_wait_call_consumes_in_order_and_times_out_with_a_dump(
    fake_api: FakeBotAPI, bot: Bot
) -> None:
    await bot.send_message(USER, "satu")
    await bot.send_chat_action(USER, "typing")
    await bot.send_message(USER, "dua")
    assert (await fake_api.wait_call(chat_id=USER)).text == "satu"
    assert (await fake_api.reply(USER)).text == "dua"  # skips sendChatAction
    assert [c.method for c in fake_api.unconsumed(USER)] == ["sendChatAction"]
    assert (await fake_api.wait_call("sendChatAction")).params["action"] == "typing"
    with pytest.raises(AssertionError, match=r"(?s)timed out.*sendMessage chat=4242"):
        await fake_api.reply(USER, timeout=0.05)


async def test_wait_call_wakes_on_a_later_call(fake_api: FakeBotAPI, bot: Bot) -> None:
    waiter = asyncio.create_task(fake_api.reply(USER))
    await asyncio.wait_for(bot.send_message(USER, "nanti"), timeout=5)
    assert (await asyncio.wait_for(waiter, timeout=5)).text == "nanti"


def test_fixture_fails_the_test_on_violations(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makeconftest("from tests.fake_bot_api.fixtures import fake_api  # noqa: F401\n")
    pytester.makepyfile(
        """
        import aiohttp

        async def test_breaks_schema(fake_api):
            url = f"{fake_api.url}/bot{fake_api.token}/sendMessage"
            async with aiohttp.ClientSession() as s, s.post(url, data={"chat_id": "1"}) as r:
                assert r.status == 400

        async def test_clean(fake_api):
            assert fake_api.violations == []
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*Bot API schema violations:*", "*sendMessage.text*"])


# --------------------------------------------------------------------- schema.py alone

SCHEMA = load_schema()


def markup_violations(markup: Any, method: str = "sendMessage") -> list[str]:
    params = {"chat_id": 1, "text": "x", "reply_markup": markup}
    if method != "sendMessage":
        params = {"chat_id": 1, "message_id": 2, "text": "x", "reply_markup": markup}
    return [str(v) for v in validate_call(SCHEMA, method, params)]


def test_vendored_schema_has_all_methods_and_reachable_types() -> None:
    assert len(SCHEMA.methods) == 21
    assert {"setWebhook", "deleteWebhook", "getWebhookInfo"} <= set(SCHEMA.methods)
    for name in ("InlineKeyboardButton", "BotCommandScopeChat", "MessageEntity", "User"):
        assert name in SCHEMA.types
    assert SCHEMA.method("SENDMESSAGE") is SCHEMA.methods["sendMessage"]


def test_decode_value_follows_schema_types() -> None:
    assert decode_value(("Integer", "String"), "-100123") == -100123
    assert decode_value(("Integer", "String"), "@channel") == "@channel"
    assert decode_value(("Float",), "1.5") == 1.5
    assert decode_value(("Boolean",), "true") is True
    assert decode_value(("String",), "123") == "123"
    assert decode_value(("Array of String",), '["message"]') == ["message"]
    with pytest.raises(ValueError, match="JSON"):
        decode_value(("InlineKeyboardMarkup", "ReplyKeyboardRemove"), "{broken")


def test_decode_resolves_attach_references() -> None:
    part = UploadedFile("f1", "a.csv", b"1")
    params, problems = decode_params(
        SCHEMA, "sendDocument", {"chat_id": "1", "document": "attach://f1", "f1": part}
    )
    assert problems == [] and params == {"chat_id": 1, "document": part}
    _, found = validate_request(SCHEMA, "sendDocument", {"chat_id": "1", "document": "attach://x"})
    assert ["sendDocument.document" in str(v) for v in found] == [True]


def test_reply_markup_union_accepts_every_alternative() -> None:
    assert markup_violations({"inline_keyboard": [[{"text": "a", "url": "https://x"}]]}) == []
    assert markup_violations({"keyboard": [["plain", {"text": "b"}]]}) == []
    assert markup_violations({"remove_keyboard": True}) == []
    assert markup_violations({"force_reply": True}) == []
    # editMessageText only takes inline keyboards
    assert markup_violations({"remove_keyboard": True}, "editMessageText") != []


def test_union_reports_against_the_closest_alternative() -> None:
    (violation,) = markup_violations({"keyboard": [[{"text": ""}]]})
    assert "keyboard[0][0].text" in violation and "non-empty" in violation


@pytest.mark.parametrize(
    ("button", "fragment"),
    [
        ({"text": "no action"}, "exactly one"),
        ({"text": "two", "url": "https://x", "callback_data": "y"}, "exactly one"),
        ({"text": "", "callback_data": "y"}, "non-empty"),
        ({"text": "x", "callback_data": ""}, "length 0 bytes"),
        ({"text": "x", "callback_data": "y", "colour": "red"}, "unknown field"),
        ({"text": "x", "callback_data": "y", "style": "blink"}, "must be one of"),
        ({"text": 5, "callback_data": "y"}, "expected String"),
    ],
)
def test_inline_button_rules(button: dict[str, Any], fragment: str) -> None:
    found = markup_violations({"inline_keyboard": [[button]]})
    assert any(fragment in v for v in found), found


def test_subtypes_are_picked_by_discriminator() -> None:
    def scope_violations(scope: dict[str, Any]) -> list[str]:
        params = {"commands": [{"command": "a", "description": "b"}], "scope": scope}
        return [str(v) for v in validate_call(SCHEMA, "setMyCommands", params)]

    assert scope_violations({"type": "default"}) == []
    assert scope_violations({"type": "chat_member", "chat_id": 1, "user_id": 2}) == []
    assert "scope.chat_id" in scope_violations({"type": "chat"})[0]
    assert "not one of" in scope_violations({"type": "galaxy"})[0]


def test_unknown_method_and_missing_fields() -> None:
    (unknown,) = validate_call(SCHEMA, "sendHologram", {})
    assert unknown.status == 404 and unknown.description == "Not Found"
    missing = {v.path for v in validate_call(SCHEMA, "sendLocation", {"chat_id": 1})}
    assert missing == {"latitude", "longitude"}
    (far,) = validate_call(SCHEMA, "sendLocation", {"chat_id": 1, "latitude": 91, "longitude": 0})
    assert far.path == "latitude"


def test_parse_schema_reads_prose_rules_from_descriptions() -> None:
    api = {
        "methods": {"m": {"name": "m", "fields": [], "returns": ["Boolean"]}},
        "types": {
            "T": {
                "name": "T",
                "description": ["Exactly one of the fields other than text must be used."],
                "fields": [
                    {"name": "text", "types": ["String"], "required": True},
                    {"name": "a", "types": ["String"], "required": False},
                    {"name": "b", "types": ["String"], "required": False},
                ],
            }
        },
    }
    spec = parse_schema(api).types["T"]
    assert spec.exclusive is not None and spec.exclusive.fields == {"a", "b"}


def test_vendor_script_keeps_reachable_types_only() -> None:
    field = {"required": True, "description": "x" * 300}
    discr = "Type, must be b"
    api = {
        "version": "Bot API test",
        "methods": {
            "m": {"name": "m", "fields": [{"name": "f", "types": ["Array of A"], **field}]},
            "other": {"name": "other", "fields": [{"name": "g", "types": ["Z"], **field}]},
        },
        "types": {
            "A": {"name": "A", "subtypes": ["B"], "description": ["long prose"]},
            "B": {
                "name": "B",
                "fields": [
                    {"name": "type", "types": ["String"], "required": True, "description": discr},
                    {"name": "c", "types": ["C"], "required": False, "description": "long"},
                ],
            },
            "C": {"name": "C", "fields": []},
            "Z": {"name": "Z", "fields": []},
        },
    }
    subset = build_subset(api, ["m"])
    assert set(subset["types"]) == {"A", "B", "C"}
    assert "description" not in subset["methods"]["m"]["fields"][0]
    assert "description" not in subset["types"]["A"]
    assert subset["types"]["B"]["fields"][0]["description"] == "Type, must be b"
    assert parse_schema(subset).types["B"].fields is not None


# --------------------------------------------------------------------- html_check.py


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("é & x", "Unsupported HTML entity at byte offset 3"),
        ("&nbsp;", "Unsupported HTML entity"),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
        ('<a href="x"', "Unclosed start tag"),
        ("<tg-emoji>x</tg-emoji>", "emoji-id"),
    ],
)
def test_html_errors(text: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as excinfo:
        parse_html(text)
    assert error in str(excinfo.value)


@pytest.mark.parametrize(
    "text",
    [
        "<b>x</b> &amp; <a href='https://x'>y</a>",
        "<B>upper</B> &lt;tag&gt; &quot;q&quot; &#65; &#x41;",
        '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
        '<pre><code class="language-python">x = 1</code></pre>',
        "<blockquote expandable>quote</blockquote> a > b",
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        "<b>bold <i>both</i></b><u>u</u><s>s</s><ins>i</ins><del>d</del><strike>x</strike>",
    ],
)
def test_valid_html(text: str) -> None:
    assert html_error(text) is None


def test_html_entities_use_utf16_offsets() -> None:
    parsed = parse_html('😀 <b>tebal</b> <pre><code class="language-py">x</code></pre>')
    assert parsed.text == "😀 tebal x"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 5},
        {"type": "pre", "offset": 9, "length": 1, "language": "py"},
    ]


@given(st.text())
def test_escaped_text_is_always_valid_html(text: str) -> None:
    assert parse_html(html.escape(text)).text == text


def test_decoded_json_params_round_trip() -> None:
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}
    raw = {"chat_id": "7", "text": "x", "reply_markup": json.dumps(markup)}
    params, found = validate_request(SCHEMA, "sendMessage", raw)
    assert found == []
    assert params == {"chat_id": 7, "text": "x", "reply_markup": markup}

"""End to end: questions typed to the bot, /faq browsing, "Membantu?", forged FAQ buttons."""

from __future__ import annotations

from handlers.common.callbacks import AskCb, FaqAction, FaqCb, FaqVoteCb
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat

STALE = "Tombol ini sudah tidak berlaku."
ASK_FROM_FAQ = AskCb(origin="faq").pack()


async def test_a_question_with_a_typo_is_answered_and_asks_if_it_helped(chat: Chat) -> None:
    answer = await chat.send("peserta dapat sertifkat?", "Apakah peserta mendapat sertifikat?")
    assert "diinformasikan oleh BLK" in answer.text
    assert [label for label, _ in answer.buttons] == ["👍 Membantu", "👎 Tidak membantu"]
    chat.press_on(answer, "👍 Membantu")
    closed = await chat.fake.wait_call("editMessageReplyMarkup", chat_id=chat.user_id)
    assert "reply_markup" not in closed.params
    thanks = await chat.fake.wait_call("answerCallbackQuery")
    assert thanks.params["text"] == "Terima kasih atas masukan Anda!"


async def test_slang_is_understood(chat: Chat) -> None:
    answer = await chat.send("dokumen apa yg hrs dibawa", "Dokumen apa yang perlu dibawa?")
    assert "diberitahukan oleh BLK" in answer.text


async def test_facts_show_their_source(chat: Chat) -> None:
    await chat.send("Apa itu JKP dan berapa manfaat uangnya?", "Rp3.000.000", "Sumber: PP 6/2025")


async def test_not_helpful_offers_the_runners_up_and_staff(chat: Chat) -> None:
    await chat.send("apakah peserta pelatihan dapat sertifkat?", "sertifikat")
    others = await chat.press("Tidak membantu", "Mungkin maksud Anda")
    labels = [label for label, _ in others.buttons]
    assert len(labels) == 3 and labels[-1] == "🙋 Tanya petugas"
    assert others.buttons[-1][1] == ASK_FROM_FAQ
    await chat.press(labels[0], labels[0])


async def test_a_vague_question_offers_three_and_pressing_one_answers(chat: Chat) -> None:
    offer = await chat.send("jkp", "Mungkin maksud Anda")
    questions = [label for label, data in offer.buttons if data != ASK_FROM_FAQ]
    assert len(questions) == 3 and "Siapa yang berhak mendapat JKP?" in questions
    assert offer.buttons[-1] == ("🙋 Tanya petugas", ASK_FROM_FAQ)
    answer = await chat.press("Siapa yang berhak mendapat JKP?", "12 bulan dalam 24 bulan")
    assert "👎 Tidak membantu" in [label for label, _ in answer.buttons]


async def test_no_match_offers_staff_and_the_menu(chat: Chat) -> None:
    reply = await chat.send("cuaca besok hujan ga", "belum mengerti", "/faq")
    assert (chat.last.button_data("Tanya petugas")) == ASK_FROM_FAQ
    assert "📝 Daftar pelatihan" in [label for label, _ in reply.buttons]


async def test_browse_topic_question_answer_and_back(chat: Chat) -> None:
    await chat.send("/faq", "Pertanyaan umum", "Pilih topik")
    topic = await chat.press("Gelombang & daftar tunggu", "Gelombang &amp; daftar tunggu")
    assert topic.method == "editMessageText"
    await chat.press("Bagaimana daftar tunggu bekerja?", "nomor urut", "/jadwal")
    await chat.press("Kembali", "Pilih pertanyaan")
    await chat.press("Kembali", "Pilih topik")
    questions = await chat.press("Data pribadi", "Pilih pertanyaan")
    assert "Bagaimana menghapus data saya?" in [label for label, _ in questions.buttons]
    await chat.press("Bagaimana menghapus data saya?", "/hapusdata")


async def test_forged_faq_buttons_get_the_stale_alert(chat: Chat) -> None:
    await chat.send("/bantuan", "/faq")  # a press comes from a message in the chat
    forged = [
        FaqCb(action=FaqAction.ANSWER, key="no-such-entry").pack(),
        FaqCb(action=FaqAction.TOPIC, key="no-such-topic").pack(),
        FaqCb(action=FaqAction.SUGGESTED, key="x").pack(),
        FaqVoteCb(entry="gratis", helpful=False, others="gratis,nope").pack(),
        FaqVoteCb(entry="nope", helpful=True).pack(),
    ]
    for data in forged:
        answer = await chat.answer_to(data)
        assert answer.params["text"] == STALE, data


async def test_english_user_gets_the_english_answer(
    fake_api: FakeBotAPI, running_bot: object
) -> None:
    english = Chat(fake_api, user_id=5002, language="en")
    answer = await english.send("is the training free", "Is the training free?", "Never pay")
    assert [label for label, _ in answer.buttons] == ["👍 Helpful", "👎 Not helpful"]
    await english.send("/faq", "Common questions")
    topic = await english.press("Certificate", "Choose a question")
    assert [label for label, _ in topic.buttons] == ["Do participants get a certificate?", "⬅️ Back"]

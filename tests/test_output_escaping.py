"""Text people typed or imported is shown as text, never as markup, and within Telegram's limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from bot.coordinators.import_reports import report_text
from bot.places.regions import default_directory
from bot.registration.participants import BusinessStatus, Sector, Sex
from bot.runtime.i18n import create_i18n
from bot.training.placements import BatchView
from handlers.common.render import card_fields
from handlers.training.render import numbered_batches
from storage.models import Blk
from tests.enrollment_setup import add_batch
from tests.fake_bot_api import FakeBotAPI, parse_html
from tests.harness import Chat, RunningBot

EVIL = '<b>x</b><a href="http://evil">y</a>'
ESCAPED = '&lt;b&gt;x&lt;/b&gt;&lt;a href="http://evil"&gt;y&lt;/a&gt;'
TELEGRAM_MAX = 4096


def test_a_name_with_markup_is_shown_as_text_in_the_card() -> None:
    with create_i18n("id").context():
        fields = card_fields(
            default_directory(),
            name=EVIL,
            nik="3201011201900001",
            phone="+6281234567890",
            birth_date=date(1990, 1, 12),
            sex=Sex.MALE,
            regency_code="32.01",
            province_code="32",
            business=BusinessStatus.MICRO,
            sector=Sector.FOOD,
            phk_affected=False,
            phk_month=None,
        )
    assert fields["name"] == ESCAPED
    assert parse_html(fields["name"]).text == EVIL


async def test_imported_blk_and_batch_names_are_escaped(
    chat: Chat, fake_api: FakeBotAPI, running_bot: RunningBot
) -> None:
    app = running_bot.app
    assert app is not None
    blk = "ppkd-jakarta-selatan"
    async with app.db.transaction() as session:
        await session.execute(
            update(Blk).where(Blk.id == blk).values(name=EVIL, address="Jl. A & B <1>")
        )
    await app.services.directory.refresh()
    await add_batch(app.db, blk, capacity=5, title=EVIL)
    fake_api.location(chat.user_id, -6.2726, 106.8100)
    await chat.expect("Mencari BLK terdekat")
    found = await chat.expect(f"1. {ESCAPED}", "Jl. A &amp; B &lt;1&gt;")
    assert EVIL in parse_html(found.text or "").text
    await chat.press("1. ", f"Gelombang di {ESCAPED}", ESCAPED)


@dataclass
class Row:
    line: int
    id: str
    reason: str
    field: str | None


@pytest.mark.parametrize("locale", ["id", "en"])
def test_an_import_report_stays_within_one_message(locale: str) -> None:
    """Rejected ids are echoed; one of any length must not push the report past 4096."""
    i18n = create_i18n("id")
    rows = [Row(50_000 + n, EVIL * 500, "bad_date", "registration_deadline") for n in range(60)]
    with i18n.context(), i18n.use_locale(locale):
        text = report_text(i18n.gettext, added=0, updated=0, unchanged=0, rejected=rows)
    shown = parse_html(text).text
    assert len(shown) <= TELEGRAM_MAX
    assert shown.count("<b>x</b>") == 25  # the first rows, as text


def test_a_list_of_long_batch_names_stays_within_one_message() -> None:
    """Titles and BLK names may be 200 characters each; eight of them do not fit."""
    start = datetime(2027, 1, 11, 1, 0, tzinfo=UTC)
    batches = [
        BatchView(
            n, "blk", "<" * 200, "&" * 200, start, start, start, 25, 25, "open", "Asia/Jakarta"
        )
        for n in range(1, 9)
    ]
    with create_i18n("id").context():
        text, shown = numbered_batches("<b>Gelombang</b>", batches)
    assert len(text) <= TELEGRAM_MAX and 1 <= len(shown) < len(batches)
    assert parse_html(text).text.count("<" * 200) == len(shown)

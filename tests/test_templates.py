"""Outbox templates: one list of names, each with a builder, written in the recipient's language."""

from __future__ import annotations

import json

import pytest
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n.context import get_i18n

from bot.delivery.outbox import Outgoing
from bot.delivery.recipient_language import RecipientLanguage
from bot.delivery.templates import Payload, Template, TemplateRenderer, template_of
from bot.preferences import PreferenceService
from bot.runtime.app import create_app
from bot.runtime.config import Settings
from bot.runtime.i18n import create_i18n
from handlers.delivery.templates import notice_renderer
from storage.database import Database
from storage.models import OutboxMessage


async def test_every_template_has_a_builder(database_url: str, data_key: str) -> None:
    settings = Settings(_env_file=None, database_url=database_url, data_key=data_key)  # type: ignore[call-arg]
    app = create_app(settings)
    try:
        assert isinstance(notice_renderer(app.services, app.i18n), TemplateRenderer)
    finally:
        await app.close()


def test_a_template_without_a_builder_stops_the_start(db: Database) -> None:
    async def build(chat_id: int, payload: Payload) -> Outgoing | None:
        return None

    language = RecipientLanguage(create_i18n("id"), PreferenceService(db))
    builders = {template: build for template in Template if template is not Template.TICKET}
    with pytest.raises(ValueError, match="templates without a builder: ticket"):
        TemplateRenderer(builders, language)


def test_template_names_are_the_stored_ones() -> None:
    assert template_of('{"template": "reminder", "enrollment_id": 3}') == (
        Template.REMINDER,
        {"template": "reminder", "enrollment_id": 3},
    )
    assert template_of('{"template": "from-a-newer-version"}') is None
    assert template_of(Outgoing.text("Halo").to_json()) is None


async def test_built_in_the_language_the_recipient_chose(db: Database) -> None:
    preferences = PreferenceService(db)
    await preferences.set_locale(1, "en")
    seen: list[tuple[int, str]] = []

    async def build(chat_id: int, payload: Payload) -> Outgoing | None:
        seen.append((chat_id, get_i18n().current_locale))
        return Outgoing.text(_("btn-attend-yes"))

    renderer = TemplateRenderer(
        dict.fromkeys(Template, build), RecipientLanguage(create_i18n("id"), preferences)
    )
    texts = []
    for chat_id in (1, 2):  # 2 never chose: the default language
        payload = json.dumps({"template": "abandoned"})
        outgoing = await renderer(OutboxMessage(id=chat_id, chat_id=chat_id, payload=payload))
        assert outgoing is not None
        texts.append(outgoing.params["text"])
    assert texts == ["✅ I will attend", "✅ Saya akan hadir"]
    assert seen == [(1, "en"), (2, "id")]
    with pytest.raises(LookupError):  # outside the block no translations are set up
        get_i18n()

"""The notice of a participant's result when their batch is completed, or a coordinator
changes it: built when sent, so it states the result then in force."""

from __future__ import annotations

from aiogram import html
from aiogram.utils.i18n import gettext as _

from bot.delivery.outbox import Outgoing
from bot.delivery.templates import Payload
from bot.services import Services
from handlers.training.referrals import next_steps_button


class ResultNotices:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def result(self, chat_id: int, payload: Payload) -> Outgoing | None:
        found = await self._services.completion.result_of_seat(int(payload["enrollment_id"]))
        if found is None:  # the seat was erased meanwhile
            return None
        batch, result = found
        text = _("result-notice-passed") if result.passed else _("result-notice-not-passed")
        return Outgoing.text(
            text.format(
                title=html.quote(batch.title),
                blk=html.quote(batch.blk_name),
                present=result.days_present,
                days=result.training_days,
            ),
            next_steps_button().model_dump(exclude_none=True),
        )

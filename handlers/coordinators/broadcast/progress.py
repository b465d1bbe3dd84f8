"""Keeping each broadcast's progress message current, and the final report when it is done.

Runs outside any update, so it sets up translations itself and writes in the language
the coordinator chose (else the default). Call `update_progress_messages` every few
seconds from the running process; it is cheap when nothing changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n.context import get_i18n

from bot.coordinators.broadcasts import BroadcastInfo, Progress
from bot.services import Services
from handlers.coordinators.broadcast.render import cancel_button, progress_text, report_text

logger = logging.getLogger(__name__)


@contextmanager
def _speaking(i18n: I18n, locale: str) -> Iterator[None]:
    token = I18n.set_current(i18n)
    try:
        with i18n.use_locale(locale):
            yield
    finally:
        I18n.reset_current(token)


async def _locale(services: Services, i18n: I18n, chat_id: int) -> str:
    return await services.preferences.locale(chat_id) or i18n.default_locale


async def _show(bot: Bot, services: Services, info: BroadcastInfo, progress: Progress) -> None:
    """Edit the running count, if it changed and the last edit is old enough."""
    assert info.progress_chat_id is not None and info.progress_message_id is not None
    text = progress_text(progress)
    # After a cancel the same count is shown again, without the button.
    shown_as = f"{text}\n(cancelled)" if info.cancelled else text
    throttle = services.broadcasts.throttle
    if not throttle.due(info.id, shown_as):
        return
    markup = None if info.cancelled else cancel_button(info.id)
    try:
        await bot.edit_message_text(
            text,
            chat_id=info.progress_chat_id,
            message_id=info.progress_message_id,
            reply_markup=markup,
        )
    except (TelegramRetryAfter, TelegramNetworkError, TelegramServerError):
        return  # try again next round
    except TelegramBadRequest:
        pass  # "not modified" after a restart, or deleted: retrying would not help
    throttle.shown(info.id, shown_as)


async def _report(bot: Bot, services: Services, info: BroadcastInfo, progress: Progress) -> None:
    """The final counts in place of the progress, and the undelivered rows as a CSV file."""
    chat_id, message_id = info.progress_chat_id, info.progress_message_id
    if chat_id is None:
        return
    text = report_text(progress)
    edited = False
    if message_id is not None:
        with suppress(TelegramBadRequest):  # deleted by the coordinator: say it anew
            await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
            edited = True
    if not edited:
        await bot.send_message(chat_id, text)
    if progress.unreachable or progress.failed:
        csv = await services.broadcasts.failures_csv(info.id)
        document = BufferedInputFile(csv, filename=f"siaran-{info.id}-tidak-terkirim.csv")
        await bot.send_document(chat_id, document, caption=_("bc-failures-caption"))


async def update_progress_messages(bot: Bot, services: Services, i18n: I18n | None = None) -> None:
    """One round over the unfinished broadcasts. `i18n` defaults to the current one."""
    i18n = i18n or get_i18n()
    broadcasts = services.broadcasts
    for info in await broadcasts.unfinished():
        progress = await broadcasts.progress(info.id)
        if progress.done:
            # Only the caller that closes the broadcast reports, so it is reported once.
            if not await broadcasts.finish_if_done(info.id):
                continue
            broadcasts.throttle.forget(info.id)
        elif info.progress_chat_id is None or info.progress_message_id is None:
            continue
        locale = await _locale(services, i18n, info.coordinator_id)
        try:
            with _speaking(i18n, locale):
                if progress.done:
                    await _report(bot, services, info, progress)
                else:
                    await _show(bot, services, info, progress)
        except TelegramAPIError as error:
            # The coordinator blocked the bot or Telegram is down: the counts stay in the DB.
            logger.warning("broadcast %s progress not shown: %s", info.id, type(error).__name__)

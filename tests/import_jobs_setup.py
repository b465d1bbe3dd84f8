"""What `blk-bot run` does after a staff upload, step by step for end-to-end tests: the
upload's update commits, the import job runs, the outbox sender delivers its messages."""

from __future__ import annotations

from aiogram import Bot

from bot.coordinators.import_jobs import Pause
from bot.delivery.sender import Sender
from handlers.delivery.templates import notice_renderer
from tests.fake_bot_api import FakeBotAPI
from tests.harness import RunningBot

SCHEDULE_HEADER = "id,blk_id,title,start_date,end_date,daily_start,daily_end,capacity"


async def run_imports(running_bot: RunningBot, pause: Pause | None = None) -> int:
    """Run every pending import job to its end; `pause` is awaited between chunks."""
    assert running_bot.app is not None
    return await running_bot.app.services.imports.run_pending(pause=pause)


async def send_outbox(running_bot: RunningBot, sender_bot: Bot) -> int:
    """Deliver every outbox row due now (progress, reports) as the sender would."""
    app = running_bot.app
    assert app is not None
    render = notice_renderer(app.services, app.i18n)
    sender = Sender(app.db, sender_bot, render=render, per_chat_interval=0, clock=app.clock)
    return await sender.run_once()


async def imported(
    fake: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot, upload_update: int
) -> None:
    """Once the upload's update committed: its import run and its report sent."""
    await fake.wait_confirmed(upload_update)
    await run_imports(running_bot)
    await send_outbox(running_bot, sender_bot)

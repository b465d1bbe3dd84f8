"""Finished import jobs are forgotten by the hourly pruning: their counts, rejected rows
(which may quote the file) and the uploader's id go once the report was sent and the
retention time (OUTBOX_KEEP_HOURS) has passed; a job still running or still waiting for
its report to go out stays."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot
from sqlalchemy import select

from storage.models import ImportJob
from tests.fake_bot_api import FakeBotAPI
from tests.harness import ADMIN_ID, Chat, RunningBot
from tests.import_jobs_setup import imported, run_imports, send_outbox

KEEP = timedelta(hours=24)


def directory(blk_id: str) -> bytes:
    """A BLK list with one good row and one rejected row quoting the file."""
    return (
        "id,name,type,regency_code\n"
        f"{blk_id},BLK {blk_id},UPTD,32.01\n"
        f"{blk_id}-x,BLK Tanpa Jenis,,32.01\n"
    ).encode()


async def job_statuses(running_bot: RunningBot) -> list[str]:
    assert running_bot.app is not None
    async with running_bot.app.db.transaction() as session:
        return list(await session.scalars(select(ImportJob.status).order_by(ImportJob.id)))


async def test_finished_jobs_are_forgotten_after_the_retention_once_reported(
    fake_api: FakeBotAPI, running_bot: RunningBot, sender_bot: Bot
) -> None:
    assert running_bot.app is not None
    imports, clock = running_bot.app.services.imports, running_bot.clock
    admin = Chat(fake_api, ADMIN_ID)

    reported = fake_api.document(ADMIN_ID, directory("blk-satu"), "satu.csv")
    await admin.expect("File diterima")
    await imported(fake_api, running_bot, sender_bot, reported)
    await admin.expect("Ditambah: 1")

    unreported = fake_api.document(ADMIN_ID, directory("blk-dua"), "dua.csv")
    await admin.expect("File diterima")
    await fake_api.wait_confirmed(unreported)
    assert await run_imports(running_bot) == 1  # its report not sent yet

    waiting = fake_api.document(ADMIN_ID, directory("blk-tiga"), "tiga.csv")
    await admin.expect("File diterima")
    await fake_api.wait_confirmed(waiting)  # not run yet
    assert await job_statuses(running_bot) == ["done", "done", "pending"]

    assert await imports.forget_finished(KEEP) == 0  # all too recent
    clock.set(clock.now() + KEEP + timedelta(minutes=1))
    assert await imports.forget_finished(KEEP) == 1
    assert await job_statuses(running_bot) == ["done", "pending"]

    assert await send_outbox(running_bot, sender_bot) >= 1
    await admin.expect("Ditambah: 1")  # written from the job kept for it
    assert await imports.forget_finished(KEEP) == 1
    assert await job_statuses(running_bot) == ["pending"]

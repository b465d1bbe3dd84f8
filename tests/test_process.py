"""The installed program itself: `blk-bot run` killed mid-conversation, and `blk-bot console`."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from storage.database import Database
from storage.instance_lock import ALREADY_RUNNING
from storage.models import Batch, OutboxMessage
from storage.outbox_repository import REPLY
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat
from tests.tcp_proxy import TcpProxy

# Importing aiogram's types takes several seconds on a small machine.
START_TIMEOUT = 90


def _env(**values: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATA_", "REDIS_"))}
    env.pop("DATABASE_URL", None)
    env.update({k: v for k, v in values.items() if v is not None})
    return env


def _run_env(
    fake: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str
) -> dict[str, str]:
    """The environment of a `blk-bot run` against the fake on the test's database."""
    return _env(
        BOT_TOKEN=fake.token,
        TELEGRAM_API_URL=fake.url,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DATA_KEY=data_key,
    )


async def _start_bot(
    fake: FakeBotAPI, env: dict[str, str], cwd: Path
) -> asyncio.subprocess.Process:
    """Start `blk-bot run` and return once it is long-polling the fake."""
    polls = fake.polls
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.runtime.cli", "run", env=env, cwd=cwd
    )
    await fake.wait_polling(START_TIMEOUT, after=polls)
    return process


async def test_sigkill_mid_registration_resumes_at_the_same_question(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str, tmp_path: Path
) -> None:
    env = _run_env(fake_api, database_url, redis_url, data_key)
    process = await _start_bot(fake_api, env, tmp_path)
    chat = Chat(fake_api, user_id=8101)
    try:
        await chat.send("/daftar", "Persetujuan")
        await chat.press("Saya setuju", "nama lengkap")
        await chat.send("Siti Aminah", "NIK")
        nik = fake_api.message(8101, "3201014112900001")
        await chat.expect("Sabtu, 1 Desember 1990", "Perempuan")
        # Killed once the answer's receipt is written (the update is confirmed after it): a
        # kill between Telegram's answer and the receipt would send the answer again.
        await fake_api.wait_confirmed(nik)
        process.send_signal(signal.SIGKILL)
        assert await process.wait() == -signal.SIGKILL

        process = await _start_bot(fake_api, env, tmp_path)
        await chat.press("Benar", "nomor HP")
        await chat.send("0812 3456 7890", "+62812")
        await chat.expect("provinsi")
        await chat.send("kab bogor", "kondisi usaha")
        await chat.press("Usaha kecil", "bidang")
        await chat.press("Jasa", "PHK")
        await chat.press("Tidak", "Siti Aminah", "3201********0001", "Kabupaten Bogor")
    finally:
        process.terminate()
        await process.wait()


async def test_a_second_bot_on_the_same_database_exits_and_the_first_keeps_answering(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str, tmp_path: Path
) -> None:
    env = _run_env(fake_api, database_url, redis_url, data_key)
    first = await _start_bot(fake_api, env, tmp_path)
    try:
        second = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.runtime.cli", "run",
            env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await asyncio.wait_for(second.communicate(), START_TIMEOUT)
        assert second.returncode != 0
        assert err.decode().strip().splitlines()[-1] == f"blk-bot: {ALREADY_RUNNING}"
        assert "Traceback" not in err.decode()
        assert first.returncode is None
        await Chat(fake_api, user_id=8102).send("/start", "gratis")
    finally:
        first.terminate()
        await first.wait()


async def _start_console(env: dict[str, str], cwd: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.runtime.cli", "console", *args,
        env=env, cwd=cwd, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _read_until(stdout: asyncio.StreamReader, expected: str, seen: list[str]) -> None:
    """Read the console's lines (into `seen`) until one contains `expected`."""

    async def scan() -> bool:
        while line := (await stdout.readline()).decode():
            seen.append(line)
            if expected in line:
                return True
        return False

    try:
        found = await asyncio.wait_for(scan(), START_TIMEOUT)
    except TimeoutError:
        found = False
    assert found, f"no {expected!r} in the console's output:\n{''.join(seen)}"


async def test_console_registration_with_mistakes_then_status(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/start",
            "/daftar",
            "1",  # Saya setuju
            "Budi Santoso",
            "1234",  # too short for a NIK
            "3201011201900001",
            "1",  # the birth date is right
            "0812",  # too short for a phone number
            "081234567890",
            "kab bogor",
            "2",  # Usaha mikro
            "1",  # Kuliner
            "2",  # not laid off
            "7",  # Kirim pendaftaran
            "/status",
            "/blk",
            "jaksel",
            "1",  # the nearest BLK: its batches
            "1",  # Pilih 1
            "1",  # Daftar di gelombang ini
            "/jadwal",
            ":keluar",
        ]
    )
    env = _env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3")
    process = await _start_console(env, tmp_path)
    out, err = await asyncio.wait_for(process.communicate(script.encode()), START_TIMEOUT)
    output = out.decode()
    assert process.returncode == 0, err.decode()
    assert "NIK harus 16 digit. Anda mengetik 4 digit." in output
    assert "Jumlah digit nomor HP tidak sesuai" in output
    assert "Pendaftaran berhasil" in output
    status = output.split("> /status")[1]
    assert "Pendaftaran Anda" in status and "3201********0001" in status
    assert "3201011201900001" not in status
    assert "Kewirausahaan Kuliner" in status and "Anda mendapat kursi" in status
    assert "kursi sudah pasti" in output.split("> /jadwal")[1]
    assert "generated a development DATA_KEY" in err.decode()
    assert (tmp_path / "data" / "dev-data-key").exists()


async def test_console_shows_a_broadcast_the_outbox_sender_delivered(
    database_url: str, redis_url: str | None, data_key: str, tmp_path: Path
) -> None:
    """An administrator registers (so "all" includes them), sends a photo broadcast to
    everyone, and gets it from the outbox sender, as `run` would deliver it."""
    admin = "4242"
    script = [
        "/daftar", "1", "Budi Santoso", "3201011201900001", "1", "081234567890",
        "kab bogor", "2", "1", "2", "7",  # registered
        "/siaran", ":foto Pelatihan gratis dibuka",
        "1",  # Semua peserta di wilayah Anda
        "1",  # Kirim
    ]  # fmt: skip
    env = _env(DATABASE_URL=database_url, REDIS_URL=redis_url, DATA_KEY=data_key, ADMIN_IDS=admin)
    process = await _start_console(env, tmp_path, "--user-id", admin)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("".join(f"{line}\n" for line in script).encode())
    seen: list[str] = []
    try:
        await _read_until(process.stdout, "Pendaftaran berhasil", seen)
        await _read_until(process.stdout, "[foto] Pelatihan gratis dibuka", seen)  # preview
        await _read_until(process.stdout, "Terkirim 0 / 1", seen)  # queued
        await _read_until(process.stdout, "[foto] Pelatihan gratis dibuka", seen)  # delivered
        await _read_until(process.stdout, "Terkirim: 1 dari 1", seen)  # the final report
    finally:
        process.stdin.write(b":keluar\n")
        _, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert process.returncode == 0, err.decode()
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            stmt = select(OutboxMessage.chat_id, OutboxMessage.status).where(
                OutboxMessage.broadcast_id.is_not(None)
            )
            assert (await session.execute(stmt)).all() == [(int(admin), "sent")]
    finally:
        await db.close()


async def test_cli_imports_the_blk_directory_with_a_report(tmp_path: Path) -> None:
    csv_file = tmp_path / "blk-update.csv"
    csv_file.write_text(
        "id,name,type,regency_code,latitude,longitude\n"
        "blkk-contoh,BLK Komunitas Contoh,BLKK,32.01,-6.48,106.85\n"
        "ppkd-jakarta-selatan,PPKD Jakarta Selatan (baru),UPTD,31.74,-6.2726,106.81\n"
        "blkk-laut,BLK di Laut,BLKK,32.01,-30.0,80.0\n"
        "blkk-entah,BLK Entah,BLKK,99.99,,\n"
    )
    env = _env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/cli.sqlite3")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.runtime.cli", "import", "blk", str(csv_file),
        env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert process.returncode == 1, err.decode()  # rows were rejected
    report = out.decode()
    for expected in [
        "Ditambah: 1",
        "Diperbarui: 1",
        "Ditolak: 2",
        "Baris 4 (blkk-laut): koordinat tidak valid atau di luar Indonesia",
        "Baris 5 (blkk-entah): kode kabupaten/kota tidak dikenal",
    ]:
        assert expected in report, report


async def _cli(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run `blk-bot ARGS` to the end: exit status, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.runtime.cli", *args,
        env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_cli_import_of_a_missing_file_is_one_line_and_exit_status_2(
    tmp_path: Path,
) -> None:
    env = _env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/cli.sqlite3")
    status, out, err = await _cli(env, tmp_path, "import", "batches", "jadwal.csv")
    assert (status, out) == (2, "")
    assert err.splitlines() == ["blk-bot: cannot read jadwal.csv: No such file or directory"]


async def test_cli_blk_template_filled_with_one_row_imports_cleanly(
    database_url: str, tmp_path: Path
) -> None:
    env = _env(DATABASE_URL=database_url)
    status, template, err = await _cli(env, tmp_path, "template", "blk")
    assert status == 0, err
    header = template.splitlines()[0]
    assert template == header + "\n"  # header only: nothing to import by mistake
    filled = dict.fromkeys(header.split(","), "")
    filled |= {"id": "blkk-contoh", "name": "BLK Komunitas Contoh", "type": "BLKK"}
    filled |= {"regency_code": "3201", "latitude": "-6.48", "longitude": "106.85"}
    (tmp_path / "blk-baru.csv").write_text(template + ",".join(filled.values()) + "\n")
    status, report, err = await _cli(env, tmp_path, "import", "blk", "blk-baru.csv")
    assert status == 0, err
    assert "Ditambah: 1" in report and "Ditolak: 0" in report, report


async def test_cli_batches_in_indonesian_with_a_past_one_exit_1_with_its_reason(
    database_url: str, tmp_path: Path
) -> None:
    """Dates by the real clock, as the CLI has it: next month, and a week ago."""
    today = date.today()
    ahead, gone = today + timedelta(days=30), today - timedelta(days=7)
    row = "{id},ppkd-jakarta-selatan,Kuliner,{first},{last},08:00,16:00,20,,{status}"
    lines = [
        "id,blk_id,title,start_date,end_date,daily_start,daily_end,capacity,"
        "registration_deadline,status",
        row.format(id="b-buka", first=ahead, last=ahead, status="Buka"),
        row.format(id="b-batal", first=ahead, last=ahead, status="batal"),
        row.format(id="b-lalu", first=gone, last=today + timedelta(days=1), status="tutup"),
    ]
    (tmp_path / "jadwal.csv").write_text("\n".join(lines) + "\n")
    env = _env(DATABASE_URL=database_url)
    status, report, err = await _cli(env, tmp_path, "import", "batches", "jadwal.csv")
    assert status == 1, err
    assert "Ditambah: 2" in report and "Ditolak: 1" in report, report
    assert "Baris 4 (b-lalu): tanggal mulai sudah lewat" in report, report
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            stored = await session.execute(select(Batch.external_id, Batch.status))
            assert dict(stored.all()) == {"b-buka": "open", "b-batal": "cancelled"}
    finally:
        await db.close()


async def test_sigkill_during_a_burst_loses_nothing_and_repeats_nothing(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str, tmp_path: Path
) -> None:
    """200 people press 3 language buttons each (a database write and one reply per press);
    the bot is killed while handling them and started again. Answers committed but not yet
    sent at the kill go out through the outbox sender of the new process."""
    # The fake has no global send limit: 600 answers at Telegram's ~30/s would take 20 s.
    env = _run_env(fake_api, database_url, redis_url, data_key) | {"OUTBOX_RATE": "150"}
    process = await _start_bot(fake_api, env, tmp_path)
    users = range(9000_001, 9000_201)
    choices = ("en", "id", "en")
    last_update = 0
    for choice in choices:
        for user in users:
            last_update = fake_api.callback(user, f"l1:{choice}", message_id=1)

    def replies() -> list:
        return [c for c in fake_api.calls if c.method == "sendMessage" and c.ok]

    try:
        await fake_api._wait(lambda: len(replies()) >= 60, START_TIMEOUT, "60 replies")
        process.send_signal(signal.SIGKILL)
        await process.wait()
        handled_before_kill = len(replies())
        process = await _start_bot(fake_api, env, tmp_path)
        await fake_api.wait_confirmed(last_update, timeout=START_TIMEOUT)
        await fake_api._wait(lambda: len(replies()) >= 600, START_TIMEOUT, "600 replies")
    finally:
        process.terminate()
        await process.wait()
    expected = {"en": "Language changed to English.", "id": "Bahasa diubah ke Bahasa Indonesia."}
    lost = repeated = 0
    for user in users:
        got = Counter(c.text for c in replies() if c.chat_id == user)
        want = Counter(expected[choice] for choice in choices)
        lost += sum((want - got).values())
        repeated += sum((got - want).values())
    assert 60 <= handled_before_kill < 600
    assert lost == 0
    # Acted on once: each update left exactly one message in the outbox, all delivered.
    assert await _answer_statuses(database_url) == {"sent": 600}
    # The documented window (storage/receipts.py): an answer Telegram accepted in the
    # instant before the kill, before its receipt was written, is sent again.
    in_flight = 4 if database_url.startswith("sqlite") else 8
    assert repeated <= in_flight


async def _answer_statuses(database_url: str) -> dict[str, int]:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            stmt = (
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.kind == REPLY)
                # Messages, not answers to the presses: Telegram gave them an id (payloads
                # are blank once sent).
                .where(OutboxMessage.telegram_message_id.is_not(None))
                .group_by(OutboxMessage.status)
            )
            return dict((await session.execute(stmt)).all())
    finally:
        await db.close()


def _closed_port() -> int:
    """A local port nothing listens on (until a test starts a proxy there)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _start_logging(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """Start `blk-bot run` with its log (stderr) to read, without waiting for it."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.runtime.cli", "run",
        env=env, cwd=cwd, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _log_lines(
    stderr: asyncio.StreamReader, fragment: str, count: int, seen: list[str]
) -> list[str]:
    """Read the log (into `seen`) until `count` lines contain `fragment`; those lines."""
    found: list[str] = []
    while len(found) < count:
        line = (await asyncio.wait_for(stderr.readline(), START_TIMEOUT)).decode()
        assert line, "".join(seen)
        seen.append(line)
        if fragment in line:
            found.append(line)
    return found


async def test_an_unreachable_database_at_start_is_retried_one_line_per_try(
    fake_api: FakeBotAPI, data_key: str, tmp_path: Path
) -> None:
    port = _closed_port()
    env = _run_env(fake_api, f"postgresql+asyncpg://blk@127.0.0.1:{port}/blk", None, data_key)
    process = await _start_logging(env, tmp_path)
    assert process.stderr is not None
    seen: list[str] = []
    try:
        retries = await _log_lines(process.stderr, "database unreachable", 2, seen)
    finally:
        process.terminate()
        _, rest = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    log = "".join(seen) + rest.decode()
    refused = f"ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', {port})"
    assert [line.split(" WARNING ", 1)[1] for line in retries] == [
        f"bot.runtime.runner: database unreachable ({refused}); trying again in 1 s\n",
        f"bot.runtime.runner: database unreachable ({refused}); trying again in 2 s\n",
    ]
    assert "Traceback" not in log
    assert process.returncode == 0  # SIGTERM while waiting is an ordinary stop


@pytest.mark.postgres_only  # a proxy makes the server reachable later
async def test_the_bot_serves_once_the_database_becomes_reachable(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str, tmp_path: Path
) -> None:
    proxy = TcpProxy.before(database_url)
    port = _closed_port()
    env = _run_env(fake_api, database_url, redis_url, data_key)
    env["DATABASE_URL"] = make_url(database_url).set(port=port).render_as_string(False)
    process = await _start_logging(env, tmp_path)
    assert process.stderr is not None
    log: list[str] = []
    try:
        await _log_lines(process.stderr, "database unreachable", 1, log)
        await proxy.start(port)
        await fake_api.wait_polling(START_TIMEOUT)
        await Chat(fake_api, user_id=8103).send("/start", "gratis")
    finally:
        process.terminate()
        _, rest = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
        await proxy.stop()
    assert "Traceback" not in "".join(log) + rest.decode()


async def test_telegram_unavailable_at_start_is_waited_for_one_line_per_try(
    fake_api: FakeBotAPI, database_url: str, redis_url: str | None, data_key: str, tmp_path: Path
) -> None:
    fake_api.outage("getMe")
    env = _run_env(fake_api, database_url, redis_url, data_key)
    process = await _start_logging(env, tmp_path)
    assert process.stderr is not None
    seen: list[str] = []
    try:
        [retry] = await _log_lines(process.stderr, "Telegram unavailable", 1, seen)
        fake_api.outage_over()
        await fake_api.wait_polling(START_TIMEOUT)
        await Chat(fake_api, user_id=8104).send("/start", "gratis")
    finally:
        process.terminate()
        _, rest = await asyncio.wait_for(process.communicate(), START_TIMEOUT)
    assert retry.split(" WARNING ", 1)[1] == (
        "bot.runtime.runner: getMe: Telegram unavailable (TelegramServerError); "
        "trying again in 1 s\n"
    )
    assert "Traceback" not in "".join(seen) + rest.decode()
    assert process.returncode == 0

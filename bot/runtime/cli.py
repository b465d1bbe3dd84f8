"""`blk-bot`: run, migrate, console and genkey."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.errors import ConfigError
from bot.registration.personal_data import InvalidDataKey, generate_data_key
from bot.runtime.config import Settings, load_settings
from bot.runtime.console_text import plain
from storage.instance_lock import AnotherInstanceRunning

CONSOLE_HELP = """\
Chat with the bot in this terminal, without Telegram or a token. It runs as `run` does
(same handlers and database, the outbox sender and the periodic jobs), so broadcasts,
reminders and ticket answers for you show up here too. Keyboards are numbered buttons.

Type text, a button's number, or
  :kontak 0812...       share your own contact      :kontak-lain 0812...  someone else's
  :lokasi -6.2 106.8    share a location            :stiker               a sticker
  :foto [caption]       a photo                     :keluar               quit

To be an administrator:  ADMIN_IDS=1000001 blk-bot console --user-id 1000001
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="blk-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="apply migrations, then serve Telegram with long polling")
    commands.add_parser("migrate", help="bring the database schema up to date")
    console = commands.add_parser(
        "console",
        help="chat with the bot in this terminal",
        description=CONSOLE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    console.add_argument(
        "--user-id",
        type=int,
        default=1000001,
        help="your Telegram user id in the console (default: %(default)s); list it in "
        "ADMIN_IDS to be an administrator (/koordinator, /siaran, /statistik)",
    )
    console.add_argument("--language", default="id", help="Telegram app language (id, en)")
    commands.add_parser("genkey", help="print a new DATA_KEY")
    importing = commands.add_parser("import", help="add or update BLKs or batches from a CSV")
    importing.add_argument("kind", choices=["blk", "batches"])
    importing.add_argument("file", type=Path)
    return parser


async def _import(settings: Settings, kind: str, raw: bytes, name: str) -> str:
    """Same code path as a coordinator's upload; the report is in the default language."""
    from bot.coordinators.uploads import CsvKind, import_csv
    from bot.runtime.app import create_app
    from bot.runtime.runner import prepare

    app = create_app(settings, data_key=generate_data_key())  # no personal data is touched
    try:
        await prepare(app)
        return await import_csv(
            CsvKind(kind),
            raw,
            directory=app.services.directory,
            batches=app.services.batch_importer,
            source_name=f"cli:{name}",
            translate=lambda key: app.i18n.gettext(key, locale=settings.default_locale),
        )
    finally:
        await app.close()


async def _migrate(settings: Settings) -> None:
    from bot.registration.personal_data import PersonalDataCipher
    from bot.registration.service import RegistrationService
    from bot.runtime.keys import resolve_data_key
    from storage.database import Database
    from storage.migrate import upgrade

    db = Database(settings.database_url)
    try:
        await db.ping()
        # Migrations that back-fill fingerprints of personal data need the key.
        registrations = RegistrationService(db, PersonalDataCipher(resolve_data_key(settings)))
        await upgrade(db, phone_fingerprint=registrations.stored_phone_fingerprint)
    finally:
        await db.close()


def _dispatch(args: argparse.Namespace) -> None:
    if args.command == "genkey":
        print(generate_data_key())
        return
    settings = load_settings()
    if args.command == "run":
        from bot.runtime.runner import run

        asyncio.run(run(settings))
    elif args.command == "migrate":
        asyncio.run(_migrate(settings))
        print("database is up to date")
    elif args.command == "import":
        raw = args.file.read_bytes()
        print(plain(asyncio.run(_import(settings, args.kind, raw, args.file.name))))
    elif args.command == "console":
        from bot.runtime.console import run_console

        if settings.data_key is None:
            settings = settings.model_copy(update={"dev_mode": True})
        asyncio.run(run_console(settings, args.user_id, args.language))


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    # The console is a conversation on the same terminal: only warnings interrupt it.
    level = logging.WARNING if args.command == "console" else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        _dispatch(args)
    except (ConfigError, InvalidDataKey, AnotherInstanceRunning) as exc:
        print(f"blk-bot: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

"""`blk-bot`: run, migrate, console, genkey, import and template."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import ConfigError
from bot.registration.personal_data import InvalidDataKey, generate_data_key
from bot.runtime.config import Settings, load_settings
from bot.runtime.console_text import plain
from bot.runtime.logs import configure_logging
from storage.instance_lock import AnotherInstanceRunning

if TYPE_CHECKING:
    from bot.coordinators.uploads import ImportOutcome

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

TEMPLATES = {
    "blk": "blk-template.csv",
    "batches": "batches-template.csv",
    "plut": "plut-template.csv",
}
TEMPLATE_HELP = """\
Print a CSV template to fill in a spreadsheet, then `blk-bot import KIND FILE.csv`:
  blk-bot template blk > blk-baru.csv
UTF-8, comma- or semicolon-separated, header row as printed. Rows are matched by id: a new
id adds a row, a known one updates it. The batch template has two example rows.

blk: the BLK directory (required: id, name, type, regency_code)
  id              unique, at most 48 bytes, e.g. blk-kota-bogor
  name            the BLK's name
  type            UPTP (Kemnaker unit), UPTD (province or regency BLK), BLKK (BLK Komunitas)
  address         street, village, kecamatan
  regency_code    Kemendagri code of the kabupaten/kota, 32.01 or 3201
  latitude, longitude
                  decimal degrees inside Indonesia (-6.48 or -6,48), both or neither;
                  without them the regency's centre is used and shown as approximate
  coord_source    where the point comes from (gps, maps); regency-centroid or
                  district-centroid mark it approximate
  phone, source   a contact number; the page the row is based on

batches: training batches (required: id, blk_id, title, start_date, end_date, daily_start,
daily_end, capacity)
  blk_id          the id of a BLK in the directory
  start_date, end_date
                  first and last day, 2027-01-31 or 31/01/2027, in the BLK's time zone;
                  a start date already past is refused unless the batch is stored with
                  that first day (it may still be corrected, closed or cancelled)
  daily_start, daily_end
                  08:00 or 08.00
  capacity        seats, 1 to 10000
  registration_deadline
                  a day on or before start_date (blank: the day before)
  status          buka/open (blank), tutup/closed, batal/cancelled
  programme       wirausaha (entrepreneurship training), kopdes (village cooperative
                  managers), phk (Sejahtera dengan Kerja Wirausaha); blank: a new batch is
                  wirausaha, a stored one keeps its programme
  A completed batch (its results computed) or a cancelled one is history: its row is
  refused unless it repeats the batch as stored; results are changed in chat under
  🎓 Kelulusan, and a cancelled batch is reopened as a new batch with another id.

plut: business support centres (PLUT) shown under "Langkah berikutnya" (required: id,
name, regency_code); empty until rows are imported. Administrators may also send it to
the bot: a file with regency_code and without type or coord_source is read as PLUTs.
  id              unique, at most 48 characters, e.g. plut-kota-bogor
  address, phone  as people should see them
  regency_code, latitude, longitude
                  as for blk; without a point the regency's centre is used
  source          the page the row is based on (blank: the file's name)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="blk-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="apply migrations, then serve Telegram with long polling (or a webhook)",
        description="Long polling, unless a webhook URL is given (here or as WEBHOOK_URL): "
        "then Telegram POSTs updates to it and the bot listens on WEBHOOK_LISTEN "
        "(default 0.0.0.0:8080) at the URL's path; WEBHOOK_SECRET is required.",
    )
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="the https URL Telegram delivers to, e.g. https://bot.example.org/telegram",
    )
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
    importing = commands.add_parser(
        "import",
        help="add or update BLKs or batches from a CSV (exit 1 if rows were rejected)",
        description="Columns: see `blk-bot template --help`. Exit status 0 when every row "
        "was imported, 1 when rows were rejected or the file could not be read, 2 when "
        "the file is missing.",
    )
    importing.add_argument("kind", choices=sorted(TEMPLATES))
    importing.add_argument("file", type=Path)
    template = commands.add_parser(
        "template",
        help="print an empty CSV with the columns `import` reads",
        description=TEMPLATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    template.add_argument("kind", choices=sorted(TEMPLATES))
    return parser


def _import_file(settings: Settings, kind: str, path: Path) -> int:
    """The exit status: 0 all imported, 1 rows rejected or file unreadable, 2 no such file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        print(f"blk-bot: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    outcome = asyncio.run(_import(settings, kind, raw, path.name))
    print(plain(outcome.text))
    return 0 if outcome.complete else 1


async def _import(settings: Settings, kind: str, raw: bytes, name: str) -> ImportOutcome:
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

    # Migrations that encrypt or fingerprint existing personal data need the key.
    cipher = PersonalDataCipher(resolve_data_key(settings))
    db = Database(settings.database_url, sealer=cipher)
    try:
        await db.ping()
        registrations = RegistrationService(db, cipher)
        await upgrade(db, phone_fingerprint=registrations.stored_phone_fingerprint)
    finally:
        await db.close()


def _dispatch(args: argparse.Namespace, level: int) -> None:
    if args.command == "genkey":
        print(generate_data_key())
        return
    if args.command == "template":
        print(files("bot.data").joinpath(TEMPLATES[args.kind]).read_text("utf-8"), end="")
        return
    settings = load_settings()
    configure_logging(level, settings.log_format)
    if args.command == "run":
        from bot.runtime.runner import run

        if args.webhook:
            settings = settings.model_copy(update={"webhook_url": args.webhook})
        asyncio.run(run(settings))
    elif args.command == "migrate":
        asyncio.run(_migrate(settings))
        print("database is up to date")
    elif args.command == "import":
        sys.exit(_import_file(settings, args.kind, args.file))
    elif args.command == "console":
        from bot.runtime.console import run_console

        if settings.data_key is None:
            settings = settings.model_copy(update={"dev_mode": True})
        asyncio.run(run_console(settings, args.user_id, args.language))


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    # The console is a conversation on the same terminal: only warnings interrupt it.
    level = logging.WARNING if args.command == "console" else logging.INFO
    configure_logging(level)  # LOG_FORMAT applies once the settings are read
    try:
        _dispatch(args, level)
    except (ConfigError, InvalidDataKey, AnotherInstanceRunning) as exc:
        print(f"blk-bot: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

"""Gettext catalogs; `LOCALES_DIR` is where `<lang>/LC_MESSAGES/messages.po` live."""

from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"

"""Where the personal-data key comes from: DATA_KEY, or a generated file in dev mode only."""

from __future__ import annotations

import logging
import os

from bot.errors import ConfigError
from bot.registration.personal_data import GENKEY_HINT, generate_data_key
from bot.runtime.config import Settings

logger = logging.getLogger(__name__)


def resolve_data_key(settings: Settings) -> str:
    """Refuse to run without a key, so personal data is never stored unencrypted or lost.

    Dev mode keeps a generated key in a local file (mode 0600) and says so loudly;
    losing that file makes the stored NIKs and phone numbers unreadable.
    """
    if settings.data_key is not None and settings.data_key.get_secret_value().strip():
        return settings.data_key.get_secret_value().strip()
    if not settings.dev_mode:
        raise ConfigError(
            f"DATA_KEY is not set: {GENKEY_HINT} "
            "(or set DEV_MODE=true to use a local development key)"
        )
    path = settings.dev_key_file
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_data_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    logger.warning("DEV_MODE: generated a development DATA_KEY in %s", path)
    return key

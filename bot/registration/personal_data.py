"""Encryption at rest for personal data (NIK, phone) as UU PDP requires.

``DATA_KEY`` holds one or more comma-separated Fernet keys. The FIRST key
encrypts; every key decrypts, so a new key can be put in front without
breaking stored data, and :meth:`PersonalDataCipher.rotate` re-encrypts old
tokens under it (MultiFernet).

Fingerprint rule: uniqueness checks ("one registration per NIK") need a
deterministic value, which Fernet tokens are not. :meth:`fingerprint` is an
HMAC-SHA256 whose key is derived with HKDF from the LAST key in ``DATA_KEY`` --
the oldest one -- so that the usual rotation step (prepending a new key) leaves
every stored fingerprint valid. Removing or replacing the last key DOES change
all fingerprints: before dropping it, decrypt each stored value and store its
fingerprint computed with the new key list.

Keys never appear in messages or ``repr``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "FINGERPRINT_INFO",
    "DecryptionError",
    "InvalidDataKey",
    "PersonalDataCipher",
    "generate_data_key",
]

#: HKDF "info" for the fingerprint key; bump the version to re-key all fingerprints.
FINGERPRINT_INFO = b"blk-bot/fingerprint/v1"


# The set-up's own command (README, "Set-up"), as errors about a missing key name it.
GENKEY_HINT = "generate one with `./scripts/bot genkey` and put it in .env"


class InvalidDataKey(ValueError):
    """DATA_KEY is missing or malformed; a one-line message that never includes a key."""


class DecryptionError(ValueError):
    """A token cannot be decrypted: tampered, truncated, or made with a key we lack."""

    def __init__(self) -> None:
        super().__init__("personal data token cannot be decrypted with the configured DATA_KEY")


def generate_data_key() -> str:
    """A fresh Fernet key for DATA_KEY (prepend it to the list to rotate)."""
    return Fernet.generate_key().decode("ascii")


def _parse_keys(data_key: str) -> list[bytes]:
    """Split DATA_KEY on commas and validate each entry as a Fernet key."""
    if not isinstance(data_key, str):
        raise InvalidDataKey("DATA_KEY must be a string of comma-separated Fernet keys")
    entries = [entry.strip() for entry in data_key.split(",")]
    if not any(entries):
        raise InvalidDataKey(f"DATA_KEY is empty: {GENKEY_HINT}")
    keys: list[bytes] = []
    for position, entry in enumerate(entries, start=1):
        if not entry:
            raise InvalidDataKey(f"DATA_KEY entry #{position} is empty (stray comma?)")
        try:
            raw = base64.urlsafe_b64decode(entry.encode("ascii"))
        except (UnicodeEncodeError, binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise InvalidDataKey(
                f"DATA_KEY entry #{position} is not a Fernet key "
                f"(expected 32 url-safe base64-encoded bytes): {GENKEY_HINT}"
            )
        keys.append(entry.encode("ascii"))
    return keys


def _fingerprint_key(fernet_key: bytes) -> bytes:
    """Derive a separate HMAC key so the encryption key itself is never used for hashing."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=FINGERPRINT_INFO)
    return hkdf.derive(base64.urlsafe_b64decode(fernet_key))


class PersonalDataCipher:
    """Encrypts, decrypts, rotates and fingerprints personal data with DATA_KEY."""

    __slots__ = ("_fernet", "_fingerprint_key", "_key_count")

    def __init__(self, data_key: str) -> None:
        keys = _parse_keys(data_key)
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self._fingerprint_key = _fingerprint_key(keys[-1])
        self._key_count = len(keys)

    def __repr__(self) -> str:
        return f"PersonalDataCipher(keys={self._key_count})"

    def encrypt(self, plain: str) -> str:
        """Encrypt with the first key; the token is ASCII, safe for any text column."""
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Decrypt with any configured key, or raise :class:`DecryptionError`."""
        try:
            data = self._fernet.decrypt(token.encode("ascii"))
            return data.decode("utf-8")
        except (InvalidToken, UnicodeError, ValueError, TypeError):
            raise DecryptionError() from None

    def rotate(self, token: str) -> str:
        """Re-encrypt a token under the first key (keeps its timestamp)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError, ValueError, TypeError):
            raise DecryptionError() from None

    def fingerprint(self, value: str) -> str:
        """Deterministic keyed hash (HMAC-SHA256, 64 hex chars) for uniqueness lookups.

        Pass the normalised value (NIK digits, E.164 phone): different spellings
        give different fingerprints. Stable while the LAST DATA_KEY entry stays.
        """
        return hmac.new(self._fingerprint_key, value.encode("utf-8"), hashlib.sha256).hexdigest()

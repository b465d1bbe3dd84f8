"""Tests for bot.registration.personal_data: encryption at rest, rotation and fingerprints."""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import ConfigError
from bot.registration.personal_data import (
    FINGERPRINT_INFO,
    DecryptionError,
    InvalidDataKey,
    PersonalDataCipher,
    generate_data_key,
)
from bot.runtime.config import Settings
from bot.runtime.keys import resolve_data_key

# Fixed keys keep the tests deterministic (and hypothesis fast).
KEY_A = base64.urlsafe_b64encode(bytes(range(32))).decode()
KEY_B = base64.urlsafe_b64encode(bytes(range(32, 64))).decode()
KEY_C = base64.urlsafe_b64encode(bytes(range(64, 96))).decode()

NIK = "3201011201900001"


@pytest.fixture
def cipher() -> PersonalDataCipher:
    return PersonalDataCipher(KEY_A)


# --- keys ---------------------------------------------------------------------


def test_generated_key_is_a_usable_fernet_key() -> None:
    key = generate_data_key()
    assert isinstance(key, str)
    assert len(base64.urlsafe_b64decode(key)) == 32
    assert generate_data_key() != key
    Fernet(key)  # would raise if malformed
    assert PersonalDataCipher(key).decrypt(PersonalDataCipher(key).encrypt("x")) == "x"


@pytest.mark.parametrize(
    "data_key",
    [
        "",
        "   ",
        ",",
        "not-a-key",
        KEY_A[:-4],
        KEY_A + ",",
        KEY_A + ",," + KEY_B,
        KEY_A + ",garbage",
        "é" * 44,
        base64.urlsafe_b64encode(bytes(16)).decode(),  # right format, wrong size
    ],
)
def test_invalid_data_key(data_key: str) -> None:
    with pytest.raises(InvalidDataKey) as info:
        PersonalDataCipher(data_key)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("DATA_KEY")
    for secret in {KEY_A, KEY_B, KEY_A[:-4], "garbage", "not-a-key"}:
        assert secret not in message
    # No chained low-level error that could carry key material into a traceback.
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


def test_invalid_data_key_is_a_value_error() -> None:
    assert issubclass(InvalidDataKey, ValueError)


def test_invalid_entry_position_is_reported() -> None:
    with pytest.raises(InvalidDataKey, match="#2"):
        PersonalDataCipher(f"{KEY_A},bad")


def test_whitespace_around_keys_is_ignored() -> None:
    plain = PersonalDataCipher(f"{KEY_A},{KEY_B}")
    spaced = PersonalDataCipher(f" {KEY_A} ,\n{KEY_B}\n")
    assert spaced.decrypt(plain.encrypt(NIK)) == NIK
    assert spaced.fingerprint(NIK) == plain.fingerprint(NIK)


def test_repr_does_not_reveal_keys() -> None:
    cipher = PersonalDataCipher(f"{KEY_A},{KEY_B}")
    assert repr(cipher) == str(cipher) == "PersonalDataCipher(keys=2)"
    text = repr(cipher)
    for key in (KEY_A, KEY_B):
        assert key not in text
        assert key[:8] not in text


# --- encryption ---------------------------------------------------------------


def test_encrypt_is_randomised_and_does_not_contain_plaintext(cipher: PersonalDataCipher) -> None:
    first, second = cipher.encrypt(NIK), cipher.encrypt(NIK)
    assert first != second
    assert NIK not in first
    assert first.isascii()
    assert cipher.decrypt(first) == cipher.decrypt(second) == NIK


def test_first_key_encrypts() -> None:
    token = PersonalDataCipher(f"{KEY_B},{KEY_A}").encrypt(NIK)
    assert PersonalDataCipher(KEY_B).decrypt(token) == NIK
    with pytest.raises(DecryptionError):
        PersonalDataCipher(KEY_A).decrypt(token)


def test_all_keys_decrypt() -> None:
    old_token = PersonalDataCipher(KEY_A).encrypt(NIK)
    assert PersonalDataCipher(f"{KEY_C},{KEY_B},{KEY_A}").decrypt(old_token) == NIK


def test_wrong_key_is_a_domain_error() -> None:
    token = PersonalDataCipher(KEY_A).encrypt(NIK)
    with pytest.raises(DecryptionError) as info:
        PersonalDataCipher(KEY_B).decrypt(token)
    assert isinstance(info.value, ValueError)
    assert info.value.__cause__ is None
    assert NIK not in str(info.value)


@pytest.mark.parametrize(
    "token", ["", "garbage", "gAAAAA", "é", "\x00" * 10, "a" * 200, "====", "gAAAAAB🙂"]
)
def test_malformed_tokens_are_domain_errors(cipher: PersonalDataCipher, token: str) -> None:
    with pytest.raises(DecryptionError):
        cipher.decrypt(token)
    with pytest.raises(DecryptionError):
        cipher.rotate(token)


def test_non_utf8_plaintext_is_a_domain_error(cipher: PersonalDataCipher) -> None:
    token = Fernet(KEY_A).encrypt(b"\xff\xfe").decode()
    with pytest.raises(DecryptionError):
        cipher.decrypt(token)


@given(st.text())
@settings(max_examples=50)
def test_round_trip_arbitrary_unicode(plain: str) -> None:
    cipher = PersonalDataCipher(f"{KEY_A},{KEY_B}")
    assert cipher.decrypt(cipher.encrypt(plain)) == plain


@given(st.text(min_size=1, max_size=50), st.data())
@settings(max_examples=50)
def test_tampering_is_detected(plain: str, data: st.DataObject) -> None:
    cipher = PersonalDataCipher(KEY_A)
    token = cipher.encrypt(plain)
    raw = bytearray(base64.urlsafe_b64decode(token))
    position = data.draw(st.integers(0, len(raw) - 1))
    raw[position] ^= data.draw(st.integers(1, 255))
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode()
    with pytest.raises(DecryptionError):
        cipher.decrypt(tampered)


@given(st.text(alphabet=string.ascii_letters + string.digits + "-_=", max_size=120))
@settings(max_examples=50)
def test_arbitrary_tokens_raise_only_decryption_error(token: str) -> None:
    cipher = PersonalDataCipher(KEY_A)
    with pytest.raises(DecryptionError):
        cipher.decrypt(token)


# --- rotation -----------------------------------------------------------------


def test_rotate_moves_tokens_to_the_first_key() -> None:
    old_token = PersonalDataCipher(KEY_A).encrypt(NIK)
    rotating = PersonalDataCipher(f"{KEY_B},{KEY_A}")
    new_token = rotating.rotate(old_token)
    assert new_token != old_token
    assert rotating.decrypt(new_token) == NIK
    # After rotation the old key can be retired.
    assert PersonalDataCipher(KEY_B).decrypt(new_token) == NIK
    with pytest.raises(DecryptionError):
        PersonalDataCipher(KEY_A).decrypt(new_token)


def test_rotate_with_unknown_key_is_a_domain_error() -> None:
    token = PersonalDataCipher(KEY_C).encrypt(NIK)
    with pytest.raises(DecryptionError):
        PersonalDataCipher(f"{KEY_B},{KEY_A}").rotate(token)


@given(st.text(max_size=100))
@settings(max_examples=30)
def test_rotation_round_trips(plain: str) -> None:
    old = PersonalDataCipher(KEY_A)
    new = PersonalDataCipher(f"{KEY_B},{KEY_A}")
    rotated = new.rotate(old.encrypt(plain))
    assert PersonalDataCipher(KEY_B).decrypt(rotated) == plain


# --- fingerprints ---------------------------------------------------------------


def expected_fingerprint(fernet_key: str, value: str) -> str:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"blk-bot/fingerprint/v1"
    ).derive(base64.urlsafe_b64decode(fernet_key))
    return hmac.new(derived, value.encode(), hashlib.sha256).hexdigest()


def test_fingerprint_is_hkdf_derived_hmac_sha256(cipher: PersonalDataCipher) -> None:
    assert FINGERPRINT_INFO == b"blk-bot/fingerprint/v1"
    fingerprint = cipher.fingerprint(NIK)
    assert fingerprint == expected_fingerprint(KEY_A, NIK)
    assert len(fingerprint) == 64
    assert all(char in "0123456789abcdef" for char in fingerprint)


def test_fingerprint_does_not_use_the_encryption_key_directly(
    cipher: PersonalDataCipher,
) -> None:
    raw = base64.urlsafe_b64decode(KEY_A)
    for key in (raw, raw[:16], raw[16:], KEY_A.encode()):
        assert cipher.fingerprint(NIK) != hmac.new(key, NIK.encode(), hashlib.sha256).hexdigest()
    assert cipher.fingerprint(NIK) != hashlib.sha256(NIK.encode()).hexdigest()


def test_fingerprint_comes_from_the_last_key() -> None:
    single = PersonalDataCipher(KEY_A)
    rotated = PersonalDataCipher(f"{KEY_B},{KEY_A}")
    rotated_twice = PersonalDataCipher(f"{KEY_C},{KEY_B},{KEY_A}")
    # Prepending new keys (the rotation step) keeps stored fingerprints valid...
    assert single.fingerprint(NIK) == rotated.fingerprint(NIK) == rotated_twice.fingerprint(NIK)
    # ...while retiring the last key changes them (documented re-fingerprint step).
    assert PersonalDataCipher(f"{KEY_C},{KEY_B}").fingerprint(NIK) != single.fingerprint(NIK)
    assert rotated.fingerprint(NIK) == expected_fingerprint(KEY_A, NIK)


@given(st.text())
@settings(max_examples=50)
def test_fingerprint_is_deterministic_and_key_dependent(value: str) -> None:
    a1, a2 = PersonalDataCipher(KEY_A), PersonalDataCipher(KEY_A)
    b = PersonalDataCipher(KEY_B)
    assert a1.fingerprint(value) == a2.fingerprint(value)
    assert a1.fingerprint(value) != b.fingerprint(value)


@given(st.text(max_size=30), st.text(max_size=30))
@settings(max_examples=50)
def test_different_values_have_different_fingerprints(first: str, second: str) -> None:
    cipher = PersonalDataCipher(KEY_A)
    assert (cipher.fingerprint(first) == cipher.fingerprint(second)) == (first == second)


def test_a_missing_or_empty_key_names_the_set_up_command_that_makes_one() -> None:
    """The README's set-up says `./scripts/bot genkey` prints a key; the errors say the same."""
    root = Path(__file__).resolve().parent.parent
    set_up = root.joinpath("README.md").read_text().split("## Set-up", 1)[1].split("\n## ", 1)[0]
    command = "./scripts/bot genkey"
    assert command in set_up
    assert root.joinpath("scripts", "bot").stat().st_mode & 0o111  # runnable as written
    with pytest.raises(ConfigError) as missing:
        resolve_data_key(Settings(_env_file=None, data_key=None))  # type: ignore[call-arg]
    with pytest.raises(InvalidDataKey) as empty:
        PersonalDataCipher(" , ")
    for error in (missing.value, empty.value):
        assert f"`{command}`" in str(error)

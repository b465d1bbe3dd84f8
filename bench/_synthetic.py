"""Synthetic people for the benchmarks: one province with one regency (Kab. Bogor),
and registration rows as stored, inserted in bulk chunks.

Each row has its own Telegram id, code and NIK fingerprint, so the unique indexes hold
however many are inserted; the encrypted fields come from the caller's cipher.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.registration.personal_data import PersonalDataCipher
from storage.models import Province, Regency

PROVINCE, REGENCY = "32", "32.01"
INSERT_CHUNK = 5_000


async def add_bogor(session: AsyncSession) -> None:
    """The province and regency every synthetic registration lives in."""
    session.add(Province(code=PROVINCE, name="Jawa Barat", timezone="Asia/Jakarta"))
    await session.flush()
    session.add(
        Regency(code=REGENCY, name="Kab. Bogor", province_code=PROVINCE, latitude=0, longitude=0)
    )
    await session.flush()


def chunks(rows: int) -> Iterator[range]:
    """Row numbers 0..rows-1, `INSERT_CHUNK` at a time: one bulk insert (and transaction)
    each, so memory stays flat."""
    for first in range(0, rows, INSERT_CHUNK):
        yield range(first, min(first + INSERT_CHUNK, rows))


def sealed(cipher: PersonalDataCipher, *, phone: str, sex: str = "L") -> dict[str, str]:
    """The encrypted columns of a registration (NIK 3201011201900001, born 12 January
    1990), encrypted once and shared by many rows."""
    return {
        "nik_cipher": cipher.encrypt("3201011201900001"),
        "phone_cipher": cipher.encrypt(phone),
        "birth_date_cipher": cipher.encrypt("1990-01-12"),
        "sex_cipher": cipher.encrypt(sex),
    }


def registration_row(
    i: int, *, ciphers: Mapping[str, str], consent_at: datetime, **fields: object
) -> dict[str, object]:
    """The i-th registration, a micro food business in Kab. Bogor, born in January 1990;
    `ciphers` are its encrypted columns (nik_cipher, phone_cipher, birth_date_cipher,
    sex_cipher), and `fields` replace or add columns."""
    return {
        "telegram_id": 10_000_000 + i,
        "code": f"BLK-{i:06d}",
        "full_name": f"Peserta {i}",
        **ciphers,
        "nik_fingerprint": f"{i:064x}",
        "birth_month": date(1990, 1, 1),
        "province_code": PROVINCE,
        "regency_code": REGENCY,
        "business_status": "micro",
        "business_sector": "food",
        "phk_affected": False,
        "consent_version": "v1",
        "consent_at": consent_at,
        **fields,
    }

"""Minimal directory rows, registrations and batches for enrollment tests."""

from __future__ import annotations

from datetime import date, timedelta

from bot.registration.participants import BusinessStatus, RegistrationForm, Sector
from bot.registration.service import RegistrationService
from storage.database import Database
from storage.models import Batch, Blk, Province, Regency
from tests.clock import NOW


async def add_blk(db: Database, blk_id: str = "blk-test", province: str = "32") -> str:
    zones = {"32": "Asia/Jakarta", "51": "Asia/Makassar", "91": "Asia/Jayapura"}
    async with db.transaction() as session:
        if await session.get(Province, province) is None:
            session.add(Province(code=province, name=f"P{province}", timezone=zones[province]))
            await session.flush()
            session.add(
                Regency(
                    code=f"{province}.01",
                    name=f"R{province}",
                    province_code=province,
                    latitude=-6.5,
                    longitude=106.8,
                )
            )
            await session.flush()
        session.add(
            Blk(id=blk_id, name=f"BLK {blk_id}", kind="UPTD", regency_code=f"{province}.01")
        )
    return blk_id


async def add_batch(
    db: Database,
    blk_id: str,
    capacity: int,
    *,
    starts_in: timedelta = timedelta(days=30),
    deadline_in: timedelta = timedelta(days=20),
    status: str = "open",
    title: str = "Kewirausahaan Kuliner",
) -> int:
    start = NOW + starts_in
    batch = Batch(
        blk_id=blk_id,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(days=5, hours=8),
        registration_deadline=NOW + deadline_in,
        capacity=capacity,
        status=status,
    )
    async with db.transaction() as session:
        session.add(batch)
        await session.flush()
        return batch.id


def nik_for(serial: int, birth: date = date(1990, 1, 12)) -> str:
    return f"320101{birth:%d%m%y}{serial:04d}"


async def register(
    service: RegistrationService,
    telegram_id: int,
    serial: int,
    *,
    birth: date = date(1990, 1, 12),
    business: BusinessStatus = BusinessStatus.MICRO,
    sector: Sector = Sector.FOOD,
) -> None:
    form = RegistrationForm(
        full_name=f"Peserta {serial}",
        nik=nik_for(serial, birth),
        phone="+6281234567890",
        province_code="32",
        regency_code="32.01",
        business_status=business,
        business_sector=sector,
        phk_affected=False,
        phk_month=None,
        consent_at=NOW,
    )
    await service.register(telegram_id, form)

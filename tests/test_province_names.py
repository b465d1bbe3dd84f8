"""Provinces by their current names (bot/data/province_names.csv), former names still found."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.directory.service import DirectoryService
from bot.places.names import read_data_csv
from bot.places.regions import default_directory
from storage.database import Database
from storage.models import Province

RENAMES = read_data_csv("province_names.csv")


def test_jakarta_is_daerah_khusus_jakarta_since_uu_2_2024() -> None:
    directory = default_directory()
    jakarta = directory.province("31")
    assert jakarta is not None and jakarta.name == "Daerah Khusus Jakarta"
    assert not [p.name for p in directory.provinces() if "Ibukota" in p.name]


def test_each_rename_replaces_the_name_the_packaged_data_still_uses() -> None:
    """When regions.csv catches up with the law, its row here is no longer needed."""
    packaged = {row["province_code"]: row["province_name"] for row in read_data_csv("regions.csv")}
    assert RENAMES
    for row in RENAMES:
        assert packaged[row["code"]] == row["former_name"] != row["name"]
        assert row["basis"]


@pytest.mark.parametrize(
    "typed",
    ["Daerah Khusus Ibukota Jakarta", "daerah khusus jakarta", "DKI Jakarta", "DK Jakarta", "DKJ"],
)
def test_former_and_current_names_find_the_province(typed: str) -> None:
    assert [m.code for m in default_directory().match_provinces(typed)] == ["31"]


async def test_start_up_sync_renames_a_province_stored_by_its_former_name(db: Database) -> None:
    directory = DirectoryService(db, default_directory())
    await directory.sync_reference_data()
    async with db.transaction() as session:
        former = update(Province).where(Province.code == "31")
        await session.execute(former.values(name="Daerah Khusus Ibukota Jakarta"))
    report = await directory.sync_reference_data()
    assert report.provinces == 1
    async with db.transaction() as session:
        stored = await session.get(Province, "31")
    assert stored is not None and stored.name == "Daerah Khusus Jakarta"

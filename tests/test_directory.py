"""BLK directory: reference-data sync, CSV import and nearest-BLK lookups (SQLite, PostgreSQL)."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.directory.service import (
    CoordPrecision,
    DirectoryService,
    ImportReport,
    RejectedRow,
    RejectReason,
    TableError,
    TableProblem,
)
from bot.places.regions import default_directory
from storage.database import Database
from storage.directory_repository import DirectoryRepository
from storage.models import Blk, Regency

HEADER = (
    "id,name,type,address,regency_code,regency_name,province_name,"
    "latitude,longitude,coord_source,phone,source"
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def service(db: Database) -> DirectoryService:
    directory = DirectoryService(db, default_directory())
    await directory.sync_reference_data()
    return directory


def write_csv(tmp_path: Path, *lines: str, name: str = "blk.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


async def counts(db: Database) -> tuple[int, int, int, int]:
    async with db.transaction() as session:
        c = await DirectoryRepository(session).counts()
    return (c.provinces, c.regencies, c.districts, c.blks)


# --- sync ------------------------------------------------------------------------------------


async def test_sync_loads_reference_data_and_seeds_blks(db: Database) -> None:
    report = await DirectoryService(db, default_directory()).sync_reference_data()
    assert (report.provinces, report.regencies, report.districts) == (38, 514, 7285)
    assert report.blks_seeded == 161
    assert await counts(db) == (38, 514, 7285, 161)
    async with db.transaction() as session:
        repo = DirectoryRepository(session)
        zones = {p.code: p.timezone for p in await repo.provinces()}
        bekasi = await repo.blks_in_regency("32.75")
        seeded = await repo.blk("bbpvp-bekasi")
    assert (zones["31"], zones["51"], zones["94"]) == (
        "Asia/Jakarta",
        "Asia/Makassar",
        "Asia/Jayapura",
    )
    assert "bbpvp-bekasi" in {b.id for b in bekasi}
    assert seeded is not None and seeded.kind == "UPTP" and seeded.source.startswith("http")


async def test_second_sync_changes_nothing_and_keeps_imports(
    service: DirectoryService, db: Database, tmp_path: Path
) -> None:
    extra = "t-extra,BLK Uji,UPTD,Jl. Uji,32.16,,,-6.3,107.1,gps,,"
    changed = "bbpvp-bekasi,BBPVP Bekasi (baru),UPTP,Jl. Baru,32.75,,,-6.25,106.98,gps,,"
    report = await service.import_blk_csv(write_csv(tmp_path, extra, changed), source_name="t")
    assert (report.added, report.updated) == (1, 1)
    started = time.perf_counter()
    again = await DirectoryService(db, default_directory()).sync_reference_data()
    assert time.perf_counter() - started < 1.0
    assert again == type(again)()  # nothing written
    assert await counts(db) == (38, 514, 7285, 162)
    info = await service.blk("bbpvp-bekasi")
    assert info is not None and info.name == "BBPVP Bekasi (baru)" and not info.approximate


async def test_sync_repairs_a_changed_reference_row(
    service: DirectoryService, db: Database
) -> None:
    async with db.transaction() as session:
        await session.execute(update(Regency).where(Regency.code == "32.16").values(name="X"))
    report = await DirectoryService(db, default_directory()).sync_reference_data()
    assert (report.provinces, report.regencies, report.districts, report.blks_seeded) == (
        0,
        1,
        0,
        0,
    )
    async with db.transaction() as session:
        name = await session.scalar(select(Regency.name).where(Regency.code == "32.16"))
    assert name == "Kabupaten Bekasi"


# --- import ----------------------------------------------------------------------------------


async def test_import_report_counts_and_reasons(service: DirectoryService, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "t-new,BLK Baru,UPTD,Jl. A,35.10,,,-8.4,114.3,gps,,https://example.org",  # 2 added
        "bbpvp-bekasi,BBPVP Bekasi,UPTP,Jl. Baru,32.75,,,,,,,",  # 3 updated
        "t-lat,BLK Lat,UPTD,,32.16,,,16.2,107.1,,,",  # 4 outside Indonesia
        "t-text,BLK Teks,UPTD,,32.16,,,abc,107.1,,,",  # 5 not a number
        "t-half,BLK Setengah,UPTD,,32.16,,,-6.3,,,,",  # 6 only latitude
        "t-lon,BLK Lon,UPTD,,32.16,,,-6.3,150,,,",  # 7 longitude outside
        "t-reg,BLK Reg,UPTD,,99.99,,,,,,,",  # 8 unknown regency
        "t-noname,,UPTD,,32.16,,,,,,,",  # 9 missing name
        "t-dup,BLK Dup 1,UPTD,,32.16,,,,,,,",  # 10 duplicate
        "t-dup,BLK Dup 2,UPTD,,32.16,,,,,,,",  # 11 duplicate
        "t-type,BLK Jenis,LPK,,32.16,,,,,,,",  # 12 bad type
        ",BLK Tanpa Id,UPTD,,32.16,,,,,,,",  # 13 missing id
        f"t-long,{'x' * 201},UPTD,,32.16,,,,,,,",  # 14 name too long
        ",,,,,,,,,,,",  # 15 blank row: ignored
        "t-nan,BLK NaN,UPTD,,32.16,,,nan,107,,,",  # 16
    )
    report = await service.import_blk_csv(path, source_name="upload-1")
    assert (report.added, report.updated, report.unchanged) == (1, 1, 0)
    assert report.rejected == [
        RejectedRow(4, "t-lat", RejectReason.BAD_COORDINATES, "latitude"),
        RejectedRow(5, "t-text", RejectReason.BAD_COORDINATES, "latitude"),
        RejectedRow(6, "t-half", RejectReason.BAD_COORDINATES, "longitude"),
        RejectedRow(7, "t-lon", RejectReason.BAD_COORDINATES, "longitude"),
        RejectedRow(8, "t-reg", RejectReason.UNKNOWN_REGENCY, "regency_code"),
        RejectedRow(9, "t-noname", RejectReason.MISSING_FIELD, "name"),
        RejectedRow(10, "t-dup", RejectReason.DUPLICATE_ID_IN_FILE, "id"),
        RejectedRow(11, "t-dup", RejectReason.DUPLICATE_ID_IN_FILE, "id"),
        RejectedRow(12, "t-type", RejectReason.BAD_TYPE, "type"),
        RejectedRow(13, "", RejectReason.MISSING_FIELD, "id"),
        RejectedRow(14, "t-long", RejectReason.FIELD_TOO_LONG, "name"),
        RejectedRow(16, "t-nan", RejectReason.BAD_COORDINATES, "latitude"),
    ]
    new = await service.blk("t-new")
    assert new is not None and new.regency_name == "Kabupaten Banyuwangi"
    assert await service.blk("t-dup") is None
    # The update removed the coordinates: the regency centroid is used, marked approximate.
    bekasi = await service.blk("bbpvp-bekasi")
    regency = default_directory().regency("32.75")
    assert bekasi is not None and regency is not None
    assert (bekasi.latitude, bekasi.longitude) == (regency.latitude, regency.longitude)
    assert bekasi.precision is CoordPrecision.REGENCY and bekasi.approximate


async def test_reimport_is_idempotent(service: DirectoryService, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "t-a,BLK A,UPTD,Jl. A,32.16,,,-6.3,107.1,gps,,",
        "t-b,BLK B,blkk,,35.10,,,,,,,",
        "bbpvp-bekasi,BBPVP Bekasi,UPTP,Jl. X,32.75,,,-6.25,106.98,gps,,",
    )
    first = await service.import_blk_csv(path, source_name="file")
    second = await service.import_blk_csv(path.read_bytes(), source_name="file")
    assert (first.added, first.updated, first.unchanged) == (2, 1, 0)
    assert second == ImportReport(added=0, updated=0, unchanged=3, rejected=[])
    info = await service.blk("t-b")
    assert info is not None and info.kind == "BLKK"


async def test_packaged_file_reimports_unchanged(service: DirectoryService) -> None:
    data = (Path(__file__).parents[1] / "bot" / "data" / "blk.csv").read_bytes()
    report = await service.import_blk_csv(data, source_name="packaged")
    assert report == ImportReport(unchanged=161)


async def test_absent_columns_keep_stored_values(
    service: DirectoryService, db: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        "bbpvp-bekasi,BBPVP Bekasi,UPTP,32.75",
        "t-min,BLK Minimal,UPTD,3216",  # regency code without the dot, as spreadsheets write it
        header="id,name,type,regency_code",
    )
    report = await service.import_blk_csv(path, source_name="minimal.csv")
    assert (report.added, report.updated, report.rejected) == (1, 1, [])
    async with db.transaction() as session:
        bekasi = await session.get(Blk, "bbpvp-bekasi")
        minimal = await session.get(Blk, "t-min")
    assert bekasi is not None and bekasi.address.startswith("Jalan Guntur")
    assert bekasi.latitude is not None and bekasi.source.startswith("http")
    assert minimal is not None and minimal.regency_code == "32.16"
    assert (minimal.latitude, minimal.source, minimal.address) == (None, "minimal.csv", "")


async def test_bom_semicolons_and_decimal_commas(service: DirectoryService) -> None:
    text = (
        "\ufeffID;Name;Type;Regency_Code;Latitude;Longitude\r\nt-x;BLK X;UPTD;32.16;-6,3;107,1\r\n"
    )
    report = await service.import_blk_csv(text.encode("utf-8"), source_name="excel")
    assert (report.added, report.rejected) == (1, [])
    info = await service.blk("t-x")
    assert info is not None and (info.latitude, info.longitude) == (-6.3, 107.1)


@pytest.mark.parametrize(
    ("content", "problem", "columns"),
    [
        (b"", TableProblem.EMPTY_FILE, ()),
        (b" \r\n\n", TableProblem.EMPTY_FILE, ()),
        (b"id,nama,type\nx,y,UPTD\n", TableProblem.MISSING_COLUMNS, ("name", "regency_code")),
        (b"id,name,type,regency_code,latitude\n", TableProblem.MISSING_COLUMNS, ("longitude",)),
        (b"id,name,type,regency_code\nx,BLK\x00,UPTD,32.16\n", TableProblem.NOT_CSV, ()),
    ],
)
async def test_whole_file_problems(
    service: DirectoryService,
    db: Database,
    content: bytes,
    problem: TableProblem,
    columns: tuple[str, ...],
) -> None:
    with pytest.raises(TableError) as caught:
        await service.import_blk_csv(content, source_name="bad")
    assert caught.value.problem is problem
    assert caught.value.columns == columns
    assert (await counts(db))[3] == 161


async def test_not_utf8_is_refused_with_its_line(service: DirectoryService, tmp_path: Path) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes(b"id,name,type,regency_code\nt-1,BLK Caf\xe9,UPTD,32.16\n")
    with pytest.raises(TableError) as caught:
        await service.import_blk_csv(path, source_name="x")
    assert (caught.value.problem, caught.value.line) == (TableProblem.NOT_UTF8, 2)
    assert await service.blk("t-1") is None


async def test_header_only_imports_nothing(service: DirectoryService) -> None:
    report = await service.import_blk_csv(HEADER.encode(), source_name="x")
    assert report == ImportReport()


# --- lookups ---------------------------------------------------------------------------------


async def test_nearest_from_jakarta(service: DirectoryService) -> None:
    found = await service.nearest_blks(-6.1754, 106.8272)  # Monas
    assert len(found) == 5
    assert found[0].blk.province_code == "31" or found[0].blk.regency_code in {"32.16", "32.75"}
    assert found[0].distance_km < 20
    assert [f.distance_km for f in found] == sorted(f.distance_km for f in found)
    assert all(f.approximate for f in found)  # the packaged data only has centroids


@pytest.mark.parametrize(
    ("point", "blk_id", "max_km"),
    [
        ((-2.5337, 140.7181), "blk-jayapura", 50),  # Jayapura, Papua
        ((-0.8762, 131.2558), "bpvp-sorong", 50),  # Sorong, Papua Barat Daya
        ((-3.6954, 128.1814), "bpvp-ambon", 20),  # Ambon, Maluku
        # Kota Ternate's centroid lies between its islands, 23 km from the town.
        ((0.7893, 127.3774), "bpvp-ternate", 30),  # Ternate, Maluku Utara
    ],
)
async def test_nearest_in_the_east(
    service: DirectoryService, point: tuple[float, float], blk_id: str, max_km: float
) -> None:
    found = await service.nearest_blks(*point, limit=3)
    assert found[0].blk.id == blk_id and found[0].distance_km < max_km
    assert found[0].blk.timezone == "Asia/Jayapura"


async def test_far_points_still_get_the_nearest(service: DirectoryService) -> None:
    merauke = await service.nearest_blks(-8.4991, 140.4050, limit=2)
    assert merauke[0].blk.id == "blk-jayapura" and 500 < merauke[0].distance_km < 800
    at_sea = await service.nearest_blks(-10.9, 121.0, limit=1)  # Sawu Sea
    assert at_sea and 50 < at_sea[0].distance_km < 500
    gulf_of_guinea = await service.nearest_blks(0.0, 0.0, limit=5)
    assert len(gulf_of_guinea) == 5 and all(f.distance_km > 9000 for f in gulf_of_guinea)


@pytest.mark.parametrize(("lat", "lon"), [(90.1, 0), (0, 180.5), (float("nan"), 100)])
async def test_invalid_points(service: DirectoryService, lat: float, lon: float) -> None:
    with pytest.raises(ValueError):
        await service.nearest_blks(lat, lon)


async def test_limit_must_be_positive(service: DirectoryService) -> None:
    with pytest.raises(ValueError):
        await service.nearest_blks(-6.2, 106.8, limit=0)
    assert len(await service.nearest_blks(-6.2, 106.8, limit=1000)) == 161


async def test_ties_are_ordered_by_name_then_id(service: DirectoryService, tmp_path: Path) -> None:
    lines = [
        f"{blk_id},{name},UPTD,,34.71,,,-7.8,110.37,gps,,"
        for blk_id, name in [
            ("t-3", "BLK Sama"),
            ("t-1", "blk sama"),
            ("t-2", "BLK Sama"),
            ("t-0", "Aaa"),
        ]
    ]
    await service.import_blk_csv(write_csv(tmp_path, *lines), source_name="t")
    for _ in range(3):
        found = await service.nearest_blks(-7.8, 110.37, limit=4)
        assert [f.blk.id for f in found] == ["t-0", "t-2", "t-3", "t-1"]
        assert {f.distance_km for f in found} == {0.0}
    semarang = await service.blks_near_place("33.74", limit=3)  # three rows share a centroid
    assert len({f.distance_km for f in semarang}) == 1
    names = [f.blk.name for f in semarang]
    assert names == sorted(names, key=lambda n: (n.casefold(), n))


async def test_blk_without_coordinates_uses_the_regency_centroid(
    service: DirectoryService, tmp_path: Path
) -> None:
    await service.import_blk_csv(
        write_csv(tmp_path, "t-nocoord,BLK Tanpa Titik,UPTD,,91.03,,,,,,,"), source_name="t"
    )
    kab_jayapura = default_directory().regency("91.03")
    assert kab_jayapura is not None
    found = await service.nearest_blks(kab_jayapura.latitude, kab_jayapura.longitude, limit=1)
    assert found[0].blk.id == "t-nocoord" and found[0].distance_km == 0.0
    assert found[0].approximate and found[0].blk.precision is CoordPrecision.REGENCY
    info = await service.blk("t-nocoord")
    assert info is not None and (info.latitude, info.longitude) == (
        kab_jayapura.latitude,
        kab_jayapura.longitude,
    )


async def test_blks_near_place(service: DirectoryService) -> None:
    found = await service.blks_near_place("35.10")  # Kabupaten Banyuwangi
    assert found[0].blk.regency_code == "35.10"
    assert [f.distance_km for f in found] == sorted(f.distance_km for f in found)
    with pytest.raises(ValueError):
        await service.blks_near_place("99.99")


async def test_blk_info(service: DirectoryService) -> None:
    info = await service.blk("bbpvp-bekasi")
    assert info is not None
    assert (info.regency_name, info.province_name, info.timezone) == (
        "Kota Bekasi",
        "Jawa Barat",
        "Asia/Jakarta",
    )
    assert info.address and info.precision is CoordPrecision.DISTRICT and info.approximate
    assert await service.blk("no-such-blk") is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.name = "x"  # type: ignore[misc]
    found = await service.nearest_blks(info.latitude, info.longitude, limit=1)
    assert dataclasses.is_dataclass(found[0]) and not isinstance(found[0].blk, Blk)


async def test_cache_picks_up_another_process_import(db: Database, tmp_path: Path) -> None:
    clock = FakeClock()
    reader = DirectoryService(db, default_directory(), clock=clock)
    await reader.sync_reference_data()
    assert await reader.blk("t-late") is None  # loads the snapshot

    writer = DirectoryService(db, default_directory())
    await writer.import_blk_csv(
        write_csv(tmp_path, "t-late,BLK Baru,UPTD,,32.16,,,-6.3,107.1,gps,,"), source_name="t"
    )
    assert await writer.blk("t-late") is not None  # the importer sees it at once
    clock.now += 59
    assert await reader.blk("t-late") is None  # still the cached snapshot
    clock.now += 1
    assert await reader.blk("t-late") is not None  # re-checked after 60 s

    await writer.import_blk_csv(
        write_csv(tmp_path, "t-late,BLK Baru Lagi,UPTD,,32.16,,,-6.3,107.1,gps,,"), source_name="t"
    )
    await reader.refresh()
    info = await reader.blk("t-late")
    assert info is not None and info.name == "BLK Baru Lagi"


async def test_blk_ids_must_fit_in_button_data(service: DirectoryService) -> None:
    """Buttons carry the id in 64 bytes of callback_data: longer ids are refused on import."""
    long_id = "blk-" + "x" * 45
    content = f"id,name,type,regency_code\n{long_id},BLK Panjang,BLKK,32.16\n".encode()
    report = await service.import_blk_csv(content, source_name="x")
    assert [(r.reason, r.field) for r in report.rejected] == [(RejectReason.FIELD_TOO_LONG, "id")]

"""Sample batches so the console shows something to pick, dated from today."""

from __future__ import annotations

from datetime import date, timedelta

from bot.csv_table import ImportReport
from bot.training.batch_import import BatchImporter

# (BLK id from bot/data/blk.csv, title, days from today, capacity): west to east, one full-ish.
DEMO_BATCHES = (
    ("ppkd-jakarta-selatan", "Kewirausahaan Kuliner", 14, 25),
    ("ppkd-jakarta-selatan", "Pemasaran Digital untuk UMKM", 42, 2),
    ("bbpvp-bekasi", "Manajemen Usaha Mikro", 21, 30),
    ("bbpvp-bandung", "Kewirausahaan Fesyen", 28, 20),
    ("bpvp-ambon", "Pengolahan Hasil Perikanan", 35, 15),
    ("blk-jayapura", "Kewirausahaan Kerajinan", 30, 15),
)
HEADER = "id,blk_id,title,start_date,end_date,daily_start,daily_end,capacity,registration_deadline"


def demo_csv(today: date) -> bytes:
    rows = [HEADER]
    for number, (blk_id, title, days, capacity) in enumerate(DEMO_BATCHES, start=1):
        start = today + timedelta(days=days)
        end, deadline = start + timedelta(days=5), start - timedelta(days=3)
        rows.append(
            f"demo-{number},{blk_id},{title},{start},{end},08:00,16:00,{capacity},{deadline}"
        )
    return "\n".join(rows).encode()


async def load_demo_batches(importer: BatchImporter, today: date) -> ImportReport:
    """Idempotent: the same ids are updated, so dates move along with today."""
    return await importer.import_csv(demo_csv(today))

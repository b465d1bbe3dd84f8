"""One entry point for coordinators' CSV files, from the CLI or uploaded to the bot."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.coordinators.import_reports import Translate, problem_text, report_text
from bot.coordinators.roles import Scope
from bot.csv_table import TableError, decode, read_table
from bot.directory.service import DirectoryService
from bot.training.batch_import import BatchImporter


class CsvKind(StrEnum):
    BLK = "blk"
    BATCHES = "batches"
    PLUT = "plut"


# The BLK directory's columns that a PLUT file does not have (`type` is required there).
_BLK_ONLY_COLUMNS = frozenset({"type", "coord_source"})


def guess_kind(raw: bytes) -> CsvKind | None:
    """Batches have blk_id and capacity. Both directories have regency_code: with type or
    coord_source it is the BLK directory, without them the PLUT directory.

    Only the first line is read: the rows are checked by the import itself.
    """
    try:
        header, _records = read_table(decode(raw.split(b"\n", 1)[0]), ())
    except TableError:
        return None
    if {"blk_id", "capacity"} <= set(header):
        return CsvKind.BATCHES
    if "regency_code" in header:
        return CsvKind.BLK if _BLK_ONLY_COLUMNS & set(header) else CsvKind.PLUT
    return None


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """The report in words, and whether anything was left out (rows or the whole file)."""

    text: str
    complete: bool


async def import_csv(
    kind: CsvKind,
    raw: bytes,
    *,
    directory: DirectoryService,
    batches: BatchImporter,
    source_name: str,
    translate: Translate,
    actor_id: int | None = None,
    scope: Scope | None = None,
) -> ImportOutcome:
    """Import and describe the outcome; whole-file problems are described, not raised.

    `actor_id`: the person who uploaded it, for the audit log (None from the server's CLI);
    `scope`: the batches they may touch (None: all). The BLK and PLUT directories are not
    scoped: only administrators send them (`handlers.coordinators.uploads`).
    """
    cancelled = told = 0  # batches the schedule cancelled, people told so
    try:
        if kind is CsvKind.BLK:
            blk = await directory.import_blk_csv(raw, source_name=source_name, actor_id=actor_id)
            counts = (blk.added, blk.updated, blk.unchanged, blk.rejected)
        elif kind is CsvKind.PLUT:
            plut = await directory.pluts.import_csv(raw, source_name=source_name, actor_id=actor_id)
            counts = (plut.added, plut.updated, plut.unchanged, plut.rejected)
        else:
            report = await batches.import_csv(raw, actor_id=actor_id, scope=scope)
            counts = (report.added, report.updated, report.unchanged, report.rejected)
            cancelled, told = report.cancelled, report.told
    except TableError as exc:
        return ImportOutcome(problem_text(translate, exc), complete=False)
    added, updated, unchanged, rejected = counts
    text = report_text(
        translate,
        added=added,
        updated=updated,
        unchanged=unchanged,
        rejected=rejected,
        cancelled=cancelled,
        told=told,
    )
    return ImportOutcome(text, complete=not rejected)

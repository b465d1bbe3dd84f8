"""Which kind of staff CSV a file is, from its header alone."""

from __future__ import annotations

from importlib.resources import files

import pytest

from bot.coordinators.uploads import CsvKind, guess_kind


@pytest.mark.parametrize(
    ("template", "kind"),
    [
        ("blk.csv", CsvKind.BLK),
        ("blk-template.csv", CsvKind.BLK),
        ("batches-template.csv", CsvKind.BATCHES),
        ("plut-template.csv", CsvKind.PLUT),
    ],
)
def test_the_shipped_files_are_told_apart(template: str, kind: CsvKind) -> None:
    assert guess_kind(files("bot.data").joinpath(template).read_bytes()) is kind


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (b"id;name;regency_code\n", CsvKind.PLUT),  # the PLUT directory's required columns
        (b"\xef\xbb\xbfID,Name,Regency_Code,Phone\n", CsvKind.PLUT),
        (b"id,name,type,regency_code\n", CsvKind.BLK),
        # A BLK file without its type column: the BLK import says the column is missing.
        (b"id,name,regency_code,coord_source\n", CsvKind.BLK),
        (b"id,name,phone\n", None),
        (b"\xff\xfe\x00", None),
    ],
)
def test_headers(header: bytes, kind: CsvKind | None) -> None:
    assert guess_kind(header + b"x,y,z\n") is kind

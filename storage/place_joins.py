"""The join from a batch or a BLK to its province, through the BLK's regency: times are
shown in the province's zone, and coordinators' scopes are provinces."""

from __future__ import annotations

from sqlalchemy import Select

from storage.models import Batch, Blk, Province, Regency


def blk_to_province(stmt: Select) -> Select:
    """`stmt`, which selects from `Blk`, joined to the BLK's regency and province."""
    return stmt.join(Regency, Blk.regency_code == Regency.code).join(
        Province, Regency.province_code == Province.code
    )


def batch_to_province(stmt: Select) -> Select:
    """`stmt`, which selects from `Batch`, joined to its BLK, regency and province."""
    return blk_to_province(stmt.join(Blk, Batch.blk_id == Blk.id))

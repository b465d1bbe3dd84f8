"""Provinces and BLKs found by code or by typed name: for granting a coordinator's scope,
a new batch's BLK and a broadcast's audience.

Administrators know places by name ("jabar", "BLK Bekasi"), not by Kemendagri code or
directory id. A code or id that exists is taken as it is; otherwise provinces are matched
with the registration's place matching (aliases such as "jabar", typos) and BLKs with
rapidfuzz over their names. One clear match is used; several close ones are offered as
choices; none is said plainly.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.coordinators.roles import Scope, ScopeKind
from bot.places.regions import RegionDirectory
from storage.coordinator_repository import PlaceRepository
from storage.database import Database

MAX_CHOICES = 6
MIN_SCORE = 75.0  # below this a name is not offered at all
CLEAR_MARGIN = 8.0  # the best name wins alone when this far ahead of the next
MAX_LISTED_BLKS = 200


@dataclass(frozen=True)
class PlaceChoice:
    scope: Scope
    name: str


class PlaceFinder:
    def __init__(self, db: Database, regions: RegionDirectory) -> None:
        self._db = db
        self._regions = regions

    async def find(
        self, kind: ScopeKind | None, text: str, province: str | None = None
    ) -> list[PlaceChoice]:
        """Best first: one item when the place is clear, several when it is not, or none.

        `kind` None looks at provinces and BLKs alike; `province` (a code) keeps only the
        BLKs there, so a coordinator's choices are not crowded out by other regions'.
        """
        text = " ".join(text.split())
        async with self._db.transaction() as session:
            places = PlaceRepository(session)
            if kind in (None, ScopeKind.PROVINCE) and (name := await places.province_name(text)):
                return [PlaceChoice(Scope.province(text), name)]
            blk = await places.blk(text) if kind in (None, ScopeKind.BLK) else None
            if blk:
                return [PlaceChoice(Scope.blk(text), blk[0])] if province in (None, blk[1]) else []
            blks = await places.blks(province, limit=None) if kind is not ScopeKind.PROVINCE else []
        provinces = (
            [
                PlaceChoice(Scope.province(match.code), match.name)
                for match in self._regions.match_provinces(text)
            ]
            if kind is not ScopeKind.BLK
            else []
        )
        if len(provinces) == 1:
            return provinces
        return (provinces + self._blks(text, blks))[:MAX_CHOICES]

    async def blks(self, province: str | None) -> tuple[PlaceChoice | None, list[PlaceChoice]]:
        """BLKs with their ids, of one province (by code or name) or all; and the province.

        An unknown province gives (None, []).
        """
        found = None
        if province:
            choices = await self.find(ScopeKind.PROVINCE, province)
            if not choices:
                return None, []
            found = choices[0]
        async with self._db.transaction() as session:
            rows = await PlaceRepository(session).blks(
                found.scope.code if found else None, limit=MAX_LISTED_BLKS
            )
        return found, [PlaceChoice(Scope.blk(blk_id), name) for blk_id, name in rows]

    @staticmethod
    def _blks(text: str, blks: list[tuple[str, str]]) -> list[PlaceChoice]:
        names = dict(blks)
        return [PlaceChoice(Scope.blk(blk_id), names[blk_id]) for blk_id in closest(text, names)]


def closest(text: str, names: dict[str, str]) -> list[str]:
    """Keys of the names that fit typed text, best first: one when it is clearly ahead.

    Token sets: "semarang" fits every Semarang BLK alike (choices), "bbpvp semarang" only
    the one whose name has both words.
    """
    query = utils.default_process(text)
    if not query:
        return []
    scored = process.extract(
        query,
        {key: utils.default_process(name) for key, name in names.items()},
        scorer=fuzz.token_set_ratio,
        processor=None,
        score_cutoff=MIN_SCORE,
        limit=MAX_CHOICES,
    )
    if len(scored) > 1 and scored[0][1] - scored[1][1] >= CLEAR_MARGIN:
        scored = scored[:1]
    return [key for _, _, key in scored]

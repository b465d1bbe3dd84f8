"""In-memory nearest-point search over BLK locations (thousands of points).

Points are ranked by the dot product of unit vectors (monotone in the great-circle distance:
three multiplications per point), and only the winners get an exact haversine distance.
Working on the sphere avoids edge cases at the antimeridian or near the poles.
"""

from __future__ import annotations

import enum
import heapq
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.places.geo import haversine_km, unit_vector


class CoordPrecision(enum.Enum):
    """How far a BLK's point may be from its building."""

    SOURCE = "source"  # coordinates given by the source / coordinator
    DISTRICT = "district"  # kecamatan centroid: a few km
    REGENCY = "regency"  # regency centroid (stored, or used because none is known): tens of km


# `coord_source` values written by the directory data (see bot/data/README.md).
_CENTROIDS = {
    "district-centroid": CoordPrecision.DISTRICT,
    "regency-centroid": CoordPrecision.REGENCY,
}


def precision_of(coord_source: str, has_coordinates: bool) -> CoordPrecision:
    """Precision of a stored point; without coordinates the regency centroid is used."""
    if not has_coordinates:
        return CoordPrecision.REGENCY
    return _CENTROIDS.get(coord_source.strip().lower(), CoordPrecision.SOURCE)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Located(Generic[T]):
    """An item with the point used for it."""

    item: T
    latitude: float
    longitude: float
    sort_key: tuple[str, ...]  # e.g. (name, id): the tie-break for equal distances


@dataclass(frozen=True, slots=True)
class _Cell:
    """Points in one grid cell: its centre and angular radius bound every member's distance."""

    centre: tuple[float, float, float]
    radius: float  # radians, the farthest member from the centre
    members: list[tuple[float, float, float, int]]  # x, y, z, index into the sorted points


def _angle(u: tuple[float, float, float], v: tuple[float, float, float]) -> float:
    dot = u[0] * v[0] + u[1] * v[1] + u[2] * v[2]
    return math.acos(max(-1.0, min(1.0, dot)))


class NearestIndex(Generic[T]):
    """Immutable index; build a new one when the directory changes.

    Points are grouped in grid cells of ``cell_degrees``. A query ranks cells by the lower
    bound "distance to centre minus radius" (triangle inequality on the sphere) and stops once
    no remaining cell can beat the current k-th point: exact, valid anywhere on Earth, and it
    scans a few dozen points instead of thousands.
    """

    def __init__(self, points: Sequence[Located[T]], cell_degrees: float = 2.0) -> None:
        # Ties in distance fall back to (name, id): sort once, then the position breaks ties.
        self._points = sorted(points, key=lambda p: p.sort_key)
        grid: dict[tuple[int, int], list[tuple[float, float, float, int]]] = defaultdict(list)
        for i, p in enumerate(self._points):
            key = (math.floor(p.latitude / cell_degrees), math.floor(p.longitude / cell_degrees))
            grid[key].append((*unit_vector(p.latitude, p.longitude), i))
        self._cells = [_cell(members) for members in grid.values()]

    def __len__(self) -> int:
        return len(self._points)

    def __iter__(self) -> Iterator[Located[T]]:
        return iter(self._points)

    def nearest(self, lat: float, lon: float, limit: int) -> list[tuple[Located[T], float]]:
        """Up to ``limit`` points with their distance in km, nearest first (ties by name, id)."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        q = unit_vector(lat, lon)
        qx, qy, qz = q
        bounds = sorted((_angle(q, c.centre) - c.radius, n) for n, c in enumerate(self._cells))
        # Min-heap of the best (dot, -index) so far: larger dot = nearer, smaller index wins ties.
        heap: list[tuple[float, int]] = []
        kth_angle = math.inf
        for bound, n in bounds:
            if bound > kth_angle + _SLACK:
                break
            for x, y, z, i in self._cells[n].members:
                item = (qx * x + qy * y + qz * z, -i)
                if len(heap) < limit:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
            if len(heap) == limit:
                kth_angle = math.acos(max(-1.0, min(1.0, heap[0][0])))
        found = [
            (p, haversine_km(lat, lon, p.latitude, p.longitude))
            for p in (self._points[-i] for _, i in heap)
        ]
        # Sort on the exact distance: the dot product and haversine can disagree in the last
        # bits for nearly equal distances; the order must match the distances shown.
        found.sort(key=lambda pair: (pair[1], pair[0].sort_key))
        return found


# Rounding in acos near 0 is ~1e-8 rad; 1e-7 rad (0.6 m) keeps cells that could tie.
_SLACK = 1e-7


def _cell(members: list[tuple[float, float, float, int]]) -> _Cell:
    sx, sy, sz = (sum(m[k] for m in members) for k in range(3))
    norm = math.sqrt(sx * sx + sy * sy + sz * sz) or 1.0
    centre = (sx / norm, sy / norm, sz / norm)
    radius = max(_angle(centre, (x, y, z)) for x, y, z, _ in members)
    return _Cell(centre, radius, members)

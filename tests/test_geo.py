"""Great-circle distances and the in-memory nearest index."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.directory.nearest import CoordPrecision, Located, NearestIndex, precision_of
from bot.places.geo import (
    EARTH_RADIUS_KM,
    haversine_km,
    in_indonesia_box,
    unit_vector,
    validate_point,
)

JAKARTA = (-6.2088, 106.8456)  # Monas area
SURABAYA = (-7.2575, 112.7521)
HALF_CIRCUMFERENCE = math.pi * EARTH_RADIUS_KM

latitudes = st.floats(min_value=-90, max_value=90, allow_nan=False)
longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)


def test_jakarta_surabaya() -> None:
    assert haversine_km(*JAKARTA, *SURABAYA) == pytest.approx(663, abs=3)


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((-6.2088, 106.8456), (-6.9175, 107.6191), 116),  # Jakarta - Bandung
        ((3.5952, 98.6722), (-8.6705, 115.2126), 2290),  # Medan - Denpasar
        ((5.8926, 95.3238), (-8.4991, 140.4050), 5240),  # Sabang - Merauke
        ((0.0, 0.0), (0.0, 1.0), 111.195),  # one degree on the equator
    ],
)
def test_known_distances(a: tuple[float, float], b: tuple[float, float], km: float) -> None:
    assert haversine_km(*a, *b) == pytest.approx(km, rel=0.01)


def test_same_point_is_zero() -> None:
    assert haversine_km(*JAKARTA, *JAKARTA) == 0.0


@pytest.mark.parametrize(
    ("a", "b"),
    [((0.0, 0.0), (0.0, 180.0)), ((90.0, 0.0), (-90.0, 0.0)), ((-6.2, 106.8), (6.2, -73.2))],
)
def test_antipodes_are_half_the_circumference(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    assert haversine_km(*a, *b) == pytest.approx(HALF_CIRCUMFERENCE, rel=1e-9)


def test_antimeridian_is_short() -> None:
    assert haversine_km(0.0, 179.9, 0.0, -179.9) == pytest.approx(22.24, abs=0.01)


@given(latitudes, longitudes, latitudes, longitudes)
def test_distance_properties(lat1: float, lon1: float, lat2: float, lon2: float) -> None:
    d = haversine_km(lat1, lon1, lat2, lon2)
    assert d == pytest.approx(haversine_km(lat2, lon2, lat1, lon1), abs=1e-9)
    assert 0.0 <= d <= HALF_CIRCUMFERENCE + 1e-9


@given(latitudes, longitudes, latitudes, longitudes)
def test_dot_product_orders_like_distance(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    """The nearest index ranks by dot product: it must agree with haversine."""
    u, v = unit_vector(lat1, lon1), unit_vector(lat2, lon2)
    dot = sum(a * b for a, b in zip(u, v, strict=True))
    angle = math.acos(max(-1.0, min(1.0, dot)))
    assert angle * EARTH_RADIUS_KM == pytest.approx(haversine_km(lat1, lon1, lat2, lon2), abs=0.5)


@pytest.mark.parametrize(
    ("lat", "lon"), [(91, 0), (-90.5, 0), (0, 181), (0, -180.1), (math.nan, 0), (0, math.inf)]
)
def test_validate_point_rejects(lat: float, lon: float) -> None:
    with pytest.raises(ValueError):
        validate_point(lat, lon)


def test_validate_point_accepts_edges() -> None:
    for lat, lon in [(90, 180), (-90, -180), (0, 0)]:
        validate_point(lat, lon)


def test_indonesia_box() -> None:
    assert in_indonesia_box(*JAKARTA)
    assert in_indonesia_box(-8.4991, 140.4050)  # Merauke
    assert not in_indonesia_box(1.35, 103.8 + 40)  # east of Papua
    assert not in_indonesia_box(13.75, 100.5)  # Bangkok


def test_precision_of() -> None:
    assert precision_of("district-centroid", True) is CoordPrecision.DISTRICT
    assert precision_of("Regency-Centroid ", True) is CoordPrecision.REGENCY
    assert precision_of("gps", True) is CoordPrecision.SOURCE
    assert precision_of("", True) is CoordPrecision.SOURCE
    assert precision_of("gps", False) is CoordPrecision.REGENCY


def _index(points: list[tuple[str, float, float]]) -> NearestIndex[str]:
    return NearestIndex([Located(name, lat, lon, (name,)) for name, lat, lon in points])


def test_nearest_index_orders_and_breaks_ties_by_key() -> None:
    index = _index([("c", 0, 1), ("b", 0, 1), ("far", 10, 10), ("a", 0, -1), ("here", 0, 0.5)])
    found = [(p.item, round(d)) for p, d in index.nearest(0, 0, 4)]
    assert found == [("here", 56), ("a", 111), ("b", 111), ("c", 111)]
    assert len(index.nearest(0, 0, 99)) == 5
    with pytest.raises(ValueError):
        index.nearest(0, 0, 0)


def test_nearest_index_empty_and_across_antimeridian() -> None:
    assert _index([]).nearest(0, 0, 3) == []
    index = _index([("west", 0, -179.5), ("east", 0, 170)])
    assert index.nearest(0, 179.5, 1)[0][0].item == "west"


@settings(max_examples=300)
@given(
    st.lists(st.tuples(latitudes, longitudes), min_size=1, max_size=60),
    latitudes,
    longitudes,
    st.integers(min_value=1, max_value=10),
    st.sampled_from([0.5, 2.0, 45.0, 360.0]),
)
def test_nearest_index_matches_brute_force(
    points: list[tuple[float, float]], lat: float, lon: float, limit: int, cell: float
) -> None:
    """The grid only prunes: results equal a full scan, whatever the cell size."""
    located = [Located(f"p{i:02d}", la, lo, (f"p{i:02d}",)) for i, (la, lo) in enumerate(points)]
    got = [d for _, d in NearestIndex(located, cell_degrees=cell).nearest(lat, lon, limit)]
    expected = sorted(haversine_km(lat, lon, la, lo) for la, lo in points)[:limit]
    # Near-ties are chosen by dot product, which can differ from haversine by millimetres.
    assert got == pytest.approx(expected, abs=1e-4)


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=-11, max_value=6.5), st.floats(min_value=94, max_value=141.5)
        ),
        min_size=50,
        max_size=300,
    ),
    latitudes,
    longitudes,
)
def test_nearest_index_in_indonesia_matches_brute_force(
    points: list[tuple[float, float]], lat: float, lon: float
) -> None:
    index = _index([(f"p{i:03d}", la, lo) for i, (la, lo) in enumerate(points)])
    got = [d for _, d in index.nearest(lat, lon, 5)]
    expected = sorted(haversine_km(lat, lon, la, lo) for la, lo in points)[:5]
    # Near-ties are chosen by dot product, which can differ from haversine by millimetres.
    assert got == pytest.approx(expected, abs=1e-4)

"""Great-circle geometry for "nearest BLK": plain math, no dependencies."""

from __future__ import annotations

import math

# IUGG mean Earth radius; the error against the ellipsoid (< 0.5%) is far below the error of
# our coordinates, which are polygon centroids tens of km from the real building.
EARTH_RADIUS_KM = 6371.0088

# A shared point farther than this from every kecamatan centre is taken as outside Indonesia
# or at sea. Places on land lie much nearer a centre: the largest kecamatan (Papua,
# Kalimantan) are under about 100 km across, and the remotest islands are kecamatan of their
# own. The open sea between islands (mid Java Sea ~155 km, Banda Sea ~180 km), Malaysia's
# west coast (~125 km) and the Indian Ocean are beyond it; cities just over a border
# (Singapore ~30 km from Batam, Dili ~70 km) are not, and get the nearest BLKs as usual.
FAR_FROM_LAND_KM = 100.0

# Indonesia's bounding box (with margin for outlying islands), used to reject typos in imports.
INDONESIA_LAT = (-11.0, 6.5)
INDONESIA_LON = (94.0, 141.5)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points given in decimal degrees.

    Haversine stays accurate for short distances (unlike the spherical law of cosines), which
    matters when two BLKs are a few km apart in the same city.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    # Rounding can push `a` a hair above 1 for antipodes; asin would then raise.
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """Point on the unit sphere; a larger dot product between two of them means nearer.

    Ranking by dot product costs three multiplications per BLK instead of trigonometry.
    """
    phi, lam = math.radians(lat), math.radians(lon)
    cos_phi = math.cos(phi)
    return (cos_phi * math.cos(lam), cos_phi * math.sin(lam), math.sin(phi))


def in_indonesia_box(lat: float, lon: float) -> bool:
    """True when the point lies in Indonesia's bounding box (sea included)."""
    return (
        INDONESIA_LAT[0] <= lat <= INDONESIA_LAT[1] and INDONESIA_LON[0] <= lon <= INDONESIA_LON[1]
    )


def validate_point(lat: float, lon: float) -> None:
    """Raise ValueError unless lat is in -90..90 and lon in -180..180 (finite numbers)."""
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise ValueError(f"latitude out of range: {lat!r}")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise ValueError(f"longitude out of range: {lon!r}")

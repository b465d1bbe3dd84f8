"""Tests for the region directory and typed place-name matching (domicile step)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.places.names import MAX_CANDIDATES, normalise, read_data_csv
from bot.places.regions import RegionDirectory, default_directory
from bot.places.types import Regency

WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}  # Maluku, Maluku Utara, Papua x6


@pytest.fixture(scope="module")
def directory() -> RegionDirectory:
    return default_directory()


def all_regencies(directory: RegionDirectory) -> list[Regency]:
    return [r for p in directory.provinces() for r in directory.regencies(p.code)]


# --- loading -------------------------------------------------------------------------------


def test_loads_all_provinces_and_regencies(directory: RegionDirectory) -> None:
    provinces = directory.provinces()
    regencies = all_regencies(directory)
    assert len(provinces) == 38
    assert len(regencies) == 514
    assert len({r.code for r in regencies}) == 514
    assert [p.name for p in provinces] == sorted(p.name for p in provinces)
    assert sum(r.is_kota for r in regencies) == 98


def test_default_directory_is_cached() -> None:
    assert default_directory() is default_directory()


def test_lookup_by_code(directory: RegionDirectory) -> None:
    assert directory.province("32").name == "Jawa Barat"  # type: ignore[union-attr]
    assert directory.province("99") is None
    bekasi = directory.regency("32.16")
    assert bekasi is not None
    assert (bekasi.name, bekasi.province_code) == ("Kabupaten Bekasi", "32")
    assert -11 < bekasi.latitude < 6.5 and 94 < bekasi.longitude < 141.5
    assert directory.regency("32.99") is None
    assert directory.regencies("99") == []


def test_regencies_sorted_without_prefix(directory: RegionDirectory) -> None:
    names = [r.short_name for r in directory.regencies("32")]
    assert names[:3] == ["Kab. Bandung", "Kota Bandung", "Kab. Bandung Barat"]
    for province in directory.provinces():
        regencies = directory.regencies(province.code)
        assert regencies, province.name
        assert all(r.province_code == province.code for r in regencies)
        assert [r.base_name for r in regencies] == sorted(r.base_name for r in regencies)


# --- timezones -----------------------------------------------------------------------------


def test_every_province_has_a_timezone(directory: RegionDirectory) -> None:
    expected = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
    for province in directory.provinces():
        assert expected[province.tz_abbr] == province.timezone, province.name
        assert (province.tz_abbr == "WIT") == (province.code in WIT_PROVINCES), province.name
    rows = read_data_csv("province_timezones.csv")
    assert sorted(row["province_code"] for row in rows) == sorted(
        p.code for p in directory.provinces()
    )


@pytest.mark.parametrize(
    ("code", "abbr"),
    [
        ("31", "WIB"),
        ("51", "WITA"),
        ("82", "WIT"),
        ("91", "WIT"),
        ("96", "WIT"),
        ("81", "WIT"),
        ("61", "WIB"),
        ("64", "WITA"),
        ("73", "WITA"),
        ("12", "WIB"),
    ],
)
def test_known_timezones(directory: RegionDirectory, code: str, abbr: str) -> None:
    assert directory.province(code).tz_abbr == abbr  # type: ignore[union-attr]


# --- short names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "short"),
    [
        ("32.16", "Kab. Bekasi"),
        ("32.75", "Kota Bekasi"),
        ("31.75", "Jakarta Timur"),
        ("31.01", "Kep. Seribu"),
        ("73.10", "Kab. Pangkajene dan Kep."),
        ("34.71", "Kota Yogyakarta"),
    ],
)
def test_short_names(directory: RegionDirectory, code: str, short: str) -> None:
    assert directory.regency(code).short_name == short  # type: ignore[union-attr]


def test_short_names_fit_buttons_and_are_unique(directory: RegionDirectory) -> None:
    regencies = all_regencies(directory)
    assert max(len(r.short_name) for r in regencies) <= 32
    assert len({r.short_name for r in regencies}) == len(regencies)


# --- alias data ----------------------------------------------------------------------------


def test_alias_csv_codes_exist(directory: RegionDirectory) -> None:
    rows = read_data_csv("place_aliases.csv")
    assert len(rows) >= 40
    for row in rows:
        code = row["code"]
        target = directory.regency(code) if "." in code else directory.province(code)
        assert target is not None, row
        assert normalise(row["alias"]).core, row
    assert len({(r["alias"], r["code"]) for r in rows}) == len(rows)


def test_word_rewrites_are_clean() -> None:
    for row in read_data_csv("place_words.csv"):
        assert row["word"] == row["word"].strip().lower() and row["word"].isalnum(), row


# --- matching: typos and aliases -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Surabya", "35.78"),
        ("Makasar", "73.71"),
        ("Jogjakarta", "34.71"),
        ("jogja", "34.71"),
        ("Yogya", "34.71"),
        ("solo", "33.72"),
        ("jkt selatan", "31.74"),
        ("jaksel", "31.74"),
        ("Jakarta Selatan", "31.74"),
        ("jakut", "31.72"),
        ("jakbar", "31.73"),
        ("jaktim", "31.75"),
        ("jakpus", "31.71"),
        ("bdg", "32.73"),
        ("sby", "35.78"),
        ("smg", "33.74"),
        ("mks", "73.71"),
        ("mdn", "12.71"),
        ("pangkep", "73.10"),
        ("palangka raya", "62.71"),
        ("Palangkaraya", "62.71"),
        ("kota bandunng", "32.73"),
        ("tangsel", "36.74"),
        ("Kota Adm. Jakarta Timur", "31.75"),
        ("tolitoli", "72.04"),
        ("kab. kep. selayar", "73.01"),
        ("pekan baru", "14.71"),
        ("bnyuwangi", "35.10"),
        ("sidoardjo", "35.15"),
        ("lima puluh kota", "13.07"),
        ("luwu timu", "73.24"),
        ("oku timur", "16.08"),
    ],
)
def test_typos_and_aliases(directory: RegionDirectory, text: str, code: str) -> None:
    lookup = directory.match_regencies(text)
    assert lookup.best is not None, (text, lookup.candidates)
    assert lookup.best.code == code
    assert lookup.candidates[0] == lookup.best


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("kab bekasi", "32.16"),
        ("Kab. Bekasi", "32.16"),
        ("kabupaten bekasi", "32.16"),
        ("kota bekasi", "32.75"),
        ("Bekasi Kota", "32.75"),
        ("kot bekasi", "32.75"),
        ("kab bekasy", "32.16"),
        ("kota tasik", "32.78"),
        ("kota garut", "32.05"),
    ],
)
def test_prefix_words_decide(directory: RegionDirectory, text: str, code: str) -> None:
    lookup = directory.match_regencies(text)
    assert lookup.best is not None and lookup.best.code == code, (text, lookup)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("bekasi", {"32.16", "32.75"}),
        ("Bandunng", {"32.04", "32.73"}),
        ("tasik", {"32.06", "32.78"}),
    ],
)
def test_ambiguous_names_offer_both(directory: RegionDirectory, text: str, codes: set[str]) -> None:
    lookup = directory.match_regencies(text)
    assert lookup.best is None
    assert {r.code for r in lookup.candidates[: len(codes)]} == codes


def test_jakarta_is_ambiguous(directory: RegionDirectory) -> None:
    lookup = directory.match_regencies("jakarta")
    assert lookup.best is None
    assert {r.province_code for r in lookup.candidates} == {"31"}
    assert len(lookup.candidates) == 5


def test_province_filter_restricts_results(directory: RegionDirectory) -> None:
    assert {r.code for r in directory.match_regencies("bekasi", "32").candidates} == {
        "32.16",
        "32.75",
    }
    assert directory.match_regencies("bekasi", "36").candidates == []
    assert directory.match_regencies("jogja", "32").best is None
    assert directory.match_regencies("bekasi", "99").candidates == []
    for text in ("barat", "bandung", "kota", "jaya", "selatan", "malang"):
        lookup = directory.match_regencies(text, "35")
        assert all(r.province_code == "35" for r in lookup.candidates), text


@pytest.mark.parametrize(
    "text",
    ["qwertyuiop", "", "   ", "😀😀", "!!!", "🏠 rumah", "zzzzzzzz", "belum tahu", "x" * 5000],
)
def test_nonsense_gives_no_best(directory: RegionDirectory, text: str) -> None:
    assert directory.match_regencies(text).best is None
    assert directory.match_provinces(text) == []


def test_nonsense_has_no_candidates(directory: RegionDirectory) -> None:
    for text in ("qwertyuiop", "", "😀", "!!!"):
        assert directory.match_regencies(text).candidates == []
        assert directory.match_provinces(text) == []


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60), province=st.sampled_from([None, "31", "32", "91", "00"]))
def test_arbitrary_text_never_raises(text: str, province: str | None) -> None:
    directory = default_directory()
    lookup = directory.match_regencies(text, province)
    assert len(lookup.candidates) <= MAX_CANDIDATES
    if lookup.best is not None:
        assert lookup.candidates[0] == lookup.best
    if province is not None:
        assert all(r.province_code == province for r in lookup.candidates)
    assert len(directory.match_provinces(text)) <= MAX_CANDIDATES


def test_every_regency_matches_itself(directory: RegionDirectory) -> None:
    for regency in all_regencies(directory):
        for text in (regency.name, regency.short_name, regency.name.upper()):
            lookup = directory.match_regencies(text)
            assert lookup.best == regency, (text, lookup.candidates)
            within = directory.match_regencies(text, regency.province_code)
            assert within.best == regency, text


# --- provinces -----------------------------------------------------------------------------


def test_every_province_matches_itself(directory: RegionDirectory) -> None:
    for province in directory.provinces():
        matches = directory.match_provinces(province.name)
        assert [m.code for m in matches] == [province.code], province.name
        assert matches[0].name == province.name and matches[0].score == 100


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("jabar", "32"),
        ("Jawa Barat", "32"),
        ("jateng", "33"),
        ("DKI Jakarta", "31"),
        ("jakarta", "31"),
        ("jogja", "34"),
        ("DIY", "34"),
        ("sumut", "12"),
        ("Sumatra Utara", "12"),
        ("kep. riau", "21"),
        ("Prov. Jawa Timur", "35"),
        ("NTT", "53"),
        ("papua", "91"),
        ("Papua Barat Daya", "96"),
        ("Sulawesi Selatn", "73"),
        ("kalimantan timr", "64"),
    ],
)
def test_match_provinces(directory: RegionDirectory, text: str, code: str) -> None:
    assert [m.code for m in directory.match_provinces(text)] == [code]


def test_ambiguous_province(directory: RegionDirectory) -> None:
    codes = [m.code for m in directory.match_provinces("jawa")]
    assert sorted(codes) == ["32", "33", "35"]
    assert len(directory.match_provinces("kalimantan")) == MAX_CANDIDATES


# --- kecamatan and match_places --------------------------------------------------------------


def test_districts_loaded(directory: RegionDirectory) -> None:
    districts = directory.districts()
    assert len(districts) == 7285
    assert len({d.code for d in districts}) == 7285
    assert all(directory.regency(d.regency_code) is not None for d in districts)
    assert all(d.code.startswith(d.regency_code + ".") for d in districts)
    assert all(-11 <= d.latitude <= 6.5 and 94 <= d.longitude <= 141.5 for d in districts)
    cibinong = directory.district("32.01.01")
    assert cibinong is not None and cibinong.name == "Cibinong"
    assert directory.district("32.01.99") is None
    assert {d.regency_code for d in directory.districts("35.10")} == {"35.10"}
    assert len(directory.all_regencies()) == 514


@pytest.mark.parametrize(
    ("text", "regency", "district"),
    [
        ("Cibinong", "32.01", "Cibinong"),  # also a regency alias of Kab. Bogor
        ("Muncar", "35.10", "Muncar"),
        ("Cilandak", "31.74", "Cilandak"),
        ("kec. cilandak", "31.74", "Cilandak"),
        ("Kecamatan Muncar", "35.10", "Muncar"),
        ("TEBET", "31.74", "Tebet"),
        ("Pondok Gede", "32.75", "Pondokgede"),
        ("Bojonggede", "32.01", "Bojonggede"),
        ("ubud", "51.04", "Ubud"),
        ("kota garut", "32.05", "Garut Kota"),
        ("Ciputat", "36.74", "Ciputat"),
        ("Wonosari, Klaten", "33.10", "Wonosari"),
        ("Wonosari, Gunungkidul", "34.03", "Wonosari"),
        ("wonosari, jawa tengah", "33.10", "Wonosari"),
        ("Lembang, Bandung Barat", "32.17", "Lembang"),
        ("Kuta, Bali", "51.03", "Kuta"),
        ("Cibinong, Bogor", "32.01", "Cibinong"),
    ],
)
def test_match_places_resolves_kecamatan(
    directory: RegionDirectory, text: str, regency: str, district: str
) -> None:
    found = directory.match_places(text)
    assert found.best is not None, (text, found.candidates)
    assert found.best.regency.code == regency
    assert found.best.district is not None and found.best.district.name == district
    assert found.candidates[0] == found.best
    assert (found.best.latitude, found.best.longitude) == (
        found.best.district.latitude,
        found.best.district.longitude,
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("jogja", "34.71"),
        ("jkt selatan", "31.74"),
        ("bdg", "32.73"),
        ("Surabya", "35.78"),
        ("kab bekasi", "32.16"),
        ("kota bekasi", "32.75"),
        ("solo", "33.72"),
        ("pangkep", "73.10"),
        ("Karanganyar", "33.13"),  # the official regency name beats kecamatan namesakes
        ("Bantul", "34.02"),
        ("Depok", "32.76"),
        ("Cikarang", "32.16"),
        ("balam", "18.71"),  # not "Pangkal Balam": a word of a kecamatan name is not its name
        ("pare pare", "73.72"),
        ("limapuluh kota", "13.07"),
    ],
)
def test_match_places_keeps_regency_matches(
    directory: RegionDirectory, text: str, code: str
) -> None:
    found = directory.match_places(text)
    assert found.best is not None and found.best.regency.code == code, (text, found)
    assert found.best.district is None
    assert (found.best.latitude, found.best.longitude) == (
        found.best.regency.latitude,
        found.best.regency.longitude,
    )


def test_match_places_agrees_with_match_regencies(directory: RegionDirectory) -> None:
    for regency in all_regencies(directory):
        found = directory.match_places(regency.name)
        assert found.best is not None and found.best.regency == regency, regency.name


@pytest.mark.parametrize(
    ("text", "regencies"),
    [
        ("bekasi", {"32.16", "32.75"}),
        ("Wonosari", {"34.03", "33.10", "35.07"}),  # Gunungkidul's capital, Klaten, Malang
        ("Lembang", {"32.17", "73.15"}),  # Bandung Barat, Pinrang
        ("Kota Baru", {"15.71", "32.15"}),
        ("Bandunng", {"32.04", "32.73"}),  # a typo of a regency, not kecamatan Bandung
        ("Makasar", {"73.71", "31.75"}),  # Makassar misspelt, or kecamatan Makasar in Jaktim
    ],
)
def test_ambiguous_places_give_candidates(
    directory: RegionDirectory, text: str, regencies: set[str]
) -> None:
    found = directory.match_places(text)
    assert found.best is None, found.best
    assert regencies <= {h.regency.code for h in found.candidates}
    assert len(found.candidates) <= MAX_CANDIDATES


def test_bandunng_lists_the_regencies_first(directory: RegionDirectory) -> None:
    found = directory.match_places("Bandunng")
    assert [h.regency.code for h in found.candidates[:2]] == ["32.04", "32.73"]
    assert all(h.district is None for h in found.candidates[:2])


def test_kecamatan_typos_are_only_candidates(directory: RegionDirectory) -> None:
    # A village name one letter away from a kecamatan elsewhere (Kedungreja, Cilacap).
    found = directory.match_places("Kedungrejo")
    assert found.best is None
    assert [h.district.name for h in found.candidates if h.district] == ["Kedungreja"]


def test_match_places_province_filter(directory: RegionDirectory) -> None:
    found = directory.match_places("Lembang", "73")
    assert found.best is not None and found.best.regency.code == "73.15"
    assert directory.match_places("Cibinong", "35").candidates == []
    assert directory.match_places("Kuta, Bali", "31").candidates == []
    for text in ("Wonosari", "barat", "kota baru", "karanganyar"):
        found = directory.match_places(text, "33")
        assert all(h.regency.province_code == "33" for h in found.candidates), text


@pytest.mark.parametrize("text", ["qwertyuiop", "", "   ", "😀", "!!!", "belum tahu", "x" * 5000])
def test_match_places_nonsense(directory: RegionDirectory, text: str) -> None:
    found = directory.match_places(text)
    assert found.best is None and found.candidates == []


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60), province=st.sampled_from([None, "31", "35", "94", "00"]))
def test_match_places_never_raises(text: str, province: str | None) -> None:
    found = default_directory().match_places(text, province)
    assert len(found.candidates) <= MAX_CANDIDATES
    if found.best is not None:
        assert found.candidates[0] == found.best
    if province is not None:
        assert all(h.regency.province_code == province for h in found.candidates)
    for hit in found.candidates:
        assert hit.district is None or hit.district.regency_code == hit.regency.code

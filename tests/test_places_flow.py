"""Places: a shared point outside Indonesia or at sea is answered as such; the place a
search matched is echoed; a pin built from a regency or kecamatan centre says it is
approximate; an address names its regency once."""

from __future__ import annotations

import pytest

from bot.places.geo import FAR_FROM_LAND_KM
from bot.places.regions import default_directory
from tests.fake_bot_api import FakeBotAPI
from tests.harness import Chat

JAKSEL_NAME = "Pusat Pelatihan Kerja Daerah (PPKD) Jakarta Selatan"


@pytest.mark.parametrize(
    ("point", "where"),
    [
        ((-10.0, 90.0), None),  # the Indian Ocean
        ((-4.5, 110.0), None),  # the middle of the Java Sea
        ((3.14, 101.69), None),  # Kuala Lumpur
        ((-6.2726, 106.8100), "31.74"),  # Jakarta Selatan
        ((-2.60, 140.70), "91.71"),  # Kota Jayapura
        ((3.9, 108.3), "21.03"),  # Natuna, an island far out
    ],
)
def test_locate_tells_land_from_sea_and_abroad(
    point: tuple[float, float], where: str | None
) -> None:
    district = default_directory().locate(*point)
    assert (district.regency_code if district else None) == where


def test_every_regency_centre_is_on_land() -> None:
    """A regency's own centre is never taken for the sea (the threshold is not too tight)."""
    regions = default_directory()
    at_sea = [
        r.name for r in regions.all_regencies() if regions.locate(r.latitude, r.longitude) is None
    ]
    assert at_sea == [], f"{FAR_FROM_LAND_KM} km"


async def test_a_location_in_the_indian_ocean(chat: Chat, fake_api: FakeBotAPI) -> None:
    await chat.send("/blk", "Kirim <b>lokasi</b>")
    fake_api.location(chat.user_id, -10.0, 90.0)
    answer = await chat.expect("di luar Indonesia atau di tengah laut")
    assert answer.reply_markup["keyboard"][0][0]["request_location"] is True
    # Another place can be given at once, by name.
    await chat.send("jaksel", "Mencari")
    await chat.expect("hasil untuk Kota Administrasi Jakarta Selatan", JAKSEL_NAME)


async def test_a_shared_location_is_named_and_pins_say_approximate(
    chat: Chat, fake_api: FakeBotAPI
) -> None:
    fake_api.location(chat.user_id, -6.2726, 106.8100)
    await chat.expect("Mencari")
    found = await chat.expect(
        "hasil untuk Kecamatan Mampang Prapatan, Kota Administrasi Jakarta Selatan"
    )
    text = found.text or ""
    assert "Kawasan Pasar Rebo, Jakarta Timur, Daerah Khusus" in text  # the regency once
    page = await chat.press(f"1. {JAKSEL_NAME}", "Belum ada gelombang")
    chat.press_on(page, "Lokasi BLK")
    venue = await fake_api.wait_call("sendVenue", chat_id=chat.user_id)
    assert venue.params["title"] == f"{JAKSEL_NAME} (lokasi perkiraan)"
    assert venue.params["address"].count("Jakarta Selatan") == 1


async def test_the_domicile_question_offers_the_nik_province_first(chat: Chat) -> None:
    await chat.send("/daftar", "Persetujuan")
    await chat.press("Saya setuju", "nama lengkap")
    await chat.send("Siti Aminah", "NIK")
    await chat.send("3578014507920003", "5 Juli 1992")  # Kota Surabaya, Jawa Timur
    await chat.press("Benar", "nomor HP")
    await chat.send("081234567890", "+62812")
    province = await chat.expect("provinsi")
    assert province.buttons[0][0] == "📍 Jawa Timur (sesuai KTP)"
    await chat.press("Jawa Timur (sesuai KTP)", "kabupaten/kota", "Jawa Timur")

"""QR codes read back as a phone's camera reads them: from a PNG the bot sends, or from
the picture inside a PDF."""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image
from pypdf import PdfReader

_DEEP_LINK = re.compile(r"https://t\.me/(\w+)\?start=([\w-]{1,64})")


def read_qr(picture: Image.Image) -> str:
    """The text of the one QR code in the picture."""
    [code] = zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormat.QRCode)
    return code.text


def qr_in_png(png: bytes) -> str:
    return read_qr(Image.open(io.BytesIO(png)))


def qr_in_pdf(pdf: PdfReader) -> str:
    """The text of the QR code, the only picture on the first page."""
    [picture] = pdf.pages[0].images
    assert picture.image is not None
    return read_qr(picture.image)


def start_payload(link: str, bot_username: str) -> str:
    """The /start payload of a deep link to the bot; anything else fails the test."""
    match = _DEEP_LINK.fullmatch(link)
    assert match and match[1] == bot_username, link
    return match[2]

"""The certificate as a one-page PDF (fpdf2): the texts come translated from the caller,
the layout and the verification QR code from here. DejaVu Sans (shipped with
matplotlib, a dependency) prints every name as typed, beyond Latin-1."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from fpdf import FPDF

from bot.training.check_in_codes import qr_png

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@dataclass(frozen=True)
class CertificateText:
    """Every sentence on the certificate, in the holder's language."""

    heading: str
    programme: str
    given_to: str
    holder: str
    details: list[str]
    number: str
    verify: str


def certificate_pdf(text: CertificateText, verify_link: str) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(f"{text.heading} {text.number}")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_draw_color(30, 80, 140)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(28)
    _line(pdf, text.heading, 30, bold=True)
    _line(pdf, text.programme, 16)
    pdf.ln(8)
    _line(pdf, text.given_to, 13)
    _line(pdf, text.holder, 24, bold=True)
    pdf.ln(6)
    for detail in text.details:
        _line(pdf, detail, 13)
    pdf.image(io.BytesIO(qr_png(verify_link)), x=pdf.w - 60, y=pdf.h - 62, w=40)
    pdf.set_xy(20, pdf.h - 45)
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(pdf.w - 90, 8, text.number)
    pdf.set_xy(20, pdf.h - 36)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(pdf.w - 90, 6, text.verify)
    return bytes(pdf.output())


def _line(pdf: FPDF, words: str, size: int, *, bold: bool = False) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.55, words, align="C")
    pdf.set_x(pdf.l_margin)

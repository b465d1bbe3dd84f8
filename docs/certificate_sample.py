"""Writes the certificate shown in the README: a made-up holder, made as `/sertifikat`
makes it (the same texts and layout), as docs/certificate-sample.pdf and, when poppler's
`pdftoppm` is on PATH, its first page as docs/certificate-sample.png.

    .venv/bin/python docs/certificate_sample.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from bot.runtime.i18n import create_i18n  # noqa: E402
from bot.training.certificate_pdf import certificate_pdf  # noqa: E402
from bot.training.certificates import LINK_PREFIX, Certificate  # noqa: E402
from bot.training.check_in_codes import deep_link  # noqa: E402
from handlers.training.certificates import certificate_text  # noqa: E402

SAMPLE = Certificate(
    number="SRT-2026-7K3QX9HM",
    holder="Siti Rahmawati",
    programme="wirausaha",
    batch="Gelombang 1 — Kewirausahaan Kuliner",
    blk="BLK Contoh (sampel)",
    first_day=date(2026, 11, 2),
    last_day=date(2026, 11, 13),
    hours=72,
    valid=True,
    revoked=False,
)
BOT = "contoh_blk_bot"


def main() -> None:
    i18n = create_i18n("id")
    with i18n.context(), i18n.use_locale("id"):
        text = certificate_text(SAMPLE, BOT)
    pdf = DOCS / "certificate-sample.pdf"
    pdf.write_bytes(certificate_pdf(text, deep_link(BOT, f"{LINK_PREFIX}{SAMPLE.number}")))
    print(pdf)
    if shutil.which("pdftoppm"):
        png = DOCS / "certificate-sample"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(png)], check=True
        )
        print(f"{png}.png")


if __name__ == "__main__":
    main()

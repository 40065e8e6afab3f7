"""The machine-readable marks on papers: QR codes (links) and Code 128 barcodes (dossier codes),
as SVG data URIs that both WeasyPrint and browsers show."""

import base64
import io

import segno
from barcode import Code128
from barcode.writer import SVGWriter
from django.conf import settings


def absolute_url(path: str) -> str:
    """The public address of ``path`` (QR codes leave the site: they need the full address)."""
    return settings.HCC_SITE_URL.rstrip("/") + path


def qr_data_uri(data: str) -> str:
    # make_qr, never make: segno.make gives a Micro QR for short data, which phones cannot scan.
    return segno.make_qr(data, error="m").svg_data_uri(scale=4, border=2)


def barcode_data_uri(code: str) -> str:
    buffer = io.BytesIO()
    Code128(code, writer=SVGWriter()).write(
        buffer, options={"module_height": 10.0, "module_width": 0.25, "write_text": False}
    )
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

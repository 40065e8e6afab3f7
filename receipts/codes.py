"""The machine-readable marks on papers: QR codes (links, PNG) and Code 128 barcodes (dossier
codes, PNG), as data URIs that both WeasyPrint and browsers show."""

import base64
import io

import segno
from barcode import Code128
from django.conf import settings
from PIL import Image


def absolute_url(path: str) -> str:
    """The public address of ``path`` (QR codes leave the site: they need the full address)."""
    return settings.HCC_SITE_URL.rstrip("/") + path


def qr_data_uri(data: str) -> str:
    """The QR code as a PNG data URI, one pixel a module: WeasyPrint lays out a raster image far
    faster than a long SVG path (about 30 ms a paper), and a one-pixel-a-module PNG is encoded in
    well under a millisecond (12 ms at 5 pixels). The papers scale it to 24 mm with
    ``image-rendering: pixelated``, so PDF viewers and printers draw sharp modules."""
    # make_qr, never make: segno.make gives a Micro QR for short data, which phones cannot scan.
    return segno.make_qr(data, error="m").png_data_uri(scale=1, border=2)


def barcode_data_uri(code: str) -> str:
    """Code 128 of ``code`` (python-barcode encodes it) as a PNG one pixel high and one pixel a
    module, with its quiet zones. The papers stretch it to 60 × 12 mm with ``image-rendering:
    pixelated``, so the bars print sharp; a raster this small costs WeasyPrint almost nothing,
    where an SVG path of some 60 bars had to be parsed and drawn on every render."""
    modules = Code128(code).build()[0]  # "1101001100…": 1 = a black module
    quiet = "0" * 10
    row = bytes(0 if bit == "1" else 255 for bit in quiet + modules + quiet)
    # Eight-bit grey, not one-bit: WeasyPrint embeds a grey PNG as it is, where it would first
    # convert a one-bit image to RGB and encode it again.
    image = Image.frombytes("L", (len(row), 1), row)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

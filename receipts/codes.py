"""The machine-readable marks on papers: QR codes (links, PNG) and Code 128 barcodes (dossier
codes, SVG), as data URIs that both WeasyPrint and browsers show."""

import base64

import segno
from barcode import Code128
from django.conf import settings


def absolute_url(path: str) -> str:
    """The public address of ``path`` (QR codes leave the site: they need the full address)."""
    return settings.HCC_SITE_URL.rstrip("/") + path


def qr_data_uri(data: str) -> str:
    """The QR code as a PNG data URI: WeasyPrint lays out a raster image far faster than a long
    SVG path (about 30 ms a paper), and at 5 pixels a module it prints sharp at 24 mm."""
    # make_qr, never make: segno.make gives a Micro QR for short data, which phones cannot scan.
    return segno.make_qr(data, error="m").png_data_uri(scale=5, border=2)


def barcode_data_uri(code: str, *, height: int = 40) -> str:
    """Code 128 of ``code`` (python-barcode encodes it) drawn as one SVG path: one sub-path per
    bar, so browsers and WeasyPrint draw a single shape instead of a rectangle per module."""
    modules = Code128(code).build()[0]  # "1101001100…": 1 = a black module
    quiet = 10
    bars = []
    x = 0
    for bit, run in _runs(modules):
        if bit == "1":
            bars.append(f"M{x + quiet} 0h{run}v{height}h-{run}z")
        x += run
    width = len(modules) + 2 * quiet
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="none"><path fill="#000" d="{"".join(bars)}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")


def _runs(modules: str):
    """``"1100111"`` → ``("1", 2), ("0", 2), ("1", 3)``."""
    start = 0
    for i in range(1, len(modules) + 1):
        if i == len(modules) or modules[i] != modules[start]:
            yield modules[start], i - start
            start = i

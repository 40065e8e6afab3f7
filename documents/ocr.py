"""Scans to one searchable PDF/A: images (JPEG, PNG; one page each) and PDFs in the order they were
scanned become one PDF (img2pdf, pikepdf), then OCRmyPDF adds the recognised Vietnamese text and
writes PDF/A-2b (Tesseract with its ``vie`` data, Ghostscript).

``ocr_available()`` says whether this machine can: ``HCC_OCR`` on, the ``tesseract`` program with
the languages of ``HCC_OCR_LANGUAGES``, and Ghostscript. Without them the scans are still joined
into one PDF, kept as they are, and the pages say OCR is off.
"""

import functools
import io
import logging
import shutil

# runs ``tesseract --list-langs`` only: fixed arguments, no shell
import subprocess  # nosec B404
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

DEFAULT_DPI = 200  # a phone photo or scan without resolution in its header


class OcrError(RuntimeError):
    """OCR could not make the searchable PDF (the joined scan is still kept)."""


@dataclass(frozen=True)
class Scan:
    content: bytes
    content_type: str  # application/pdf, image/jpeg, image/png


@dataclass(frozen=True)
class Searchable:
    pdf: bytes
    text: str
    pages: int


@functools.cache
def _tesseract_languages() -> frozenset[str]:
    program = shutil.which("tesseract")
    if not program:
        return frozenset()
    try:
        # fixed arguments, no shell
        listed = subprocess.run(  # noqa: S603  # nosec B603
            [program, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("tesseract cannot be run: %s", exc)
        return frozenset()
    lines = (listed.stdout + listed.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def ocr_available() -> bool:
    if not settings.HCC_OCR:
        return False
    wanted = set(settings.HCC_OCR_LANGUAGES.split("+"))
    ghostscript = shutil.which("gs") is not None
    return ghostscript and wanted <= _tesseract_languages()


def _image_dpi(content: bytes) -> tuple[int, int] | None:
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        dpi = image.info.get("dpi")
    if not dpi or min(dpi) < 50:
        return None
    return int(dpi[0]), int(dpi[1])


def join_scans(scans: list[Scan]) -> tuple[bytes, int]:
    """The scans as one PDF, in order, and its page count."""
    import img2pdf
    import pikepdf

    if not scans:
        raise OcrError("no scan")
    parts: list[bytes] = []
    images: list[bytes] = []

    def flush_images():
        if images:
            layout = img2pdf.default_layout_fun
            if any(_image_dpi(image) is None for image in images):
                layout = img2pdf.get_fixed_dpi_layout_fun((DEFAULT_DPI, DEFAULT_DPI))
            parts.append(img2pdf.convert(list(images), layout_fun=layout, rotation=img2pdf.Rotation.ifvalid))
            images.clear()

    for scan in scans:
        if scan.content_type == "application/pdf":
            flush_images()
            parts.append(scan.content)
        else:
            images.append(scan.content)
    flush_images()
    try:
        with pikepdf.new() as joined:
            for part in parts:
                with pikepdf.open(io.BytesIO(part)) as source:
                    joined.pages.extend(source.pages)
            out = io.BytesIO()
            pages = len(joined.pages)
            joined.save(out)
    except pikepdf.PdfError as exc:
        raise OcrError(f"a scan is not a readable PDF: {exc}") from exc
    return out.getvalue(), pages


def make_searchable(pdf: bytes) -> Searchable:
    """OCR ``pdf`` in ``HCC_OCR_LANGUAGES`` to PDF/A-2b (scans); a PDF that already carries text
    gets text on its other pages and stays a plain PDF. Raises ``OcrError``."""
    import ocrmypdf
    import pikepdf

    with tempfile.TemporaryDirectory(prefix="hcc-ocr-") as folder:
        source, target, sidecar = (Path(folder) / name for name in ("in.pdf", "out.pdf", "text.txt"))
        source.write_bytes(pdf)
        options = {
            "language": settings.HCC_OCR_LANGUAGES,
            "sidecar": sidecar,
            "rotate_pages": False,
            "progress_bar": False,
            "optimize": 0,
            "jobs": 1,
        }
        try:
            try:
                ocrmypdf.ocr(source, target, output_type="pdfa", **options)
            except ocrmypdf.exceptions.PriorOcrFoundError:
                # A PDF with a text layer already (made on a computer): OCR only the pages without
                # text. Ghostscript 10.0–10.02 (Debian 12) corrupts such files when it makes PDF/A,
                # so this one stays a plain PDF.
                ocrmypdf.ocr(source, target, output_type="pdf", skip_text=True, **options)
        except Exception as exc:  # ocrmypdf raises its own kinds per cause: keep the scan, say why
            raise OcrError(f"{type(exc).__name__}: {exc}") from exc
        data = target.read_bytes()
        text = sidecar.read_text(encoding="utf-8", errors="replace") if sidecar.exists() else ""
    with pikepdf.open(io.BytesIO(data)) as result:
        pages = len(result.pages)
    return Searchable(pdf=data, text=text.replace("\f", "\n").strip(), pages=pages)


def is_pdfa(pdf: bytes) -> str:
    """The PDF/A part and conformance the file declares (``2B``), or ""."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return document.open_metadata().pdfa_status or ""

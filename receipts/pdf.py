"""HTML papers to PDF with WeasyPrint, A4, with the project's own font embedded.

One ``FontConfiguration`` and the parsed stylesheets live for the whole process (WeasyPrint leaks
memory when a new one is made per render; sync workers render one paper at a time).

WeasyPrint needs Pango from the operating system. ``load_weasyprint`` is the one seam where its
import can fail: then ``render_pdf`` raises ``PdfUnavailable`` and the views serve the same paper as
a printable HTML page instead.
"""

import functools
import logging
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "HCC Serif"
FONT_FILES = {
    ("normal", "normal"): "DejaVuSerif.ttf",
    ("bold", "normal"): "DejaVuSerif-Bold.ttf",
    ("normal", "italic"): "DejaVuSerif-Italic.ttf",
}
PAPER_CSS = "css/papers.css"


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the Pango library it needs) cannot be loaded on this machine."""


def font_face_css() -> str:
    """``@font-face`` rules pointing at the font files shipped in ``receipts/fonts``."""
    rules = []
    for (weight, style), name in FONT_FILES.items():
        url = (FONT_DIR / name).as_uri()
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


def _safe_fetcher(weasyprint):
    """A fetcher that loads only inline images (``data:``) and the shipped fonts: nothing from the
    network or elsewhere on disk, whatever a template or a dossier's text contains."""
    allowed_fonts = {(FONT_DIR / name).as_uri() for name in FONT_FILES.values()}

    class PaperFetcher(weasyprint.URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:") or url in allowed_fonts:
                return super().fetch(url, headers)
            raise ValueError(f"papers do not load {url[:80]!r}")

    return PaperFetcher(allowed_protocols={"data", "file"})


@functools.cache
def load_weasyprint():
    """The WeasyPrint module with this process's font configuration and stylesheets, or None
    when it cannot be imported (Pango missing). Cached: loaded once per process."""
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError) as exc:
        logger.warning("PDF papers unavailable, serving printable HTML instead: %s", exc)
        return None
    font_config = FontConfiguration()
    fetcher = _safe_fetcher(weasyprint)
    css_path = finders.find(PAPER_CSS) or str(Path(settings.BASE_DIR) / "static" / PAPER_CSS)
    stylesheets = [
        weasyprint.CSS(string=font_face_css(), font_config=font_config, url_fetcher=fetcher),
        weasyprint.CSS(filename=css_path, font_config=font_config, url_fetcher=fetcher),
    ]
    return weasyprint, font_config, stylesheets, fetcher


# Whitespace next to a block-level tag is never printed (white-space: normal everywhere on papers),
# but WeasyPrint still builds, styles and collapses a text box for each run of it.
_BLOCK_TAGS = r"(?:html|head|body|main|div|p|h1|ol|ul|li|table|thead|tbody|tr|th|td|br|meta|title)"
_SPACE_BEFORE_BLOCK = re.compile(r">\s+(?=</?" + _BLOCK_TAGS + r"[\s>/])")
_SPACE_AFTER_BLOCK = re.compile(r"(</?" + _BLOCK_TAGS + r"(?:\s[^>]*)?>)\s+(?=<)")


def _compact(html: str) -> str:
    """``html`` without the whitespace between tags that touches a block-level tag."""
    return _SPACE_AFTER_BLOCK.sub(r"\1", _SPACE_BEFORE_BLOCK.sub(">", html))


def pdf_available() -> bool:
    return load_weasyprint() is not None


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    """Render the paper's template (``pdf`` set in the context) and convert it to PDF bytes."""
    return html_to_pdf(render_html(template_name, context, request=request))[0]


def render_html(template_name: str, context: dict, request=None) -> str:
    """The paper's HTML as the PDF is made from it (``pdf`` set in the context)."""
    if load_weasyprint() is None:
        raise PdfUnavailable
    return _compact(render_to_string(template_name, {**context, "pdf": True}, request=request))


CSS_PX_IN_POINTS = 0.75  # WeasyPrint lays out in CSS pixels (96 a inch), PDF counts points (72)


def html_to_pdf(html: str, *, anchor: str = ""):
    """``(pdf bytes, placement)``: ``placement`` is ``(page index, (x1, y1, x2, y2))`` in points
    from the bottom left of the page where the element with the id ``anchor`` was laid out (the
    digital signature's field goes there), or None."""
    loaded = load_weasyprint()
    if loaded is None:
        raise PdfUnavailable
    weasyprint, font_config, stylesheets, fetcher = loaded
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(
        stylesheets=stylesheets, font_config=font_config
    )
    placement = None
    if anchor:
        for index, page in enumerate(document.pages):
            if anchor in page.anchors:
                x1, y1, x2, y2 = page.anchors[anchor]  # CSS pixels from the top left
                points = [v * CSS_PX_IN_POINTS for v in (x1, page.height - y2, x2, page.height - y1)]
                placement = (index, tuple(points))
                break
    return document.write_pdf(), placement

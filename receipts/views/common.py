"""What the receipts pages share: access checks (404 to anyone outside the dossier) and serving a
paper as PDF or, without Pango, as a printable page."""

import logging
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation

from accounts.permissions import can
from dossiers.models import Dossier
from receipts import selectors, signing
from receipts.pdf import PdfUnavailable, pdf_available, render_pdf
from receipts.services.signing import paper_sign

logger = logging.getLogger(__name__)


def dossier_view(permission: str):
    """Signed in, allowed ``permission`` and able to see the dossier named by ``code``: else 404
    (someone else's dossier is never confirmed to exist). The view gets the dossier, with what the
    paper named by ``slug`` prints when the address names one."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, code: str, *args, **kwargs):
            if not can(request.user, permission):
                raise Http404
            try:
                dossier = selectors.dossier_for_papers(request.user, code, kwargs.get("slug"))
            except Dossier.DoesNotExist as exc:
                raise Http404 from exc
            return view(request, dossier, *args, **kwargs)

        return wrapped

    return decorator


def serve_paper(
    request,
    template: str,
    context: dict,
    *,
    as_pdf: bool,
    filename: str,
    html_url: str,
    pdf_url: str,
    back_url: str,
    sign: dict | None = None,
):
    """The paper as a PDF download, or as a printable HTML page (also when PDF cannot be made).
    Papers are Vietnamese legal forms: they are printed in Vietnamese whatever the page language.
    ``sign`` (``dossier``, ``agency``, ``title``, ``slug`` or ``receipt``): the PDF is signed for
    that agency and stored (``receipts.services.signing.paper_sign``) when it has a certificate."""
    if as_pdf:
        try:
            with translation.override("vi"):
                signed = None
                if sign is not None:
                    signed = paper_sign(
                        actor=request.user, template=template, context=context, request=request, **sign
                    )
                if signed is not None:
                    with signed.file.open("rb") as handle:
                        content = handle.read()
                else:
                    content = render_pdf(template, context, request=request)
        except signing.SigningError:
            logger.exception("paper not signed: the signing certificate cannot be used")
            return render(
                request,
                "receipts/pdf_unavailable.html",
                {"html_url": html_url, "back_url": back_url, "signing_broken": True},
                status=503,
            )
        except PdfUnavailable:
            return render(
                request,
                "receipts/pdf_unavailable.html",
                {"html_url": html_url, "back_url": back_url},
                status=503,
            )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    page_context = {
        **context,
        "pdf": False,
        "pdf_url": pdf_url,
        "back_url": back_url,
        "pdf_unavailable": not pdf_available(),
        "signing_configured": sign is not None and signing.is_configured(sign["agency"].code),
        "signable": sign is not None,
    }
    return render(request, template, page_context)

"""Signing papers, receipts and results, and keeping the signed file the verification page checks.

A paper is signed where its PDF is made (``paper_sign``, called by the PDF views): the HTML is
rendered with placeholders where the signature block's verification link, QR code and time go,
and its digest decides whether this content was signed before (then that file is served, no
WeasyPrint at all); otherwise the placeholders are filled, the PDF made and signed, and the file
stored with its row. A result uploaded as a PDF is signed as it came (``result_sign``), with
pyHanko's stamp carrying the QR code. No certificate for the agency: None, and the caller serves
the unsigned paper.
"""

import hashlib
import logging
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import extensions
from dossiers.models import Dossier, DossierFile, FileKind
from procedures.models import Agency
from receipts import pdf, signing
from receipts.codes import absolute_url, qr_data_uri
from receipts.models import Receipt, SignedKind, SignedPaper
from receipts.papers import RESULT_SLUG

logger = logging.getLogger(__name__)

SIGNATURE_ANCHOR = "chu-ky-so"
_TOKEN = "x" * 22
_URL_MARK = "https://xac-minh.invalid/" + _TOKEN
_QR_MARK = "data:image/png;base64,SIGNATUREQRMARK"
_AT_MARK = "__/__/____ __:__"


def _kind(slug: str) -> str:
    return SignedKind.RESULT if slug == RESULT_SLUG else SignedKind.PAPER


def verify_url(token: str) -> str:
    return absolute_url(reverse("receipts:verify", args=[token]))


def _store(row: SignedPaper, content: bytes) -> SignedPaper:
    row.sha256 = hashlib.sha256(content).hexdigest()
    row.size = len(content)
    with transaction.atomic():
        row.file.save("signed.pdf", ContentFile(content), save=False)
        row.save()
        if row.kind == SignedKind.RESULT:
            # a signed result makes the result digital (Decision 766 group 6, ``documents``)
            extensions.papers_changed(dossier=row.dossier)
    return row


def paper_sign(
    *,
    actor,
    dossier: Dossier,
    agency: Agency,
    template: str,
    context: dict,
    title: str,
    slug: str = "",
    receipt: Receipt | None = None,
    request=None,
) -> SignedPaper | None:
    """The paper ``template`` (with ``context``) as a PDF signed for ``agency``, stored; the
    stored one when the same content was signed before. None when no certificate signs for the
    agency. Raises ``pdf.PdfUnavailable`` without WeasyPrint and ``signing.SigningError`` when
    the certificate is broken (the caller says so; nothing is stored)."""
    key = signing.signing_key(agency.code)
    if key is None:
        return None
    title = str(title)
    own_url = verify_url(receipt.token) if receipt is not None else _URL_MARK
    marked = {"signer": key.name, "at": _AT_MARK, "verify_url": own_url, "qr": _QR_MARK}
    html = pdf.render_html(template, {**context, "signature": marked}, request=request)
    content_sha = hashlib.sha256(html.encode()).hexdigest()
    same = SignedPaper.objects.filter(
        dossier=dossier, slug=slug, receipt=receipt, content_sha256=content_sha, signer=key.name
    ).first()
    if same is not None:
        return same
    token = secrets.token_urlsafe(16)  # 128 bits: a short address keeps the QR code small
    url = own_url if receipt is not None else verify_url(token)
    at = timezone.now()
    html = (
        html.replace(_URL_MARK, url)
        .replace(_QR_MARK, qr_data_uri(url))
        .replace(_AT_MARK, timezone.localtime(at).strftime("%H:%M %d/%m/%Y"))
    )
    unsigned, placement = pdf.html_to_pdf(html, anchor=SIGNATURE_ANCHOR)
    page, box = placement if placement else (-1, None)
    signed = signing.sign_pdf(
        unsigned, key=key, reason=title, location=agency.name, box=box, page=page, verify_url=url
    )
    row = SignedPaper(
        token=token,
        kind=SignedKind.RECEIPT if receipt is not None else _kind(slug),
        dossier=dossier,
        slug=slug,
        title=title,
        receipt=receipt,
        content_sha256=content_sha,
        agency=agency,
        signer=key.name,
        signed_at=at,
        timestamped=bool(signing.settings.HCC_SIGNING_TSA_URL),
        signed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return _store(row, signed)


def result_sign(*, actor, dossier_file: DossierFile) -> SignedPaper | None:
    """A result PDF uploaded by the resolving agency, signed with that agency's certificate (a
    copy: the upload stays as it came); the signed copy made before when there is one. None when
    no certificate signs for the agency. Decree 45/2020/NĐ-CP art. 25: an electronic result carries
    the issuing body's digital signature."""
    if dossier_file.kind != FileKind.RESULT or dossier_file.content_type != "application/pdf":
        raise ValidationError(_("Chỉ ký số được kết quả giải quyết dạng PDF."))
    existing = dossier_file.signed_copies.filter(revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    dossier = dossier_file.dossier
    agency = dossier.resolving_agency
    key = signing.signing_key(agency.code)
    if key is None:
        return None
    with dossier_file.file.open("rb") as handle:
        content = handle.read()
    token = secrets.token_urlsafe(16)  # 128 bits: a short address keeps the QR code small
    url = verify_url(token)
    at = timezone.now()
    title = dossier_file.document_name or _("Kết quả giải quyết hồ sơ %(code)s") % {"code": dossier.code}
    signed = signing.sign_pdf(content, key=key, reason=str(title), location=agency.name, verify_url=url)
    row = SignedPaper(
        token=token,
        kind=SignedKind.RESULT,
        dossier=dossier,
        slug=RESULT_SLUG,
        title=str(title)[:300],
        source_file=dossier_file,
        content_sha256=dossier_file.sha256,
        agency=agency,
        signer=key.name,
        signed_at=at,
        timestamped=bool(signing.settings.HCC_SIGNING_TSA_URL),
        signed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return _store(row, signed)


@transaction.atomic
def signed_paper_revoke(*, actor, paper: SignedPaper, reason: str) -> SignedPaper:
    """Revoke a signed paper (issued by mistake, replaced): the verification page then says it is
    cancelled. The file is kept as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Vui lòng nêu lý do thu hồi.")]})
    paper = SignedPaper.objects.select_for_update().get(pk=paper.pk)
    if paper.revoked_at is not None:
        raise ValidationError(_("Giấy tờ này đã bị thu hồi."))
    paper.revoked_at = timezone.now()
    paper.revoked_reason = reason[:500]
    paper.revoked_by = actor
    paper.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    if paper.kind == SignedKind.RESULT:
        extensions.papers_changed(dossier=paper.dossier)
    return paper


def signed_paper_check(paper: SignedPaper) -> signing.Verdict:
    """The signature of the stored file, checked now (the verification page)."""
    try:
        with paper.file.open("rb") as handle:
            content = handle.read()
    except OSError as exc:
        logger.error("signed paper %s: stored file unreadable: %s", paper.pk, exc)
        return signing.Verdict(signing.Verdict.TAMPERED, detail="missing")
    return signing.check_pdf(content, expected_sha256=paper.sha256)

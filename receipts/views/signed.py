"""Signed papers: the public verification page of their QR code, their download, and signing a
result uploaded as PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dossiers.models import DossierFile, FileKind
from receipts import selectors, signing
from receipts.models import Receipt, SignedPaper
from receipts.services.signing import result_sign, signed_paper_check
from receipts.views.common import dossier_view


def _verdict_context(paper: SignedPaper | None) -> dict:
    if paper is None:
        return {"signed": None, "verdict": None}
    return {"signed": paper, "verdict": signed_paper_check(paper), "Verdict": signing.Verdict}


def receipt_signature(receipt: Receipt) -> dict:
    """What the receipt's verification page adds: its signed PDF's signature, checked now."""
    return _verdict_context(selectors.latest_signed_receipt(receipt))


def verify_paper(request, token: str):
    """Public check of a signed paper or result from the QR code of its signature: valid, signed
    by whom and when; cancelled; or tampered (the stored file no longer matches its signature).
    Shows the paper's title, the issuing agency and the dossier code, no personal data."""
    paper = selectors.signed_paper_by_token(token)
    if paper is None:
        return render(request, "receipts/verify.html", {"receipt": None}, status=404)
    cancelled = paper.revoked_at is not None or (paper.receipt is not None and paper.receipt.is_cancelled)
    return render(
        request,
        "receipts/verify_paper.html",
        {"paper": paper, "cancelled": cancelled, **_verdict_context(paper)},
    )


@login_required
@require_GET
def download(request, token: str):
    """The signed PDF, to those who may see its dossier (404 to anyone else)."""
    try:
        paper = selectors.signed_paper_for(request.user, token)
    except SignedPaper.DoesNotExist as exc:
        raise Http404 from exc
    name = f"{paper.slug or paper.kind}-{paper.dossier.code}-ky-so.pdf"
    return FileResponse(paper.file.open("rb"), content_type="application/pdf", filename=name)


@require_POST
@dossier_view("paper.view")
def sign_result(request, dossier, file_id: int):
    """Sign a result uploaded as PDF with the resolving agency's certificate (staff of the dossier;
    the applicant downloads what was signed). Done once; asked again it finds the signed copy."""
    if not request.user.is_staff_member:
        raise Http404
    try:
        upload = dossier.files.get(pk=file_id, kind=FileKind.RESULT)
    except DossierFile.DoesNotExist as exc:
        raise Http404 from exc
    try:
        paper = result_sign(actor=request.user, dossier_file=upload)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except signing.SigningError:
        messages.error(
            request, _("Chứng thư số của cơ quan giải quyết không dùng được; chưa ký được kết quả.")
        )
    else:
        if paper is None:
            messages.warning(request, _("Cơ quan giải quyết chưa có chứng thư số: kết quả chưa được ký số."))
        else:
            messages.success(request, _("Đã ký số kết quả %(name)s.") % {"name": upload.original_name})
    return redirect("dossiers:detail", dossier.code)

"""The citizen's store on "Trang của tôi", downloads, and the clerk's description of a stored paper.

A stored paper is seen by its owner, or by staff through a dossier they may see that produced or
reused it; anyone else gets 404, as for any file of a dossier."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from documents import selectors, services
from documents.forms import DescribeForm
from documents.models import Digitisation, StoredDocument
from dossiers.models import Dossier
from dossiers.selectors import dossiers_visible_to


def _pdf(file, filename: str):
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _filename(stored: StoredDocument) -> str:
    return f"kho-giay-to-{stored.pk}.pdf"


@login_required
@require_GET
def mine(request):
    """The citizen's store (kho dữ liệu): every digitised paper and result they received."""
    if request.user.role != Role.CITIZEN:
        raise Http404
    return render(request, "documents/mine.html", {"papers": selectors.store_of(request.user)})


@login_required
@require_GET
def download_mine(request, pk: int):
    try:
        stored = selectors.stored_for_owner(request.user, pk)
    except StoredDocument.DoesNotExist as exc:
        raise Http404 from exc
    return _pdf(stored.file, _filename(stored))


@login_required
@require_GET
def download_through_dossier(request, code: str, pk: int):
    try:
        stored = selectors.stored_through_dossier(request.user, code, pk)
    except (Dossier.DoesNotExist, StoredDocument.DoesNotExist) as exc:
        raise Http404 from exc
    return _pdf(stored.file, _filename(stored))


def _digitisation(request, code: str, pk: int) -> Digitisation:
    try:
        dossier = dossiers_visible_to(request.user).get(code=code)
        return Digitisation.objects.select_related("dossier").get(pk=pk, dossier=dossier)
    except (Dossier.DoesNotExist, Digitisation.DoesNotExist) as exc:
        raise Http404 from exc


@login_required
@require_GET
def digitised(request, code: str, pk: int):
    """The digitised copy (the searchable PDF/A) of a paper of a dossier the user may see."""
    row = _digitisation(request, code, pk)
    if not row.output:
        raise Http404
    return _pdf(row.output, f"{row.dossier.code}-so-hoa-{row.pk}.pdf")


def _desk_staff(user) -> bool:
    return user.role in (Role.CLERK, Role.POSTAL, Role.ADMIN) or user.is_superuser


@login_required
@require_POST
def retry(request, code: str, pk: int):
    row = _digitisation(request, code, pk)
    if not _desk_staff(request.user):
        raise Http404
    try:
        services.digitisation_retry(actor=request.user, digitisation=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã đưa “%(name)s” vào hàng đợi số hóa.") % {"name": row.name})
    return redirect("dossiers:detail", code)


@login_required
@require_http_methods(["GET", "POST"])
def describe(request, code: str, pk: int):
    """The clerk writes what the paper says (kind, issuer, number, dates): the store offers it for
    reuse by its kind and while it is valid."""
    if not _desk_staff(request.user):
        raise Http404
    try:
        stored = selectors.stored_through_dossier(request.user, code, pk)
    except (Dossier.DoesNotExist, StoredDocument.DoesNotExist) as exc:
        raise Http404 from exc
    initial = {
        "kind": stored.kind,
        "issuer": stored.issuer,
        "number": stored.number,
        "issued_on": stored.issued_on,
        "valid_until": stored.valid_until,
    }
    form = DescribeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.stored_document_describe(actor=request.user, stored=stored, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Đã ghi thông tin giấy tờ trong kho dữ liệu."))
            return redirect("dossiers:detail", code)
    return render(request, "documents/describe.html", {"form": form, "stored": stored, "code": code})


@login_required
@require_GET
def progress(request, code: str):
    """Whether any paper of the dossier is still being digitised (the dossier page asks)."""
    try:
        dossier = dossiers_visible_to(request.user).get(code=code)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    rows = Digitisation.objects.filter(dossier=dossier).values_list("state", flat=True)
    return JsonResponse({"in_progress": any(state in ("queued", "running") for state in rows)})

"""The citizen's personal-data page (who opened their dossiers, download, deletion request), the
processing notice, and the access record for administrators and the data-protection officer."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from privacy import selectors, services
from privacy.models import DeletionRequest, DeletionStatus


@require_GET
def notice(request):
    return render(request, "privacy/notice.html", {"PRIVACY_NOTICE_VERSION": settings.PRIVACY_NOTICE_VERSION})


@login_required
@require_GET
def mine(request):
    if request.user.role != Role.CITIZEN:
        raise PermissionDenied
    page = Paginator(selectors.accesses_to_my_dossiers(request.user), 50).get_page(request.GET.get("trang"))
    pending = DeletionRequest.objects.filter(user=request.user, status=DeletionStatus.REQUESTED).first()
    return render(request, "privacy/mine.html", {"page": page, "pending": pending})


@login_required
@require_GET
def download(request):
    if request.user.role != Role.CITIZEN:
        raise PermissionDenied
    response = HttpResponse(services.data_export(user=request.user), content_type="application/zip")
    name = f"du-lieu-ca-nhan-{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def delete_request(request):
    try:
        services.deletion_request(user=request.user, reason=request.POST.get("reason", "")[:2000])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:home")
    messages.success(
        request,
        _("Đã nhận yêu cầu xóa tài khoản. Hồ sơ đã nộp được lưu theo thời hạn pháp luật quy định."),
    )
    return redirect("privacy:mine")


@login_required
@require_GET
def audit(request):
    """Per dossier (``ho_so``) or per staff member (``can_bo``, an account id)."""
    if not selectors.may_audit(request.user):
        raise PermissionDenied
    code = request.GET.get("ho_so", "").strip()
    actor = request.GET.get("can_bo", "").strip()
    records = selectors.access_records(dossier_code=code, actor_id=int(actor) if actor.isdigit() else None)
    page = Paginator(records, 100).get_page(request.GET.get("trang"))
    return render(request, "privacy/audit.html", {"page": page, "code": code, "actor": actor})

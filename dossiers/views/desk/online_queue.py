"""The online queue: submissions waiting for a clerk, accepted, refused or sent back for a
supplement before the clock starts."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dossiers import online_queue, services
from dossiers.forms.desk import (
    IntakeSupplementForm,
    RefuseIntakeForm,
)
from dossiers.models import FileKind
from dossiers.rows import intake_waiting_rows, online_queue_items
from dossiers.views.desk.common import PAGE_SIZE, _allowed, _desk_dossier, _submit, desk_view
from dossiers.workflow import Action, TransitionRefused
from web.numbers import format_date_time


@desk_view("dossier.accept_online")
def online_queue_page(request):
    """Online submissions waiting at the clerk's office, oldest first, with their files; those
    sent back for a supplement before acceptance. Read as plain rows (``dossiers.online_queue``),
    each submission written as ready HTML (``dossiers.rows``), not a template's loop."""
    queue = online_queue.online_queue_page(request.user, request.GET.get("page"), per_page=PAGE_SIZE)
    return render(
        request,
        "dossiers/desk/online_queue.html",
        {
            "page": queue.page,
            "items": online_queue_items(queue.page.object_list, request=request),
            "waiting": queue.waiting,
            "waiting_rows": intake_waiting_rows(queue.waiting),
        },
    )


@desk_view("dossier.accept_online")
@require_http_methods(["GET", "POST"])
def accept(request, code: str):
    """Accept an online submission: the page asks to confirm (what is received, and that the
    clock starts), then leads to the dossier's receipt and papers."""
    dossier = _desk_dossier(request, code, detailed=True)
    queue = reverse("dossiers:desk_online_queue")
    if request.method == "GET":
        if not _allowed(request, dossier, Action.ACCEPT):
            return redirect(queue)
        files = [f for f in dossier.files.all() if f.kind == FileKind.SUBMISSION]
        return render(request, "dossiers/desk/accept.html", {"dossier": dossier, "files": files})
    try:
        dossier = services.dossier_accept(actor=request.user, dossier=dossier)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect(queue)
    messages.success(
        request,
        _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả kết quả: %(due)s. In giấy tiếp nhận cho người nộp.")
        % {"code": dossier.code, "due": format_date_time(dossier.due_at)},
    )
    return redirect("dossiers:desk_confirmation", dossier.code)


@desk_view("dossier.accept_online")
@require_http_methods(["GET", "POST"])
def refuse_intake(request, code: str):
    dossier = _desk_dossier(request, code, detailed=True)
    queue = reverse("dossiers:desk_online_queue")
    if not _allowed(request, dossier, Action.REFUSE_INTAKE):
        return redirect(queue)
    form = RefuseIntakeForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.dossier_refuse_intake(
            actor=request.user, dossier=dossier, reason=data["reason"]
        ),
        done=_("Đã từ chối tiếp nhận hồ sơ %(code)s. Người nộp sẽ thấy lý do.") % {"code": dossier.code},
        then=queue,
        refused=queue,
    )
    return done or render(request, "dossiers/desk/refuse_intake.html", {"dossier": dossier, "form": form})


@desk_view("dossier.accept_online")
@require_http_methods(["GET", "POST"])
def request_intake_supplement(request, code: str):
    """Send an online submission back for supplement before accepting it (form 02), once."""
    dossier = _desk_dossier(request, code, detailed=True)
    queue = reverse("dossiers:desk_online_queue")
    if not _allowed(request, dossier, Action.REQUEST_INTAKE_SUPPLEMENT):
        return redirect(queue)
    form = IntakeSupplementForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.dossier_request_intake_supplement(
            actor=request.user, dossier=dossier, items=data["items"], note=data["note"]
        ),
        done=_("Đã yêu cầu bổ sung hồ sơ %(code)s. Người nộp được báo qua SMS, email và bổ sung trực tuyến.")
        % {"code": dossier.code},
        then=queue,
        refused=queue,
    )
    return done or render(request, "dossiers/desk/intake_supplement.html", {"dossier": dossier, "form": form})

"""The online queue: submissions waiting for a clerk, accepted, refused or sent back for a
supplement before the clock starts."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dossiers import services
from dossiers.forms.desk import (
    IntakeSupplementForm,
    RefuseIntakeForm,
)
from dossiers.models import DossierFile, FileKind
from dossiers.permissions import action_names, dossier_actions_for
from dossiers.rows import online_queue_items
from dossiers.selectors import (
    online_queue,
    waiting_for_intake_supplement,
)
from dossiers.views.desk.common import PAGE_SIZE, _allowed, _desk_dossier, _submit, desk_view
from dossiers.workflow import Action, TransitionRefused
from web.numbers import format_date_time

# The procedure's long texts (catalog page, search), never shown in the queue: not read for each
# of its rows (issue 25).
UNSHOWN_PROCEDURE_TEXTS = tuple(
    f"procedure__{name}"
    for name in ("search_text", "applicants", "steps_description", "result", "conditions", "legal_basis")
)


@desk_view("dossier.accept_online")
def online_queue_page(request):
    """Online submissions waiting at the clerk's office, oldest first, with their files."""
    qs = (
        online_queue(request.user)
        .defer(*UNSHOWN_PROCEDURE_TEXTS)
        .prefetch_related(
            "supplement_requests",  # the check "asked once already" and the request shown
            # the row shows the file's own copy of its document's name: no join on the document
            Prefetch("files", queryset=DossierFile.objects.filter(kind=FileKind.SUBMISSION).order_by("id")),
        )
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for dossier in page.object_list:
        # the buttons offered: what the services would accept now (dossiers.permissions)
        dossier.allowed = set(action_names(dossier_actions_for(actor=request.user, dossier=dossier)))
    waiting = list(waiting_for_intake_supplement(request.user).defer(*UNSHOWN_PROCEDURE_TEXTS)[:PAGE_SIZE])
    for dossier in waiting:
        dossier.allowed = set(action_names(dossier_actions_for(actor=request.user, dossier=dossier)))
    # each submission as ready HTML, not a template's loop over its facts and files (dossiers/rows.py)
    items = online_queue_items(page.object_list, request=request)
    return render(
        request, "dossiers/desk/online_queue.html", {"page": page, "items": items, "waiting": waiting}
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

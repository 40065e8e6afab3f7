"""The dossier page (for every role who may see it), the reviewers' inbox and checked downloads."""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from accounts.permissions import require
from dossiers import page_html, selectors, services
from dossiers.inbox import ROW_KEYS, inbox_page
from dossiers.models import Dossier, DossierFile, FileKind, Step
from dossiers.permissions import OPEN_STEP
from dossiers.rows import UrgencyBadges, inbox_rows
from dossiers.views.review.panel import available_actions
from dossiers.workflow import CLOCK_PAUSED, CLOCK_RUNNING, Action, Status
from procedures import workdays

INBOX_PAGE_SIZE = 25
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


# --- the dossier page ----------------------------------------------------------------------------


@dataclass
class StepRow:
    step: Step
    urgency: str = ""
    badge: str = ""  # the urgency's mark, as HTML (rows.UrgencyBadges)


@dataclass
class EventRow:
    event: object
    label: str
    status_label: str
    items: list = field(default_factory=list)
    amount: int | None = None
    new_date: datetime | None = None
    # working time the clock was paused (supplement, financial obligation), shown when resumed
    paused_hours: float | None = None
    due_at: datetime | None = None


def _label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


def _parse_moment(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _timeline(dossier: Dossier) -> list[EventRow]:
    rows = []
    for event in dossier.events.all():
        data = event.data or {}
        rows.append(
            EventRow(
                event=event,
                label=_label(Action, event.action),
                status_label=_label(Status, event.to_status),
                items=data.get("items") or [],
                amount=data.get("amount"),
                new_date=_parse_moment(data.get("new_date")),
                paused_hours=round(data["paused_seconds"] / 3600, 1) if "paused_seconds" in data else None,
                due_at=_parse_moment(data.get("due_at")) if "paused_seconds" in data else None,
            )
        )
    return rows


def _urgency(dossier: Dossier, now: datetime, calendar) -> str:
    """overdue / due_today / due_soon / ok while the clock runs; paused; or early / on_time /
    late once the result is ready."""
    if dossier.status in CLOCK_RUNNING:
        return selectors.urgency(dossier.due_at, now, calendar)
    if dossier.status in CLOCK_PAUSED:
        return "paused_payment" if dossier.status == Status.AWAITING_PAYMENT else "paused"
    return services.punctuality(dossier) or ""


def _step_urgency(dossier: Dossier, step: Step, now: datetime, calendar, soon=None) -> str:
    """An open step's urgency; while the dossier's clock is paused its steps are paused too."""
    if dossier.status in CLOCK_PAUSED:
        return "paused_payment" if dossier.status == Status.AWAITING_PAYMENT else "paused"
    return selectors.urgency(step.due_at, now, calendar, soon=soon)


@login_required
@require_http_methods(["GET", "HEAD"])
def detail(request, code: str):
    try:
        dossier = selectors.dossier_page(request.user, code)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    user = request.user
    now = timezone.now()
    # the calendar this process keeps at the stamp read now, read only when an urgency needs it
    calendar = SimpleLazyObject(workdays.current_calendar)
    is_applicant = dossier.applicant_user_id is not None and dossier.applicant_user_id == user.id

    badges = UrgencyBadges()  # each urgency's mark rendered once, not an include per use
    steps = list(dossier.steps.all())
    step_groups = []
    for order, group in groupby(steps, key=lambda s: s.order):
        rows = []
        for s in group:
            step_urgency = _step_urgency(dossier, s, now, calendar) if s.status in OPEN_STEP else ""
            rows.append(StepRow(s, step_urgency, badges[step_urgency]))
        step_groups.append((order, rows))
    steps_by_id = {s.pk: s for s in steps}
    files = list(dossier.files.all())
    file_groups = [
        (kind, [f for f in files if f.kind == kind.value])
        for kind in FileKind
        if any(f.kind == kind for f in files)
    ]
    supplements = [(s, steps_by_id.get(s.step_id)) for s in dossier.supplement_requests.all()]
    timeline = _timeline(dossier)
    urgency = _urgency(dossier, now, calendar)
    promised_urgency = (
        selectors.urgency(dossier.promised_at, now, calendar)
        if dossier.promised_at and dossier.status in CLOCK_RUNNING
        else ""
    )
    context = {
        "dossier": dossier,
        "is_applicant": is_applicant,
        "id_number": dossier.id_number if is_applicant else dossier.masked_id_number,
        "show_contact": is_applicant or user.is_staff_member or user.is_superuser,
        "urgency": urgency,
        "urgency_badge": badges[urgency],
        "promised_badge": badges[promised_urgency],
        "step_groups": step_groups,
        "file_groups": file_groups,
        "documents_received": list(dossier.documents_received.all()),
        "supplements": supplements,
        "timeline": timeline,
        "obligations": list(dossier.obligations.all()),
        "actions": available_actions(dossier, user),
    }
    # the page's own blocks as ready HTML (dossiers/page_html.py); the context stays whole for
    # whoever renders it otherwise (tests compare with the former templates)
    context["page"] = page_html.page(context, request)
    return render(request, "dossiers/review/detail.html", context)


# --- the inbox -----------------------------------------------------------------------------------

# what a row shows, read as values: no model instances for the 25 steps, their dossiers,
# procedures and claimants (their construction was a tenth of the page's Python, issue 25)
INBOX_ROW_VALUES = ROW_KEYS

INBOX_FILTERS = {
    "all": gettext_lazy("Tất cả"),
    "mine": gettext_lazy("Tôi đang xử lý"),
    "unclaimed": gettext_lazy("Chưa có người nhận"),
    "overdue": gettext_lazy("Quá hạn"),
}


def _row_urgency(step: dict, now: datetime, soon: datetime) -> str:
    """``_step_urgency`` of an inbox row read as values."""
    status = step["dossier__status"]
    if status in CLOCK_PAUSED:
        return "paused_payment" if status == Status.AWAITING_PAYMENT else "paused"
    return selectors.urgency(step["due_at"], now, soon=soon)


@login_required
@require_http_methods(["GET", "HEAD"])
def inbox(request):
    require(request.user, "dossier.view_inbox")
    now = timezone.now()
    current = request.GET.get("filter", "all")
    if current not in INBOX_FILTERS:
        current = "all"
    # the counts, the calendar's stamp and the page's rows in one statement (dossiers/inbox.py)
    found = inbox_page(request.user, current, request.GET.get("page"), now=now, per_page=INBOX_PAGE_SIZE)
    page, counts = found.page, found.counts
    # the calendar this process keeps, while no holiday or make-up day changed (its stamp)
    soon = selectors.due_soon_limit(now, workdays.calendar_for(found.stamp))
    steps = page.object_list
    # the rows as ready HTML, not a template's loop over cells (dossiers/rows.py)
    rows = inbox_rows(steps, request=request, urgencies=[_row_urgency(step, now, soon) for step in steps])
    return render(
        request,
        "dossiers/review/inbox.html",
        {
            "page": page,
            "rows": rows,
            "count": counts[current],
            "filters": [(name, label, counts[name]) for name, label in INBOX_FILTERS.items()],
            "current": current,
            "current_label": INBOX_FILTERS[current],
        },
    )


# --- checked download ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def file_download(request, file_id: int):
    """A dossier file, to those who may see the dossier: a server-made name, the stored
    (content-sniffed) type, never rendered inline."""
    try:
        row = (
            DossierFile.objects.select_related("dossier")
            .filter(dossier__in=selectors.dossiers_visible_to(request.user))
            .get(pk=file_id)
        )
    except DossierFile.DoesNotExist as exc:
        raise Http404 from exc
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    content_type = row.content_type if row.content_type in EXTENSIONS else "application/octet-stream"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{row.dossier.code}-{row.pk}.{EXTENSIONS.get(row.content_type, 'bin')}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- inline preview for staff ---------------------------------------------------------------------

# What an inline file may do: nothing. An image is shown in a sandboxed frame (no script, no form,
# an origin of its own); a PDF goes to the browser's own viewer, which a CSP sandbox would refuse,
# so it gets every fetch refused instead. Both may be framed by our own pages only.
IMAGE_POLICY = (
    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
)
PDF_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"


def _staff_file(request, file_id: int) -> DossierFile:
    """A previewable file of a dossier the staff member may see, or 404 (never 403): the same
    answer for someone else's file as for none."""
    user = request.user
    if not (user.is_staff_member or user.is_superuser):
        raise Http404
    try:
        row = (
            DossierFile.objects.select_related("dossier", "document")
            .filter(dossier__in=selectors.dossiers_visible_to(user))
            .get(pk=file_id)
        )
    except DossierFile.DoesNotExist as exc:
        raise Http404 from exc
    if not row.previewable:
        raise Http404
    return row


@login_required
@require_http_methods(["GET"])
@csp_replace({"object-src": [SELF], "frame-src": [SELF]})
def file_preview(request, file_id: int):
    """A staff member reads a PDF or an image of the dossier on the page, without downloading it."""
    row = _staff_file(request, file_id)
    return render(request, "dossiers/review/file_preview.html", {"file": row, "dossier": row.dossier})


@login_required
@require_http_methods(["GET"])
@xframe_options_sameorigin
def file_inline(request, file_id: int):
    """The bytes of ``file_preview``, inline, under the policies above."""
    row = _staff_file(request, file_id)
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=False,
        filename=f"{row.dossier.code}-{row.pk}.{EXTENSIONS[row.content_type]}",
        content_type=row.content_type,
    )
    response["Content-Security-Policy"] = (
        PDF_POLICY if row.content_type == "application/pdf" else IMAGE_POLICY
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

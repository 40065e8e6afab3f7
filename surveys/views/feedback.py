"""Feedback pages: send and follow (public), the public list of answered items, the staff list
and the page where staff triage, assign, answer, publish or reject an item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import agency_scope, can
from procedures.models import Agency
from surveys import services
from surveys.forms import (
    AnswerForm,
    AssignForm,
    FeedbackFilterForm,
    FeedbackForm,
    FeedbackTrackForm,
    PublishForm,
    RejectForm,
)
from surveys.models import OPEN_FEEDBACK, Feedback
from surveys.selectors import feedback_for, feedback_visible_to, published_feedback
from surveys.views.ratings import _private, _too_many, limited


@require_http_methods(["GET", "POST"])
def feedback_send(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.user.is_authenticated:
        initial = {
            "name": request.user.display_name,
            "phone": request.user.phone,
            "email": request.user.email,
        }
    form = FeedbackForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if limited(request, "surveys.feedback"):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback = services.feedback_submit(
                    actor=request.user,
                    subject=data["subject"],
                    title=data["title"],
                    content=data["content"],
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    dossier_code=data["dossier_code"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                return render(request, "surveys/feedback_sent.html", {"feedback": feedback})
    return render(request, "surveys/feedback_send.html", {"form": form})


@never_cache
@require_GET
def feedback_track(request: HttpRequest) -> HttpResponse:
    """Follow an item by its code: status and dates only, never the content or the sender."""
    form = FeedbackTrackForm(request.GET if "code" in request.GET else None)
    feedback = None
    status = 200
    if form.is_bound and form.is_valid():
        if limited(request, "surveys.feedback_track"):
            return _too_many(request)
        code = form.cleaned_data["code"].strip().upper()
        feedback = (
            Feedback.objects.filter(code=code)
            .only("code", "status", "received_at", "due_at", "answered_at")
            .first()
        )
        if feedback is None:
            form.add_error("code", _("Không tìm thấy phản ánh với mã đã nhập."))
            status = 404
    response = render(
        request, "surveys/feedback_track.html", {"form": form, "feedback": feedback}, status=status
    )
    return _private(response)


@require_GET
def feedback_public(request: HttpRequest) -> HttpResponse:
    page = Paginator(published_feedback(), 20).get_page(request.GET.get("page"))
    return render(request, "surveys/feedback_public.html", {"page": page})


def _staff(request: HttpRequest) -> None:
    if not can(request.user, "feedback.handle"):
        raise PermissionDenied


def _scope_agencies(user):
    scope = agency_scope(user)
    agencies = Agency.objects.order_by("name")
    return agencies if scope is None else agencies.filter(pk__in=list(scope))


@login_required
@require_GET
def feedback_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    agencies = _scope_agencies(request.user)
    form = FeedbackFilterForm(request.GET or None, agencies=agencies)
    rows = feedback_visible_to(request.user)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["agency"]:
            rows = rows.filter(agency=form.cleaned_data["agency"])
    now = timezone.now()
    rows = rows.annotate(
        overdue=Case(
            When(status__in=OPEN_FEEDBACK, due_at__lt=now, then=Value(0)),
            When(status__in=OPEN_FEEDBACK, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("overdue", "due_at", "id")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "surveys/staff/feedback_list.html", {"form": form, "page": page, "now": now})


ACTIONS = {
    "assign": (AssignForm, lambda user, fb, d: services.feedback_assign(actor=user, feedback=fb, **d)),
    "answer": (AnswerForm, lambda user, fb, d: services.feedback_answer(actor=user, feedback=fb, **d)),
    "publish": (PublishForm, lambda user, fb, d: services.feedback_publish(actor=user, feedback=fb, **d)),
    "reject": (RejectForm, lambda user, fb, d: services.feedback_reject(actor=user, feedback=fb, **d)),
}


@login_required
@require_http_methods(["GET", "POST"])
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Outsiders get 404, like a dossier page."""
    feedback = feedback_for(request.user, pk)
    forms = {
        "assign": AssignForm(prefix="assign"),
        "answer": AnswerForm(prefix="answer"),
        "publish": PublishForm(
            prefix="publish",
            initial={"public_content": feedback.content, "public_answer": feedback.answer},
        ),
        "reject": RejectForm(prefix="reject"),
    }
    forms["assign"].fields["agency"].queryset = Agency.objects.order_by("name")
    action = request.POST.get("action", "")
    if request.method == "POST" and action in ACTIONS:
        form_class, call = ACTIONS[action]
        form = form_class(request.POST, prefix=action)
        forms[action] = form
        if form.is_valid():
            try:
                call(request.user, feedback, form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Đã cập nhật phản ánh %(code)s.") % {"code": feedback.code})
                return redirect("surveys:feedback_detail", pk=feedback.pk)
    events = feedback.events.select_related("actor")
    context = {"feedback": feedback, "forms": forms, "events": events}
    return render(request, "surveys/staff/feedback_detail.html", context)

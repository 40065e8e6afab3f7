"""Reads of the surveys app, scoped to who asks."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Role
from accounts.permissions import agency_scope, can
from surveys.models import Feedback, FeedbackStatus, Reason

TRIAGE_ROLES = (Role.CLERK, Role.MANAGER, Role.ADMIN)


def active_reasons() -> QuerySet[Reason]:
    return Reason.objects.filter(is_active=True)


def feedback_visible_to(user) -> QuerySet[Feedback]:
    """Items of the staff member's agencies (managers: the agencies below them); one-stop clerks
    and managers also see the items not assigned yet, to triage them."""
    if not can(user, "feedback.handle"):
        return Feedback.objects.none()
    rows = Feedback.objects.select_related("agency", "dossier", "procedure")
    scope = agency_scope(user)
    if scope is None:
        return rows
    visible = Q(agency_id__in=list(scope))
    if user.role in TRIAGE_ROLES:
        visible |= Q(agency__isnull=True)
    return rows.filter(visible)


def feedback_for(user, pk: int) -> Feedback:
    try:
        return feedback_visible_to(user).get(pk=pk)
    except Feedback.DoesNotExist:
        raise Http404 from None


def published_feedback() -> QuerySet[Feedback]:
    """The public page: only the redacted texts are ever read from these rows."""
    return (
        Feedback.objects.filter(status=FeedbackStatus.PUBLISHED)
        .only("code", "subject", "title", "public_content", "public_answer", "published_at", "agency__name")
        .select_related("agency")
        .order_by("-published_at")
    )


def kiosk_counters(user) -> QuerySet:
    """The active counters whose rating tablets ``user`` may manage (``counter.configure``, in their
    agency scope), each with its kiosk (``rating_kiosk`` or none yet)."""
    from counters.models import Counter

    if not can(user, "counter.configure"):
        return Counter.objects.none()
    rows = Counter.objects.filter(is_active=True).select_related("office", "rating_kiosk", "clerk")
    scope = agency_scope(user)
    if scope is not None:
        rows = rows.filter(office_id__in=list(scope))
    return rows.order_by("office__name", "number")

"""Reads of dossiers, always scoped to who asks."""

import hmac
from datetime import timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import agency_scope
from dossiers.models import Dossier, Event, Step, StepStatus, SupplementRequest
from dossiers.workflow import Status
from procedures import workdays


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    """A dossier is visible to its applicant, its intake office, the agencies of its steps and the
    managers above them — to no one else (DESIGN.md)."""
    qs = Dossier.objects.select_related("procedure", "resolving_agency", "intake_office")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.CITIZEN and not user.is_superuser:
        return qs.filter(applicant_user=user)
    scope = agency_scope(user)
    if scope is None:
        return qs
    if not scope:
        return qs.none()
    on_steps = Step.objects.filter(dossier=OuterRef("pk"), agency_id__in=scope)
    return qs.filter(Q(intake_office_id__in=scope) | Q(resolving_agency_id__in=scope) | Exists(on_steps))


def dossier_for(user, code: str) -> Dossier:
    """One dossier by code, with its steps, files and events, if ``user`` may see it
    (Dossier.DoesNotExist otherwise: the same answer as a code that does not exist)."""
    return (
        dossiers_visible_to(user)
        .prefetch_related(
            Prefetch(
                "steps", queryset=Step.objects.select_related("agency", "claimed_by").order_by("order", "id")
            ),
            "files",
            Prefetch("events", queryset=Event.objects.select_related("actor", "agency").order_by("at", "id")),
            Prefetch(
                "supplement_requests", queryset=SupplementRequest.objects.select_related("requested_by")
            ),
            "documents_received__document",
        )
        .get(code=code)
    )


def online_queue(user) -> QuerySet[Dossier]:
    """Online submissions waiting for a clerk of the user's office, oldest first."""
    return (
        Dossier.objects.filter(status=Status.SUBMITTED, intake_office_id=user.agency_id)
        .select_related("procedure")
        .order_by("submitted_at", "id")
    )


def inbox(user) -> QuerySet[Step]:
    """Steps routed to the reviewer's agency that are waiting or being worked, due first."""
    return (
        Step.objects.filter(
            agency_id=user.agency_id,
            status__in=[StepStatus.ACTIVE, StepStatus.CLAIMED],
            dossier__status__in=[
                Status.RECEIVED,
                Status.PROCESSING,
                Status.SUPPLEMENT_REQUESTED,
                Status.AWAITING_PAYMENT,
            ],
        )
        .select_related("agency", "dossier", "dossier__procedure", "claimed_by")
        .order_by("due_at", "id")
    )


def urgency(due_at, now=None, calendar=None) -> str:
    """overdue / due_today / due_soon (within one working day) / ok, for marking lists."""
    if due_at is None:
        return "ok"
    now = now or timezone.now()
    if due_at < now:
        return "overdue"
    if timezone.localdate(due_at) == timezone.localdate(now):
        return "due_today"
    if due_at <= workdays.add_working_time(now, timedelta(hours=8), calendar=calendar):
        return "due_soon"
    return "ok"


def public_timeline(dossier: Dossier) -> list[dict]:
    """What the public tracking page shows: actions and times, never personal data or notes."""
    return [
        {
            "action": event.action,
            "status": event.to_status,
            "at": event.at,
            "agency": event.agency.name if event.agency else "",
        }
        for event in dossier.events.select_related("agency").order_by("at", "id")
    ]


def _tracked():
    """Dossiers with what the public tracking page shows of their procedure and intake office,
    in the same query."""
    return Dossier.objects.select_related("procedure", "intake_office")


def dossier_for_tracking(code: str, secret: str) -> Dossier | None:
    """The dossier when both the code and its secret match; None otherwise (the same answer for
    a wrong code and a wrong secret)."""
    dossier = _tracked().filter(code=(code or "").strip().upper()).first()
    given = (secret or "").strip().upper().encode()
    expected = dossier.secret.encode() if dossier else b"-" * 8
    if not hmac.compare_digest(given, expected) or dossier is None:
        return None
    return dossier


def _version_sql(where: str) -> str:
    dossiers = connection.ops.quote_name(Dossier._meta.db_table)
    events = connection.ops.quote_name(Event._meta.db_table)
    return (
        f"SELECT d.id, d.secret, d.updated_at, (SELECT MAX(e.id) FROM {events} e WHERE e.dossier_id = d.id) "  # noqa: S608  # nosec B608
        f"FROM {dossiers} d WHERE d.{where} = %s"
    )


def tracking_version(*, token: str = "", code: str = "", secret: str = "") -> str | None:
    """What the public tracking page of a dossier depends on, as a short key: its id, the time it
    was last saved and its newest event (every service saves the dossier and writes an event in
    ``_transition``; events are append-only). None when the token, or the code and secret, match
    nothing (the secret compared in constant time, as ``dossier_for_tracking``). One small SQL
    statement, so a page served from the cache costs one index lookup."""
    if token:
        if len(token) < 20:
            return None
        sql, value = _version_sql("tracking_token"), token
    else:
        sql, value = _version_sql("code"), (code or "").strip().upper()
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        row = cursor.fetchone()
    if row is None:
        if not token:
            hmac.compare_digest(b"-" * 8, (secret or "").strip().upper().encode())
        return None
    pk, stored_secret, updated_at, last_event = row
    if not token and not hmac.compare_digest((secret or "").strip().upper().encode(), stored_secret.encode()):
        return None
    return f"{pk}.{updated_at or 0}.{last_event or 0}"


def dossier_by_token(token: str) -> Dossier | None:
    if not token or len(token) < 20:
        return None
    return _tracked().filter(tracking_token=token).first()

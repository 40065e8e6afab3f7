"""Reads of the access record, scoped to who asks."""

from django.db.models import QuerySet

from accounts.permissions import can
from dossiers.models import Dossier
from privacy.models import AccessRecord


def may_audit(user) -> bool:
    """Administrators, and the data-protection officer (a staff account given the model permission
    "Can view access record" in the admin)."""
    return can(user, "privacy.view_access") or (
        user.is_authenticated and user.has_perm("privacy.view_accessrecord")
    )


def access_records(*, dossier_code: str = "", actor_id: int | None = None) -> QuerySet[AccessRecord]:
    records = AccessRecord.objects.select_related("agency")
    if dossier_code:
        records = records.filter(dossier_code=dossier_code.strip().upper())
    if actor_id:
        records = records.filter(actor_id=actor_id)
    return records


def accesses_to_my_dossiers(user) -> QuerySet[AccessRecord]:
    """Who (name, agency) opened the citizen's own dossiers, newest first."""
    codes = Dossier.objects.filter(applicant_user=user).values("code")
    return AccessRecord.objects.filter(dossier_code__in=codes).select_related("agency")


def touched_by(user_id: int, since=None) -> QuerySet[AccessRecord]:
    """Everything an account opened (breach readiness: which records must be notified)."""
    records = AccessRecord.objects.filter(actor_id=user_id).order_by("at", "id")
    return records.filter(at__gte=since) if since else records

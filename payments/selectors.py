"""Reads of online payments, scoped to who asks."""

from datetime import datetime

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts.permissions import agency_scope
from payments.models import Payment, PaymentStatus


def payments_of(dossier) -> list[Payment]:
    return list(Payment.objects.filter(dossier=dossier).prefetch_related("receipts").order_by("-created_at"))


def pending_for(user) -> QuerySet[Payment]:
    """Payments still waiting for the gateway's word, of the dossiers received at the user's
    office (all of them for a manager of the whole province)."""
    qs = Payment.objects.filter(status__in=[PaymentStatus.PENDING, PaymentStatus.REVIEW])
    scope = agency_scope(user)
    if scope is not None:
        qs = qs.filter(dossier__intake_office_id__in=list(scope))
    return qs.select_related("dossier", "dossier__procedure").order_by("created_at")


def online_payment_counts(*, since: datetime, until: datetime, agency_ids=None) -> dict[str, int]:
    """Decision 766/QĐ-TTg, group 4 (online payment): the dossiers whose fees were paid through the
    gateway in [since, until) (confirmed by the gateway, not a flag a clerk ticks), the payments
    and their amount, by the dossier's resolving agency when ``agency_ids`` is given."""
    qs = Payment.objects.filter(status=PaymentStatus.PAID, confirmed_at__gte=since, confirmed_at__lt=until)
    if agency_ids is not None:
        qs = qs.filter(dossier__resolving_agency_id__in=list(agency_ids))
    return qs.aggregate(
        dossiers=Count("dossier", distinct=True),
        payments=Count("pk"),
        amount=Coalesce(Sum("amount"), 0),
    )


def gateway_receipt_ids():
    """The receipts issued for payments the gateway confirmed (a subquery), for the share of
    fees paid online (Decision 766/QĐ-TTg group 4): the receipts' sums count them as
    ``gateway_n`` (``receipts.rollup``), which ``dashboards.service_quality`` reads."""
    return Payment.receipts.through.objects.filter(payment__status=PaymentStatus.PAID).values("receipt_id")

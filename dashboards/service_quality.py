"""Service quality beside the dossier figures: satisfaction (ratings and the Decision 766
indicator), feedback, fees collected and the online payment share, and the counters' queues.

Each figure is defined in the app that owns its data (``surveys.figures``,
``receipts.reconciliation``, ``counters.figures``); this module only asks them for the period and
the units of the person looking, so a number here is the same as on that app's own page.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.permissions import agency_scope
from counters.figures import queue_figures
from dashboards import figures
from dossiers.punctuality import rate
from payments.selectors import gateway_receipt_ids
from receipts.models import Receipt
from receipts.reconciliation import SUMS
from surveys import figures as survey_figures


@dataclass
class ServiceQuality:
    ratings: dict
    satisfaction_766: dict
    feedback: dict
    fees: dict
    online_payment_rate: float | None
    queue: object  # counters.figures.QueueFigures of the whole period


def _span(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(date_from, time.min, tzinfo=tz), datetime.combine(
        date_to + timedelta(days=1), time.min, tzinfo=tz
    )


def satisfaction_766(date_from: date, date_to: date, agency_ids: list[int] | None, whole=None) -> dict:
    """Decision 766's satisfaction index from the statistics' rollup (the same definition as
    ``surveys.figures.satisfaction_indicator``, which counts it over the dossiers with its parts):
    from ``whole``, the dashboard's own total row, when it has one."""
    if whole is None:
        (whole,) = figures.compute(
            date_from=date_from, date_to=date_to, filters=figures.Filters(scope=agency_ids)
        )
    good, base = whole.counts["satisfaction_good"], whole.counts["satisfaction_base"]
    return {"dossiers": base, "satisfied": good, "rate": whole.figures["satisfaction_rate"]}


_ASK = object()


def service_quality(user, *, date_from: date, date_to: date, whole=None, scope=_ASK) -> ServiceQuality:
    """``whole``: the dashboard's total row of the same period (``dashboards.figures.Row``), which
    carries Decision 766's index already. ``scope``: ``user``'s ``agency_scope`` when the caller
    has it already (the dashboard's question carries it), else it is looked up."""
    start, end = _span(date_from, date_to)
    if scope is _ASK:
        scope = agency_scope(user)
    agency_ids = None if scope is None else list(scope)
    receipts = Receipt.objects.valid().filter(issued_at__gte=start, issued_at__lt=end)
    if agency_ids is not None:
        receipts = receipts.filter(agency_id__in=agency_ids)
    # Paid through the gateway (confirmed by its callback), not a method a clerk picks at the desk:
    # counted in the same statement as the sums.
    fees = receipts.aggregate(**SUMS, paid_online=Count("pk", filter=Q(pk__in=gateway_receipt_ids())))
    paid_online = fees.pop("paid_online")
    _rows, queue_total = queue_figures(offices=agency_ids, day_from=date_from, day_to=date_to, by="office")
    return ServiceQuality(
        ratings=survey_figures.rating_totals_by_day(date_from, date_to, agency_ids),
        satisfaction_766=satisfaction_766(date_from, date_to, agency_ids, whole),
        feedback=survey_figures.feedback_figures(start, end, agency_ids),
        fees=fees,
        # receipts paid online over all receipts of the period (Decision 766's online payment)
        online_payment_rate=rate(paid_online, fees["count"]),
        queue=queue_total,
    )

"""Service quality beside the dossier figures: satisfaction (ratings and the Decision 766
indicator), feedback, fees collected and the online payment share, and the counters' queues.

Each figure is defined in the app that owns its data (``surveys.figures``,
``receipts.reconciliation`` and ``receipts.rollup``, ``counters.figures``); this module only asks
them for the period and the units of the person looking, so a number here is the same as on that
app's own page.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connections, router
from django.utils import timezone

from accounts.permissions import agency_scope
from counters.figures import queue_total
from dashboards import figures
from dossiers.punctuality import rate
from receipts.models import PaymentMethod, ReceiptDay, ReceiptMonth
from surveys import figures as survey_figures
from web import periods, prepared


@dataclass
class ServiceQuality:
    ratings: dict
    satisfaction_766: dict
    feedback: dict
    fees: dict
    online_payment_rate: float | None
    queue: object  # counters.figures.QueueTotal of the whole period


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


def _fees(date_from: date, date_to: date, agency_ids: list[int] | None) -> tuple[dict, int]:
    """``receipts.reconciliation.SUMS`` of the valid receipts issued on the local days
    ``date_from``..``date_to`` at ``agency_ids`` (None: all), and how many of them were paid
    through the gateway (``payments.selectors.gateway_receipt_ids``). Read from the receipts'
    sums (``receipts.rollup``), not the receipts: a year is its whole months from ``ReceiptMonth``
    and the days at its edges from ``ReceiptDay`` (``web.periods.fixed_split``): at most twelve
    month rows and the edge days' rows for each desk and method, however many receipts the period
    has, so the dashboard does not read every receipt. One statement of one text (a union of the
    months and the two edges), prepared once per connection (``web.prepared``)."""
    methods = [PaymentMethod.CASH, PaymentMethod.TRANSFER, PaymentMethod.ONLINE]
    by_method = ", ".join(f"COALESCE(SUM(CASE WHEN method = {str(m)!r} THEN total END), 0)" for m in methods)
    columns = "agency_pk, method, n, total, gateway_n"
    with connections[router.db_for_read(ReceiptDay)].cursor() as cursor:
        adapt = cursor.db.ops.adapt_datefield_value
        params = [adapt(day) for day in periods.fixed_split(date_from, date_to).params()]
        # "+ 0": the scope is a filter on the rows of the period, not a condition of the index
        # (day, agency_pk, method), which PostgreSQL would walk over the period once per agency
        name, where, params = prepared.scoped(
            cursor, "hcc_dashboard_fees", "1 = 1", params, ("agency_pk + 0",), agency_ids
        )
        day_table = ReceiptDay._meta.db_table
        sql = (
            f"SELECT COALESCE(SUM(n), 0), {by_method}, COALESCE(SUM(total), 0), "  # noqa: S608  # nosec B608
            f"COALESCE(SUM(gateway_n), 0) FROM ("
            f"SELECT {columns} FROM {ReceiptMonth._meta.db_table} WHERE month >= %s AND month < %s "
            f"UNION ALL SELECT {columns} FROM {day_table} WHERE day >= %s AND day <= %s "
            f"UNION ALL SELECT {columns} FROM {day_table} WHERE day >= %s AND day <= %s"
            f") sums WHERE {where}"
        )
        prepared.execute(cursor, name, sql, params)
        count, cash, transfer, online, total, paid_online = (int(n) for n in cursor.fetchone())
    return {"count": count, "cash": cash, "transfer": transfer, "online": online, "total": total}, paid_online


_ASK = object()


def service_quality(user, *, date_from: date, date_to: date, whole=None, scope=_ASK) -> ServiceQuality:
    """``whole``: the dashboard's total row of the same period (``dashboards.figures.Row``), which
    carries Decision 766's index already. ``scope``: ``user``'s ``agency_scope`` when the caller
    has it already (the dashboard's question carries it), else it is looked up."""
    start, end = _span(date_from, date_to)
    if scope is _ASK:
        scope = agency_scope(user)
    agency_ids = None if scope is None else list(scope)
    fees, paid_online = _fees(date_from, date_to, agency_ids)
    return ServiceQuality(
        ratings=survey_figures.rating_totals_by_day(date_from, date_to, agency_ids),
        satisfaction_766=satisfaction_766(date_from, date_to, agency_ids, whole),
        feedback=survey_figures.feedback_figures(start, end, agency_ids),
        fees=fees,
        # receipts paid online over all receipts of the period (Decision 766's online payment)
        online_payment_rate=rate(paid_online, fees["count"]),
        queue=queue_total(offices=agency_ids, day_from=date_from, day_to=date_to),
    )

"""The receipts' daily and monthly sums (``ReceiptDay``, ``ReceiptMonth``): how many valid
receipts were issued, their total and how many a gateway payment paid, by local day or month, desk
and payment method. The dashboards' fees read them (``dashboards.service_quality``) instead of
every receipt of the period, which a province counts in hundreds of thousands a year.

The services keep them in the transaction of each write, through ``add``: issuing a receipt,
cancelling it (on the receipt's own issue day: the figure is the valid receipts issued in a
period) and linking receipts to a payment the gateway confirmed (PAID is final). ``rebuild``
counts them again from the receipts. Which receipts the gateway paid, ``payments`` (built on
receipts) tells: ``register_gateway``.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from receipts.models import Receipt, ReceiptDay, ReceiptMonth

# One statement per table, the same on SQLite and PostgreSQL (both know ON CONFLICT … excluded).
_UPSERT = {
    table: (
        f"INSERT INTO {table} ({key}, agency_pk, method, n, total, gateway_n) "  # noqa: S608  # nosec B608
        f"VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT ({key}, agency_pk, method) DO UPDATE SET "
        f"n = {table}.n + excluded.n, total = {table}.total + excluded.total, "
        f"gateway_n = {table}.gateway_n + excluded.gateway_n"
    )
    for table, key in ((ReceiptDay._meta.db_table, "day"), (ReceiptMonth._meta.db_table, "month"))
}


def add(receipt: Receipt, *, n: int = 0, total: int = 0, gateway_n: int = 0) -> None:
    """Add ``n``, ``total`` and ``gateway_n`` (negative to take away) to the sums of ``receipt``'s
    issue day and month, desk and method. Call it in the transaction of the write."""
    day = timezone.localdate(receipt.issued_at)
    values = [receipt.agency_id, receipt.method, n, total, gateway_n]
    with connection.cursor() as cursor:
        for sql, key in zip(_UPSERT.values(), (day, day.replace(day=1)), strict=True):
            cursor.execute(sql, [key, *values])


# The ids of the receipts a payment the gateway confirmed paid, as a subquery: ``payments``
# registers it from its ``AppConfig.ready()`` (``payments.selectors.gateway_receipt_ids``), as
# receipts does not import payments, which builds on it. None: no gateway, none paid there.
_gateway_receipt_ids: Callable[[], QuerySet] | None = None


def register_gateway(receipt_ids: Callable[[], QuerySet]) -> None:
    """Set how to find the receipts paid through the gateway (a function returning a subquery of
    their ids)."""
    global _gateway_receipt_ids
    _gateway_receipt_ids = receipt_ids


def is_gateway_paid(receipt: Receipt) -> bool:
    """Whether a payment the gateway confirmed paid ``receipt``."""
    if _gateway_receipt_ids is None:
        return False
    return Receipt.objects.filter(pk=receipt.pk, pk__in=_gateway_receipt_ids()).exists()


def _day_sums() -> list[dict]:
    """The sums of the valid receipts by local day of issue, desk and method."""
    gateway = Q(pk__in=_gateway_receipt_ids()) if _gateway_receipt_ids is not None else Q(pk__in=[])
    return list(
        Receipt.objects.valid()
        .annotate(day=TruncDate("issued_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "agency_id", "method")
        .annotate(n=Count("pk"), total=Sum("total"), gateway_n=Count("pk", filter=gateway))
        .order_by()
    )


def _month_sums(days: list[dict]) -> list[dict]:
    """``_day_sums`` added up by month (``month``: its first day)."""
    months: dict[tuple[date, int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in days:
        sums = months[(row["day"].replace(day=1), row["agency_id"], row["method"])]
        sums[0] += row["n"]
        sums[1] += row["total"]
        sums[2] += row["gateway_n"]
    return [
        {"month": month, "agency_id": agency, "method": method, "n": n, "total": total, "gateway_n": gw}
        for (month, agency, method), (n, total, gw) in months.items()
    ]


@transaction.atomic
def rebuild() -> int:
    """The sums again from the receipts (after receipts were written other than through the
    services). Returns the rows written."""
    ReceiptDay.objects.all().delete()
    ReceiptMonth.objects.all().delete()
    days = _day_sums()
    common = ("method", "n", "total", "gateway_n")
    made = ReceiptDay.objects.bulk_create(
        (ReceiptDay(day=r["day"], agency_pk=r["agency_id"], **{k: r[k] for k in common}) for r in days),
        batch_size=5000,
    )
    made += ReceiptMonth.objects.bulk_create(
        (
            ReceiptMonth(month=r["month"], agency_pk=r["agency_id"], **{k: r[k] for k in common})
            for r in _month_sums(days)
        ),
        batch_size=5000,
    )
    return len(made)

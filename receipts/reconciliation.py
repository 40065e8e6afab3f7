"""Fee reconciliation: what each agency collected in a month (what the center transfers to each
department) and what each clerk collected in a day (the cash handed over). Only issued,
non-cancelled receipts count; the figures are their exact sums in đồng."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts.permissions import agency_scope
from receipts.models import PaymentMethod, Receipt
from receipts.selectors import day_range

SUMS = {
    "count": Count("pk"),
    "cash": Coalesce(Sum("total", filter=Q(method=PaymentMethod.CASH)), 0),
    "transfer": Coalesce(Sum("total", filter=Q(method=PaymentMethod.TRANSFER)), 0),
    "online": Coalesce(Sum("total", filter=Q(method=PaymentMethod.ONLINE)), 0),
    "total": Coalesce(Sum("total"), 0),
}


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    totals: list = field(default_factory=list)


def valid_receipts_for(user) -> QuerySet[Receipt]:
    qs = Receipt.objects.valid()
    scope = agency_scope(user)
    return qs if scope is None else qs.filter(agency_id__in=list(scope))


def _totals(rows: list[dict], keys=SUMS) -> dict:
    return {key: sum(row[key] for row in rows) for key in keys}


def _month_range(year: int, month: int):
    first = date(year, month, 1)
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    return day_range(first, next_first - timedelta(days=1))


def receipts_for(user) -> QuerySet[Receipt]:
    """Every receipt (cancelled too) collected by the user's agencies or on their behalf."""
    scope = agency_scope(user)
    qs = Receipt.objects.all()
    return qs if scope is None else qs.filter(Q(agency_id__in=list(scope)) | Q(owner_id__in=list(scope)))


VALID = Q(cancellation__isnull=True)
OWNER_SUMS = {
    "count": Count("pk", filter=VALID),
    "cash": Coalesce(Sum("total", filter=VALID & Q(method=PaymentMethod.CASH)), 0),
    "transfer": Coalesce(Sum("total", filter=VALID & Q(method=PaymentMethod.TRANSFER)), 0),
    "online": Coalesce(Sum("total", filter=VALID & Q(method=PaymentMethod.ONLINE)), 0),
    "cancelled": Count("pk", filter=~VALID),
    "cancelled_total": Coalesce(Sum("total", filter=~VALID), 0),
    # last: once annotated, "total" names this sum, not the column
    "total": Coalesce(Sum("total", filter=VALID), 0),
}


def by_owner_month(user, year: int, month: int) -> tuple[list[dict], dict]:
    """Per owning agency (cơ quan hưởng phí, lệ phí) in a month: the valid receipts by method and
    their total (what the center transfers to it), and the cancelled ones apart."""
    since, until = _month_range(year, month)
    rows = list(
        receipts_for(user)
        .filter(issued_at__gte=since, issued_at__lt=until)
        .values("owner_id", "owner__name")
        .annotate(**OWNER_SUMS)
        .order_by("owner__name", "owner_id")
    )
    return rows, _totals(rows, OWNER_SUMS)


def transfer_statement(user, owner_id: int, year: int, month: int) -> dict:
    """The transfer statement (bảng kê nộp tiền) of a month for one owner: every receipt collected
    on its behalf, valid ones numbered and summed, cancelled ones listed apart."""
    since, until = _month_range(year, month)
    receipts = list(
        receipts_for(user)
        .filter(owner_id=owner_id, issued_at__gte=since, issued_at__lt=until)
        .select_related("dossier", "cancellation", "agency", "collector")
        .order_by("issued_at", "id")
    )
    valid = [r for r in receipts if not r.is_cancelled]
    return {
        "receipts": valid,
        "cancelled": [r for r in receipts if r.is_cancelled],
        "total": sum(r.total for r in valid),
        "by_method": {
            method: sum(r.total for r in valid if r.method == method) for method in PaymentMethod.values
        },
        "desks": sorted({r.agency.name for r in receipts}),
        "desk_agencies": sorted({r.agency for r in receipts}, key=lambda agency: agency.name),
    }


def by_agency_month(user, year: int, month: int) -> tuple[list[dict], dict]:
    since, until = _month_range(year, month)
    rows = list(
        valid_receipts_for(user)
        .filter(issued_at__gte=since, issued_at__lt=until)
        .values("agency_id", "agency__name")
        .annotate(**SUMS)
        .order_by("agency__name", "agency_id")
    )
    return rows, _totals(rows)


def by_clerk_day(user, day: date) -> tuple[list[dict], dict]:
    since, until = day_range(day, day)
    rows = list(
        valid_receipts_for(user)
        .filter(issued_at__gte=since, issued_at__lt=until)
        .values("collector_id", "collector__full_name", "collector__username", "agency__name")
        .annotate(**SUMS)
        .order_by("agency__name", "collector__full_name", "collector_id")
    )
    for row in rows:
        row["collector"] = row["collector__full_name"] or row["collector__username"]
    return rows, _totals(rows)


# --- exports -------------------------------------------------------------------------------------

AGENCY_COLUMNS = ["Cơ quan thu", "Số biên lai", "Tiền mặt", "Chuyển khoản", "Trực tuyến", "Tổng cộng (đồng)"]
CLERK_COLUMNS = [
    "Cơ quan",
    "Người thu",
    "Số biên lai",
    "Tiền mặt (bàn giao)",
    "Chuyển khoản",
    "Trực tuyến",
    "Tổng cộng (đồng)",
]


OWNER_COLUMNS = [
    "Cơ quan hưởng",
    "Số biên lai",
    "Tiền mặt",
    "Chuyển khoản",
    "Trực tuyến",
    "Tổng cộng (đồng)",
    "Biên lai đã hủy",
    "Số tiền đã hủy (đồng)",
]


def owner_table(rows: list[dict], totals: dict) -> tuple[list[str], list[list]]:
    keys = ["count", "cash", "transfer", "online", "total", "cancelled", "cancelled_total"]
    body = [[r["owner__name"], *(r[k] for k in keys)] for r in rows]
    body.append(["Tổng cộng", *(totals[k] for k in keys)])
    return OWNER_COLUMNS, body


def agency_table(rows: list[dict], totals: dict) -> tuple[list[str], list[list]]:
    body = [[r["agency__name"], r["count"], r["cash"], r["transfer"], r["online"], r["total"]] for r in rows]
    body.append(
        ["Tổng cộng", totals["count"], totals["cash"], totals["transfer"], totals["online"], totals["total"]]
    )
    return AGENCY_COLUMNS, body


def clerk_table(rows: list[dict], totals: dict) -> tuple[list[str], list[list]]:
    body = [
        [r["agency__name"], r["collector"], r["count"], r["cash"], r["transfer"], r["online"], r["total"]]
        for r in rows
    ]
    body.append(
        [
            "Tổng cộng",
            "",
            totals["count"],
            totals["cash"],
            totals["transfer"],
            totals["online"],
            totals["total"],
        ]
    )
    return CLERK_COLUMNS, body

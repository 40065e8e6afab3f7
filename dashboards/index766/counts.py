"""The counts Decision 766's index is scored from, for a period and the units of who asks.

The dossier counts come from the statistics' rollups (``dashboards.figures.compute``): no dossier
is scanned at request time, whatever the size of the database. The parts whose records are not
dossiers are read with one grouped query each over their own tables of the period: the catalog
(procedures, as it is today: it has no history), national-portal sync messages, fee receipts and
feedback items. Each source answers by agency (the index of a period, per unit) or by month (the
12-month trend).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards import figures
from dashboards.index766.rules import DOSSIER_INPUTS, INPUTS, Score, score
from dossiers.punctuality import is_late, is_overdue
from procedures.models import Agency, Level, OnlineLevel, Procedure, RequiredDocument

GROUP_BY = ("province", "level", "unit", "agency")


def _span(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(date_from, time.min, tzinfo=tz),
        datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz),
    )


def _agency_filter(qs, column: str, filters: figures.Filters, level_column: str | None = None):
    if filters.scope is not None:
        qs = qs.filter(**{f"{column}__in": filters.scope})
    if filters.agencies:
        qs = qs.filter(**{f"{column}__in": filters.agencies})
    if filters.levels and level_column:
        qs = qs.filter(**{f"{level_column}__in": filters.levels})
    return qs


def _grouped(qs, column: str, by: str, **counts) -> dict:
    """{agency id or first day of the month: {count: n}} of ``qs``."""
    if by == "month":
        qs = qs.annotate(_month=TruncMonth(column, tzinfo=timezone.get_current_timezone()))
        key = "_month"
    else:
        key = column
    out = {}
    for r in qs.values(key).annotate(**counts).order_by():
        k = r.pop(key)
        out[k.date() if isinstance(k, datetime) else k] = r
    return out


def _dossier_counts(date_from, date_to, filters: figures.Filters, now, by: str) -> dict:
    rows = figures.compute(date_from=date_from, date_to=date_to, group_by=by, filters=filters, now=now)
    if by == "month":
        return {date.fromisoformat(r.key + "-01"): {k: r.counts[k] for k in DOSSIER_INPUTS} for r in rows}
    ids = dict(Agency.objects.filter(code__in=[r.key for r in rows]).values_list("code", "id"))
    return {ids[r.key]: {k: r.counts[k] for k in DOSSIER_INPUTS} for r in rows if r.key in ids}


def _catalog_counts(filters: figures.Filters) -> dict:
    """By agency: the active procedures, those published in full, those offered online."""
    documents = RequiredDocument.objects.filter(procedure=OuterRef("pk"))
    qs = _agency_filter(Procedure.objects.filter(is_active=True), "agency_id", filters, "agency__level")
    return _grouped(
        qs,
        "agency_id",
        "agency",
        procedures=Count("pk"),
        procedures_complete=Count("pk", filter=Q(Exists(documents)) & Q(processing_days__isnull=False)),
        procedures_online=Count("pk", filter=~Q(online_level=OnlineLevel.NONE)),
    )


def _sync_counts(start, end, filters: figures.Filters, by: str) -> dict:
    from national.models import Service, SyncMessage, SyncStatus

    qs = _agency_filter(
        SyncMessage.objects.filter(created_at__gte=start, created_at__lt=end),
        "dossier__resolving_agency_id",
        filters,
        "dossier__resolving_agency__level",
    )
    sent = Q(status=SyncStatus.SENT)
    return _grouped(
        qs,
        "created_at" if by == "month" else "dossier__resolving_agency_id",
        by,
        sync_dossier=Count("pk", filter=Q(service=Service.DOSSIER)),
        sync_dossier_sent=Count("pk", filter=Q(service=Service.DOSSIER) & sent),
        sync_progress=Count("pk", filter=Q(service=Service.PROGRESS)),
        sync_progress_sent=Count("pk", filter=Q(service=Service.PROGRESS) & sent),
    )


def _receipt_counts(start, end, filters: figures.Filters, by: str) -> dict:
    from payments.selectors import gateway_receipt_ids
    from receipts.models import Receipt

    qs = _agency_filter(
        Receipt.objects.valid().filter(issued_at__gte=start, issued_at__lt=end),
        "agency_id",
        filters,
        "agency__level",
    )
    return _grouped(
        qs,
        "issued_at" if by == "month" else "agency_id",
        by,
        receipts=Count("pk"),
        receipts_online=Count("pk", filter=Q(pk__in=gateway_receipt_ids())),
    )


def _feedback_counts(start, end, filters: figures.Filters, now, by: str) -> dict:
    """Feedback of the period: answered on time or late (``dossiers.punctuality``, the rule of
    every due time), open past the due time."""
    from surveys.models import OPEN_FEEDBACK, Feedback

    qs = _agency_filter(
        Feedback.objects.filter(received_at__gte=start, received_at__lt=end),
        "agency_id",
        filters,
        "agency__level",
    )
    out: dict = defaultdict(lambda: defaultdict(int))
    rows = qs.values_list("agency_id", "received_at", "status", "answered_at", "due_at")
    for agency_id, received_at, status, answered_at, due_at in rows.iterator():
        key = timezone.localdate(received_at).replace(day=1) if by == "month" else agency_id
        c = out[key]
        c["feedback"] += 1
        if answered_at is not None:
            c["feedback_late" if is_late(answered_at, due_at) else "feedback_on_time"] += 1
        elif status in OPEN_FEEDBACK and is_overdue(due_at, now):
            c["feedback_open_overdue"] += 1
    return out


def _inputs(date_from, date_to, filters: figures.Filters | None, now, by: str) -> dict:
    filters = filters or figures.Filters()
    now = now or timezone.now()
    start, end = _span(date_from, date_to)
    sources = [
        _dossier_counts(date_from, date_to, filters, now, by),
        _sync_counts(start, end, filters, by),
        _receipt_counts(start, end, filters, by),
        _feedback_counts(start, end, filters, now, by),
    ]
    out: dict = defaultdict(lambda: dict.fromkeys(INPUTS, 0))
    if by == "month":
        for lo, _hi in figures.month_ranges(date_from, date_to):
            out[lo.replace(day=1)].update()  # every month of the period, empty ones too
        catalog = _catalog_counts(filters)
        today = {name: sum(c.get(name, 0) for c in catalog.values()) for name in INPUTS}
        sources.append(dict.fromkeys(out, today))
    else:
        sources.append(_catalog_counts(filters))
    for source in sources:
        for key, counts in source.items():
            if key is None:
                continue
            row = out[key]
            for name in INPUTS:
                if name in counts:
                    row[name] += counts[name] or 0
    return dict(out)


def inputs_by_agency(*, date_from: date, date_to: date, filters=None, now=None) -> dict[int, dict[str, int]]:
    """Agency id → every input of ``score`` for the period."""
    return _inputs(date_from, date_to, filters, now, "agency")


def inputs_by_month(*, date_from: date, date_to: date, filters=None, now=None) -> dict[date, dict[str, int]]:
    """First day of each month of the period → every input of ``score`` for the units in scope
    (the catalog as it is today in every month)."""
    return _inputs(date_from, date_to, filters, now, "month")


def _units(agencies: dict[int, dict]) -> dict[int, int]:
    """Agency id → its unit: the agency just under the top of its tree (a department with its
    branches, a commune with its offices); a top agency is its own unit."""
    parents = {a: agencies[a]["parent_id"] for a in agencies}
    units = {}
    for agency_id in agencies:
        unit = agency_id
        while parents.get(unit) is not None and parents.get(parents[unit]) is not None:
            unit = parents[unit]
        units[agency_id] = unit
    return units


def index(
    *,
    date_from: date,
    date_to: date,
    group_by: str = "province",
    filters: figures.Filters | None = None,
    now=None,
    by_agency: dict[int, dict[str, int]] | None = None,
) -> list[Score]:
    """The index of the period, one ``Score`` per group of ``group_by`` (``GROUP_BY``), the lowest
    first; ``province``: one score for everything in scope. ``by_agency``: the counts of
    ``inputs_by_agency`` for the same question, when the caller has them already."""
    if group_by not in GROUP_BY:
        raise ValueError(group_by)
    if by_agency is None:
        by_agency = inputs_by_agency(date_from=date_from, date_to=date_to, filters=filters, now=now)
    agencies = {a["id"]: a for a in Agency.objects.values("id", "code", "name", "level", "parent_id")}
    if group_by == "province":
        keys = dict.fromkeys(by_agency)
    elif group_by == "level":
        keys = {a: agencies[a]["level"] for a in by_agency}
    elif group_by == "unit":
        units = _units(agencies)
        keys = {a: agencies[units[a]]["code"] for a in by_agency}
    else:
        keys = {a: agencies[a]["code"] for a in by_agency}
    summed: dict = defaultdict(lambda: dict.fromkeys(INPUTS, 0))
    for agency_id, counts in by_agency.items():
        row = summed[keys[agency_id]]
        for name in INPUTS:
            row[name] += counts[name]
    if group_by == "province" and not summed:
        summed[None] = dict.fromkeys(INPUTS, 0)
    names = {a["code"]: a["name"] for a in agencies.values()}
    levels = dict(Level.choices)
    scores = []
    for key, counts in summed.items():
        if key is None:
            label = _("Toàn tỉnh (trong phạm vi được xem)")
        elif group_by == "level":
            label = str(levels.get(key, key))
        else:
            label = names.get(key, key)
        scores.append(score(counts, key=key, label=label))
    scores.sort(key=lambda s: (s.points, s.key or ""))
    return scores


def trend(*, date_to: date, filters=None, now=None, months: int = 12) -> list[tuple[date, Score]]:
    """The index of each of the ``months`` months that end with ``date_to``'s month."""
    first = date_to.replace(day=1)
    for _step in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    last = (date_to.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    by_month = inputs_by_month(date_from=first, date_to=last, filters=filters, now=now)
    return [
        (month, score(counts, key=f"{month:%Y-%m}", label=f"{month:%m/%Y}"))
        for month, counts in sorted(by_month.items())
    ]

"""Every figure of the dashboards, the statistics API and the periodic report, defined once.

The period is ``date_from``..``date_to`` (local dates, both included); ``end`` is the local
midnight after ``date_to``. A dossier's "exit" is the first of its result (``result_ready_at``)
and its closing as refused, withdrawn or stopped (``closed_at``).

Two implementations of the same definitions:
- ``compute`` reads the daily rollups (``dashboards.DailyAgencyFigure``, or ``DailyFigure`` when the
  question needs procedures or fields) and the open dossiers of now: fast
  at ten million dossiers; the dashboards and the API use it.
- ``direct`` counts over the dossiers themselves: the reference the tests and the benchmark
  compare ``compute`` with (and the only one for the digitisation rate).

Figures still to come from other parts (ratings, receipts): the satisfaction rate, the online
payment rate, fees collected and the matching indicators of Decision 766/QĐ-TTg; add them to
``FIGURES`` with their formula.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, router
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboards.models import (
    DailyAgencyFigure,
    DailyAgencyInputs,
    DailyFigure,
    MonthlyAgencyFigure,
    MonthlyAgencyInputs,
    MonthlyFigure,
    TotalAgencyFigure,
    TotalFigure,
)
from dashboards.rollup import BUCKETS, CLOSED_BUCKETS, OPEN_STATUSES
from documents.models import DocumentReuse
from documents.selectors import dossier_is_digitised_q, result_is_digitised_q
from dossiers import punctuality
from dossiers.models import Channel, Dossier, DossierFile, FileKind
from dossiers.punctuality import EARLY, LATE, ON_TIME, rate
from dossiers.workflow import Status
from procedures.models import Agency, Level, Procedure
from procedures.models import Field as ProcedureField
from web import prepared
from web.periods import month_end, next_month, split

# key → (label, formula). The order is the report's.
FIGURES: dict[str, tuple[str, str]] = {
    "received_total": (_("Tổng số hồ sơ nhận giải quyết"), "received + carried_over"),
    "carried_over": (
        _("Từ kỳ trước chuyển sang"),
        "received before date_from, not exited before date_from",
    ),
    "received": (_("Tiếp nhận trong kỳ"), "received_at in the period"),
    "received_online": (_("Trực tuyến"), "received in the period, channel = online"),
    "received_direct": (_("Trực tiếp, bưu chính"), "received − received_online (counter and postal)"),
    "resolved": (_("Đã giải quyết"), "result_ready_at in the period"),
    "resolved_early": (_("Trước hạn"), "resolved, early (dossiers.punctuality)"),
    "resolved_on_time": (_("Đúng hạn"), "resolved, on time (dossiers.punctuality)"),
    # Named apart from "in_progress_overdue": a table shows both (issue 21, item 8).
    "resolved_late": (_("Giải quyết trễ hạn"), "resolved, late (dossiers.punctuality)"),
    "in_progress": (_("Đang giải quyết"), "received before end, not exited before end"),
    "in_progress_on_time": (_("Trong hạn"), "in_progress − in_progress_overdue"),
    "in_progress_overdue": (
        _("Đang giải quyết, quá hạn"),
        "in_progress with due_at before end (before now when the period runs to today or later)",
    ),
    "refused": (_("Từ chối"), "received, status refused, closed_at in the period"),
    "withdrawn": (_("Rút hồ sơ"), "received, status withdrawn, closed_at in the period"),
    "stopped": (_("Dừng giải quyết"), "received, status stopped, closed_at in the period"),
    "returned": (_("Đã trả kết quả"), "returned_at in the period"),
    "satisfaction_base": (
        _("Có kết quả, tính chỉ số hài lòng (QĐ 766)"),
        "resolved, status neither refused nor withdrawn (dossiers.punctuality)",
    ),
    "satisfaction_good": (
        _("Không bị đánh giá không hài lòng, phản ánh hay trễ hạn"),
        "satisfaction_base, not late, no unsatisfied rating and no feedback item about it"
        " (dossiers.punctuality.satisfied)",
    ),
    "received_digitised": (
        _("Hồ sơ tiếp nhận đã số hóa"),
        "received, every paper digital: scanned, online with files, or reused (documents.selectors)",
    ),
    "reusing": (
        _("Hồ sơ có dùng lại giấy tờ trong kho dữ liệu"),
        "received, reusing at least one stored paper (documents.selectors)",
    ),
    "results_digitised": (
        _("Kết quả giải quyết đã số hóa"),
        "resolved, the result digital: a file received or a signed result (documents.selectors)",
    ),
    "on_time_rate": (_("Tỷ lệ đúng hạn (%)"), "100 × (resolved_early + resolved_on_time) / resolved"),
    "online_rate": (_("Tỷ lệ trực tuyến (%)"), "100 × received_online / received"),
    "satisfaction_rate": (
        _("Chỉ số hài lòng theo QĐ 766 (%)"),
        "100 × satisfaction_good / satisfaction_base",
    ),
    "digitised_rate": (_("Tỷ lệ hồ sơ số hóa (%)"), "100 × received_digitised / received"),
    "result_digitised_rate": (_("Tỷ lệ kết quả số hóa (%)"), "100 × results_digitised / resolved"),
    "reuse_rate": (_("Tỷ lệ hồ sơ dùng lại giấy tờ (%)"), "100 × reusing / received"),
}
COUNTS = [k for k in FIGURES if not k.endswith("_rate")]
# The dossiers behind points lost in Decision 766's index (``dashboards.index766``): not counts
# of their own, lists the drill-down shows.
LOST = {
    "satisfaction_lost": _("Có kết quả nhưng không được tính hài lòng (trễ hạn, không hài lòng, phản ánh)"),
    "results_not_digitised": _("Kết quả chưa được số hóa"),
    "received_not_digitised": _("Hồ sơ tiếp nhận chưa được số hóa"),
    "received_not_reusing": _("Hồ sơ không dùng lại giấy tờ đã số hóa"),
}
DIGITISATION = (
    _("Tỷ lệ số hóa (%)"),
    "100 × resolved dossiers having a submission file and a result file / resolved",
)

GROUPS = ("level", "agency", "field", "procedure", "channel", "month")
# group → (column on DailyFigure, column on Dossier)
_COLUMNS = {
    "level": ("level", "resolving_agency__level"),
    "agency": ("agency_id", "resolving_agency_id"),
    "field": ("field_id", "procedure__field_id"),
    "procedure": ("procedure_id", "procedure_id"),
    "channel": ("channel", "channel"),
}


@dataclass
class Filters:
    """Which dossiers count: ``scope`` the agencies the viewer may see (None: all), the others
    the filters chosen (empty: no filter). Ids for agencies, fields, procedures; names for
    levels and channels."""

    scope: list[int] | None = None
    agencies: list[int] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    fields: list[int] = field(default_factory=list)
    procedures: list[int] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)

    def q(self, *, on_rollup: bool) -> Q:
        i = 0 if on_rollup else 1
        q = Q()
        for values, group in (
            (self.agencies, "agency"),
            (self.levels, "level"),
            (self.fields, "field"),
            (self.procedures, "procedure"),
            (self.channels, "channel"),
        ):
            if values:
                q &= Q(**{f"{_COLUMNS[group][i]}__in": values})
        if self.scope is not None:
            q &= Q(**{f"{_COLUMNS['agency'][i]}__in": self.scope})
        return q


@dataclass
class Row:
    key: str | None
    label: str
    counts: dict[str, int]

    @property
    def figures(self) -> dict:
        return {**self.counts, **rates(self.counts)}


def total(rows: list[Row], label: str = "") -> Row:
    """The whole of a grouping (every dossier is in exactly one group of it): the counts add up."""
    return Row(key=None, label=label, counts={k: sum(r.counts[k] for r in rows) for k in COUNTS})


def rates(c: dict[str, int]) -> dict[str, float | None]:
    return {
        "on_time_rate": rate(c["resolved_early"] + c["resolved_on_time"], c["resolved"]),
        "online_rate": rate(c["received_online"], c["received"]),
        "satisfaction_rate": rate(c["satisfaction_good"], c["satisfaction_base"]),
        "digitised_rate": rate(c["received_digitised"], c["received"]),
        "result_digitised_rate": rate(c["results_digitised"], c["resolved"]),
        "reuse_rate": rate(c["reusing"], c["received"]),
    }


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return start, end


def _finish(c: dict[str, int]) -> dict[str, int]:
    c["received_total"] = c["received"] + c["carried_over"]
    c["received_direct"] = c["received"] - c["received_online"]
    c["in_progress_on_time"] = c["in_progress"] - c["in_progress_overdue"]
    return {k: c.get(k, 0) for k in COUNTS}


def month_ranges(date_from: date, date_to: date) -> list[tuple[date, date]]:
    out, day = [], date_from
    while day <= date_to:
        nxt = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        out.append((day, min(nxt - timedelta(days=1), date_to)))
        day = nxt
    return out


# --- from the rollup -----------------------------------------------------------------------------

# what "in progress" and "overdue" at the end of a day are sums of (``dashboards.rollup``)
_STOCK = ["received", "exited", "overdue_start", "overdue_end"]


def _tables(group_by: str | None, filters: Filters):
    """(daily, monthly, total, wide monthly, wide daily) rollups: by agency unless the question
    needs procedures or fields; whole months and the days at the edges from the wide agency
    rollups (``MonthlyAgencyInputs``, ``DailyAgencyInputs``: one row per month or day and agency)
    unless it needs channels too, else None."""
    if group_by in ("field", "procedure") or filters.fields or filters.procedures:
        return DailyFigure, MonthlyFigure, TotalFigure, None, None
    if group_by == "channel" or filters.channels:
        return DailyAgencyFigure, MonthlyAgencyFigure, TotalAgencyFigure, None, None
    return DailyAgencyFigure, MonthlyAgencyFigure, TotalAgencyFigure, MonthlyAgencyInputs, DailyAgencyInputs


def _grouped(rows, group: list[str], out: dict, taken: Q | None = None) -> None:
    """Σ n of ``rows`` by ``group`` and bucket into ``out``; the rows matching ``taken`` counted
    negative."""
    n = F("n") if taken is None else Case(When(taken, then=-F("n")), default=F("n"))
    online = Sum(n, filter=Q(channel=Channel.ONLINE, bucket="received"))
    for r in rows.values(*group, "bucket").annotate(total=Sum(n), online=online).order_by():
        g = r[group[0]] if group else None
        if isinstance(g, datetime):
            g = g.date()
        out[g][r["bucket"]] += r["total"]
        out[g]["received_online"] += r["online"] or 0


def _shorter_by_month(months, edges):
    """An edge of whole months that is most of its month (the 8th to the 31st) read as that whole
    month less the other days (the 1st to the 7th): the monthly rows of one more month cost next
    to nothing, the daily rows are ``agencies × channels × buckets`` a day. The monthly rollup is
    the sum of the daily one (the same upsert), so the result is the same. Only months that are
    over: the days after today hold due dates only, next to no rows. Returns the whole months,
    the days to add and the days to take away."""
    if months is None:
        return months, edges, []
    today = timezone.localdate()
    first, stop = months
    added, taken = [], []
    for a, b in edges:
        if month_end(a) >= today:
            added.append((a, b))
        elif a < first and a.day > 1 and b == month_end(a) and a.day - 1 < b.day - a.day + 1:
            first = a.replace(day=1)  # the month of the leading edge, less its first days
            taken.append((first, a - timedelta(days=1)))
        elif stop is not None and a == stop and b < month_end(a) and month_end(a).day - b.day < b.day:
            stop = next_month(a)  # the month of the trailing edge, less its last days
            taken.append((b + timedelta(days=1), month_end(a)))
        else:
            added.append((a, b))
    return (first, stop), added, taken


def _where(model, q: Q, connection) -> tuple[str, list]:
    """The SQL condition of ``q`` on ``model``'s table (the filters of the question), and its
    parameters. A ``q`` of ``<column>__in`` lists only (a scope, the stock buckets: the
    dashboard's question) is written here as the ORM writes it, without its compiler's Python."""
    plain = _where_in_lists(model, q, connection)
    if plain is not None:
        return plain
    query = model.objects.filter(q).query
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:  # e.g. a scope of no agency
        return "1 = 0", []
    except FullResultSet:  # no filter
        return "1 = 1", []
    return sql, list(params)


def _where_in_lists(model, q: Q, connection) -> tuple[str, list] | None:
    """``_where`` of a ``q`` that ANDs ``<column>__in`` lists of ``model``'s own columns, as the
    ORM compiles it (``None`` left out of a list, an empty list matching nothing, no list
    matching all); None for any other ``q``."""
    if q.negated or (q.connector != Q.AND and len(q.children) > 1):
        return None
    fields = {f.attname: f for f in model._meta.concrete_fields}
    table = connection.ops.quote_name(model._meta.db_table)
    parts, params = [], []
    for child in q.children:
        if not isinstance(child, tuple) or not child[0].endswith("__in") or child[0][:-4] not in fields:
            return None
        field = fields[child[0][:-4]]
        values = list(dict.fromkeys(v for v in child[1] if v is not None))
        if not values:
            return "1 = 0", []
        column = f"{table}.{connection.ops.quote_name(field.column)}"
        parts.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
        params += [field.get_db_prep_value(v, connection) for v in values]
    if not parts:
        return "1 = 1", []
    return " AND ".join(f"({p})" if len(parts) > 1 else p for p in parts), params


def _ranges_sql(column: str, ranges: list[tuple[date, date]], connection) -> tuple[str, list]:
    adapt = connection.ops.adapt_datefield_value
    sql = " OR ".join(f"({column} >= %s AND {column} <= %s)" for _ in ranges)
    return f"({sql})", [adapt(d) for a, b in ranges for d in (a, b)]


_COLUMN_TYPES: dict[tuple, str] = {}


def _column_type(connection, model, column: str) -> str:
    """The database type of ``model``'s ``column``, kept per database kind (a foreign key's
    ``db_type`` makes a field each time)."""
    key = (connection.vendor, model, column)
    if key not in _COLUMN_TYPES:
        field = next(f for f in model._meta.concrete_fields if f.column == column)
        _COLUMN_TYPES[key] = field.db_type(connection)
    return _COLUMN_TYPES[key]


class _Batch:
    """The sums of one computation over the rollups, asked for one by one (``_grouped_wide``,
    ``_totals``) and read together: one statement per database, the parts' grouped SELECTs joined
    by UNION ALL, each row tagged with its part. Each part's ``out`` is filled by ``run``. A
    dashboard's year asks for nine parts; one round trip and one plan instead of nine."""

    def __init__(self) -> None:
        # database → [(group column or None, period column or None, sums, rest, params, names, out)]
        self.parts: dict[str, list] = defaultdict(list)
        self.group_types: dict[str, str] = {}  # database → the type of the group columns
        self.wheres: dict = {}

    def where(self, model, q: Q, connection) -> tuple[str, list]:
        key = (connection.alias, model, q)
        if key not in self.wheres:
            self.wheres[key] = _where(model, q, connection)
        return self.wheres[key]

    def add(self, connection, model, group, period, sums: str, rest: str, params, names, out) -> None:
        """``SELECT group, period, sums rest``: ``group`` a column of ``model`` or None, ``period``
        a date column or None, ``rest`` from FROM on (grouped by the columns given)."""
        if group is not None:
            kind = _column_type(connection, model, group)
            if self.group_types.setdefault(connection.alias, kind) != kind:
                raise ValueError(f"one batch groups by columns of one type: {group} is {kind}")
        self.parts[connection.alias].append((group, period, sums, rest, params, names, out))

    def run(self) -> None:
        for alias, parts in self.parts.items():
            width = max(len(part[5]) for part in parts)
            # a NULL key typed as the others: PostgreSQL types a UNION's columns pairwise
            no_group = f"CAST(NULL AS {self.group_types[alias]})" if alias in self.group_types else "NULL"
            selects, params = [], []
            for i, (group, period, sums, rest, part_params, names, _out) in enumerate(parts):
                pad = ", 0" * (width - len(names))  # the same number of columns in every part
                keys = f"{group or no_group}, {period or 'CAST(NULL AS DATE)'}"
                selects.append(f"SELECT {i}, {keys}, {sums}{pad} {rest}")
                params.extend(part_params)
            with connections[alias].cursor() as cursor:
                # planning the union of a dozen grouped reads cost as much as running it: prepared
                # with its values written in, planned once a connection (``execute_text``)
                prepared.execute_text(cursor, " UNION ALL ".join(selects), params, inline=True)
                results = cursor.fetchall()
            for r in results:
                group, period, _sums, _rest, _params, names, out = parts[r[0]]
                _add_sums(names, group is not None, period is not None, out, r[1], r[2], r[3:])
        self.parts.clear()


def _add_sums(names: list[str], by_group: bool, by_period: bool, out: dict, g, day, values) -> None:
    """One row of a part of ``_Batch``: its sums into ``out`` under the group key ``g``, or under
    the period key ``day`` (a month, or a day summed into its month), or under None."""
    if by_period:
        g = date.fromisoformat(day[:10]) if isinstance(day, str) else day  # SQLite: dates as text
        if isinstance(g, datetime):
            g = g.date()
        g = g.replace(day=1)
    elif not by_group:
        g = None
    into = out[g]
    for b, n in zip(names, values, strict=False):
        into[b] += n or 0


def _grouped_wide(
    model, period: str, q: Q, group: str | None, buckets, out: dict, spans, taken=(), batch=None
) -> None:
    """Σ of each bucket's column of the wide rollup ``model`` (a row per ``period`` — month or
    day — agency and level) over the rows of ``q`` in ``spans`` (inclusive ranges of ``period``)
    and ``taken`` (counted negative), by ``group`` (a column, or ``period``, or None) into
    ``out`` (a day by its month). Written as SQL: the same sums through the ORM cost more Python
    than the statement (17 aggregates a query, a dozen queries a page). Read with ``batch``'s
    other parts when there is one (``out`` filled when it runs), else now."""
    names = [*(buckets if buckets is not None else BUCKETS)]
    if "received" in names:
        names.append("received_online")
    # the database the ORM would read (the replica, for the dashboards, when there is one)
    connection = connections[router.db_for_read(model)]
    own = batch is None
    batch = batch or _Batch()
    where, params = batch.where(model, q, connection)
    spans_sql, spans_params = _ranges_sql(period, [*spans, *taken], connection)
    if taken:
        taken_sql, taken_params = _ranges_sql(period, list(taken), connection)
        sums = ", ".join(f"SUM(CASE WHEN {taken_sql} THEN -{b} ELSE {b} END)" for b in names)
        params = taken_params * len(names) + params
    else:
        sums = ", ".join(f"SUM({b})" for b in names)
    table = model._meta.db_table
    by_period = group == period
    by = f" GROUP BY {group}" if group else ""
    rest = f"FROM {table} WHERE {where} AND {spans_sql}{by}"
    group_column = group if group and not by_period else None
    period_column = period if by_period else None
    batch.add(
        connection, model, group_column, period_column, sums, rest, [*params, *spans_params], names, out
    )
    if own:
        batch.run()


def _sums(
    tables,
    q: Q,
    col: str | None,
    lo: date,
    hi: date | None,
    *,
    buckets=None,
    by_month: bool = False,
    batch=None,
) -> dict:
    """Σ n over the days ``lo``..``hi`` (``hi`` None: to the end) → {group: {bucket: n}}; whole
    months from the monthly rollup, the edges from the daily one (or their month less its other
    days, when fewer: ``_shorter_by_month``), each in its wide form when there is one.
    ``received_online`` comes with ``received``. Groups are ``col``'s values, or the month
    (first day) with ``by_month``, or None. With ``batch``, the wide rollups' sums come when it
    runs."""
    daily, monthly, _total, wide, wide_daily = tables
    months, edges, taken = _shorter_by_month(*split(lo, hi))
    out = defaultdict(lambda: defaultdict(int))
    group = ["month"] if by_month else ([col] if col else [])
    bucket_q = Q(bucket__in=buckets) if buckets is not None else Q()
    wide_group = ("month" if by_month else col) or None
    if months:
        first, stop = months
        if wide is not None:
            last = (stop - timedelta(days=1)).replace(day=1) if stop is not None else date.max
            _grouped_wide(wide, "month", q, wide_group, buckets, out, [(first, last)], batch=batch)
        else:
            rows = monthly.objects.filter(q, month__gte=first)
            if stop is not None:
                rows = rows.filter(month__lt=stop)
            _grouped(rows.filter(bucket_q), group, out)
    if (edges or taken) and wide_daily is not None:
        day_group = "day" if by_month else wide_group  # days summed by month in ``_grouped_wide``
        _grouped_wide(wide_daily, "day", q, day_group, buckets, out, edges, taken, batch=batch)
    elif edges or taken:
        days, taken_days = Q(), Q()
        for a, b in edges:
            days |= Q(day__gte=a, day__lte=b)
        for a, b in taken:
            taken_days |= Q(day__gte=a, day__lte=b)
        rows = daily.objects.filter(q, bucket_q, days | taken_days)
        if by_month:
            rows = rows.annotate(month=TruncMonth("day"))
        _grouped(rows, group, out, taken_days if taken else None)
    return out


def _totals(tables, q: Q, col: str | None, batch=None) -> dict:
    """The stock buckets summed over every day (the total rollup), by group: filled when
    ``batch`` runs (now without one)."""
    total = tables[2]
    out = defaultdict(lambda: defaultdict(int))
    connection = connections[router.db_for_read(total)]
    own = batch is None
    batch = batch or _Batch()
    where, params = batch.where(total, q & Q(bucket__in=_STOCK), connection)
    sums = ", ".join("SUM(CASE WHEN bucket = %s THEN n ELSE 0 END)" for _ in _STOCK)
    by = f" GROUP BY {col}" if col else ""
    rest = f"FROM {total._meta.db_table} WHERE {where}{by}"  # noqa: S608  # nosec B608
    batch.add(connection, total, col, None, sums, rest, [*_STOCK, *params], list(_STOCK), out)
    if own:
        batch.run()
    return out


def _ask_stock(tables, q: Q, col: str | None, end: date, now: datetime | None, batch) -> tuple:
    """What the stock at the end of ``end`` and, with ``now``, the open dossiers overdue now are
    made of (``_stock``, ``_overdue_now``), asked of ``batch``: (totals, the stock buckets after
    ``end``, overdue_start from today on or None)."""
    totals = _totals(tables, q, col, batch=batch)
    after = _sums(tables, q, col, end + timedelta(days=1), None, buckets=_STOCK, batch=batch)
    from_today = (
        _sums(tables, q, col, timezone.localdate(now), None, buckets=["overdue_start"], batch=batch)
        if now is not None
        else None
    )
    return totals, after, from_today


def _stock(totals: dict, after: dict) -> dict:
    """Σ n of the stock buckets over the days up to the end: the totals less the days after it."""
    out = defaultdict(lambda: defaultdict(int))
    for g, kept in totals.items():
        out[g].update(kept)
    for g, later in after.items():
        for bucket in _STOCK:
            out[g][bucket] -= later[bucket]
    return out


def _due_today_before_now(filters: Filters, dcol: str | None, now: datetime) -> dict:
    """Open dossiers due today before ``now`` (the rollup knows days, not hours): {group: n}.
    An index range scan of the partial index on open dossiers in each year's partition (an open
    dossier can be of any year). For the dashboard's question (its scope only, whole or by agency
    or procedure) a statement written as SQL and prepared once per connection: the ORM's compile
    and PostgreSQL's planning over every partition were most of its cost; else through the ORM."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(timezone.localdate(now), datetime.min.time(), tzinfo=tz)
    if dcol in (None, "resolving_agency_id", "procedure_id") and filters == Filters(scope=filters.scope):
        return _due_today_sql(filters.scope, dcol, start, now)
    qs = Dossier.objects.filter(
        filters.q(on_rollup=False), status__in=OPEN_STATUSES, due_at__gte=start, due_at__lt=now
    )
    if not dcol:
        return {None: qs.count()}
    return {r[dcol]: r["n"] for r in qs.values(dcol).annotate(n=Count("*")).order_by()}


def _due_today_sql(scope: list[int] | None, dcol: str | None, start: datetime, now: datetime) -> dict:
    statuses = ", ".join(repr(str(s)) for s in OPEN_STATUSES)
    with connections[router.db_for_read(Dossier)].cursor() as cursor:
        adapt = cursor.db.ops.adapt_datetimefield_value
        where, params = f"status IN ({statuses}) AND due_at >= %s AND due_at < %s", [adapt(start), adapt(now)]
        name, where, params = prepared.scoped(
            cursor, f"hcc_due_today_{dcol or 'all'}", where, params, ("resolving_agency_id",), scope
        )
        table = Dossier._meta.db_table
        if dcol:
            sql = f"SELECT {dcol}, COUNT(*) FROM {table} WHERE {where} GROUP BY {dcol}"  # noqa: S608  # nosec B608
        else:
            sql = f"SELECT NULL, COUNT(*) FROM {table} WHERE {where}"  # noqa: S608  # nosec B608
        prepared.execute(cursor, name, sql, params)
        return dict(cursor.fetchall())


def _overdue_now(totals: dict, from_today: dict, due_today: dict) -> dict:
    """Open dossiers due before now, by group: Σ overdue_start over the days before today (the
    total less today and the future) − Σ overdue_end over every day (nobody leaves in the
    future) + the open ones due today before now (``_due_today_before_now``)."""
    keys = set(totals) | set(from_today) | set(due_today)
    return {
        g: totals[g]["overdue_start"]
        - from_today[g]["overdue_start"]
        - totals[g]["overdue_end"]
        + due_today.get(g, 0)
        for g in keys
    }


def compute(
    *, date_from: date, date_to: date, group_by: str | None = None, filters: Filters | None = None, now=None
) -> list[Row]:
    """The figures of the period, one row per group (or one row, key None, for the whole)."""
    filters = filters or Filters()
    now = now or timezone.now()
    if group_by == "month":
        return _compute_months(date_from, date_to, filters, now)
    return _compute(date_from, date_to, group_by, filters, now)[0]


def compute_with_months(
    *, date_from: date, date_to: date, group_by: str, filters: Filters | None = None, now=None
) -> tuple[list[Row], list[Row]]:
    """``compute`` by month and by ``group_by`` of the same question (the dashboard's two tables):
    (months, groups), their sums over the rollups read in one statement (``_Batch``). When both
    read the same rollups (by agency, by level), what is in progress and overdue at the end is
    read once, by group, and summed for the months: the sum over the groups of a grouped sum is
    the ungrouped sum, so the figures are the same."""
    filters = filters or Filters()
    now = now or timezone.now()
    batch = _Batch()
    groups = _ask_groups(date_from, date_to, group_by, filters, now, batch)
    same = _tables(group_by, filters) == _tables(None, filters)
    months = _ask_months(date_from, date_to, filters, now, batch, whole_known=same)
    batch.run()
    rows, (_tables_read, stock, overdue_now) = groups()
    whole = None
    if same:
        summed = defaultdict(int)
        for kept in stock.values():
            for bucket in _STOCK:
                summed[bucket] += kept[bucket]
        whole = (summed, sum(overdue_now.values()))
    return months(whole), rows


def _compute(date_from: date, date_to: date, group_by: str | None, filters: Filters, now: datetime):
    """The rows of ``compute`` and what they were made of: (rows, (tables, stock, overdue_now))."""
    batch = _Batch()
    finish = _ask_groups(date_from, date_to, group_by, filters, now, batch)
    batch.run()
    return finish()


def _ask_groups(date_from: date, date_to: date, group_by: str | None, filters: Filters, now: datetime, batch):
    """The sums ``_compute`` needs, asked of ``batch``; returns what makes the rows of them once
    it has run."""
    col = _COLUMNS[group_by][0] if group_by else None
    dcol = _COLUMNS[group_by][1] if group_by else None
    q = filters.q(on_rollup=True)
    tables = _tables(group_by, filters)
    period = _sums(tables, q, col, date_from, date_to, batch=batch)
    # in progress (overdue) at the end of D = Σ received − exited (overdue_start − overdue_end), days ≤ D
    runs_to_now = date_to >= timezone.localdate(now)
    totals, after, from_today = _ask_stock(tables, q, col, date_to, now if runs_to_now else None, batch)

    def finish():
        stock = _stock(totals, after)
        overdue_now = (
            _overdue_now(totals, from_today, _due_today_before_now(filters, dcol, now)) if runs_to_now else {}
        )
        keys = {None} if not group_by else set(period) | set(stock) | set(overdue_now)
        rows = []
        for g in keys:
            p, s = period[g], stock[g]
            c = {b: p[b] for b in _PERIOD_BUCKETS}
            c["resolved"] = c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
            c["in_progress"] = s["received"] - s["exited"]
            c["carried_over"] = c["in_progress"] - (p["received"] - p["exited"])
            if runs_to_now:
                c["in_progress_overdue"] = overdue_now.get(g, 0)
            else:
                c["in_progress_overdue"] = s["overdue_start"] - s["overdue_end"]
            if group_by and not any(c.values()):
                continue
            rows.append(Row(key=g, label="", counts=_finish(c)))
        _label(rows, group_by)
        return rows, (tables, stock, overdue_now)

    return finish


_PERIOD_BUCKETS = (
    "received",
    "received_online",
    "refused",
    "withdrawn",
    "stopped",
    "returned",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "satisfaction_base",
    "satisfaction_good",
    "received_digitised",
    "reusing",
    "results_digitised",
)


def _compute_months(date_from: date, date_to: date, filters: Filters, now: datetime) -> list[Row]:
    batch = _Batch()
    finish = _ask_months(date_from, date_to, filters, now, batch)
    batch.run()
    return finish(None)


def _ask_months(date_from: date, date_to: date, filters: Filters, now: datetime, batch, whole_known=False):
    """The sums of the rows by month, asked of ``batch``; returns what makes the rows of them once
    it has run, given ``whole``: (the stock buckets up to ``date_to``, open dossiers overdue now)
    when the caller knows them (``whole_known``: then they are not asked for), else None."""
    q = filters.q(on_rollup=True)
    tables = _tables(None, filters)
    monthly = _sums(tables, q, None, date_from, date_to, by_month=True, batch=batch)
    today = timezone.localdate(now)
    runs_to_now = date_to >= today
    if not whole_known:
        totals, after, from_today = _ask_stock(tables, q, None, date_to, now if runs_to_now else None, batch)

    def finish(whole: tuple | None) -> list[Row]:
        if whole is not None:
            stock, overdue_now = whole
        else:
            stock = _stock(totals, after)[None]
            overdue_now = (
                _overdue_now(totals, from_today, _due_today_before_now(filters, None, now)).get(None, 0)
                if runs_to_now
                else 0
            )
        rows = []
        # walk the months backwards: what is in progress at a month's end is the stock at the
        # period's end less what the later months of the period added
        after_month = defaultdict(int)
        for lo, hi in reversed(month_ranges(date_from, date_to)):
            p = monthly[lo.replace(day=1)]
            c = {b: p[b] for b in _PERIOD_BUCKETS}
            c["resolved"] = c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
            c["in_progress"] = (
                stock["received"] - stock["exited"] - (after_month["received"] - after_month["exited"])
            )
            c["carried_over"] = c["in_progress"] - (p["received"] - p["exited"])
            if hi >= today:
                c["in_progress_overdue"] = overdue_now
            else:
                c["in_progress_overdue"] = (stock["overdue_start"] - stock["overdue_end"]) - (
                    after_month["overdue_start"] - after_month["overdue_end"]
                )
            for b in _STOCK:
                after_month[b] += p[b]
            rows.append(Row(key=f"{lo:%Y-%m}", label=f"{lo:%m/%Y}", counts=_finish(c)))
        rows.reverse()
        return rows

    return finish


def _names(model, ids: list[int]) -> dict:
    """{id: (code, name)} of those rows of ``model``: one small statement prepared once per
    connection (through the ORM it cost more Python than the rest of the labelling)."""
    if not ids:
        return {}
    with connections[router.db_for_read(model)].cursor() as cursor:
        among, params = prepared.among(cursor, "id", ids)
        sql = f"SELECT id, code, name FROM {model._meta.db_table} WHERE {among}"  # noqa: S608  # nosec B608
        prepared.execute(cursor, f"hcc_names_{model._meta.db_table}", sql, params)
        return {i: (code, name) for i, code, name in cursor.fetchall()}


def _label(rows: list[Row], group_by: str | None) -> None:
    if group_by is None:
        for row in rows:
            row.label = str(_("Tất cả"))
        return
    ids = [r.key for r in rows]
    if group_by in ("agency", "field", "procedure"):
        model = {"agency": Agency, "field": ProcedureField, "procedure": Procedure}[group_by]
        names = _names(model, [i for i in ids if i is not None])
        for row in rows:
            row.key, row.label = names.get(row.key, (str(row.key), str(row.key)))
    else:
        choices = dict(Level.choices if group_by == "level" else Channel.choices)
        for row in rows:
            row.label = str(choices.get(row.key, row.key))
    rows.sort(key=lambda r: r.key or "")


# --- directly from the dossiers (the reference) ------------------------------------------------------


def direct(
    *, date_from: date, date_to: date, group_by: str | None = None, filters: Filters | None = None, now=None
) -> list[Row]:
    """The same figures counted over the dossiers themselves (slow on a big database)."""
    filters = filters or Filters()
    now = now or timezone.now()
    if group_by == "month":
        rows = []
        for lo, hi in month_ranges(date_from, date_to):
            whole = direct(date_from=lo, date_to=hi, filters=filters, now=now)
            rows.append(Row(key=f"{lo:%Y-%m}", label=f"{lo:%m/%Y}", counts=whole[0].counts))
        return rows
    start, end = _bounds(date_from, date_to)
    dcol = _COLUMNS[group_by][1] if group_by else None
    closed = list(CLOSED_BUCKETS)
    exited_before = lambda t: Q(result_ready_at__lt=t) | Q(status__in=closed, closed_at__lt=t)  # noqa: E731
    in_progress_at = lambda t: Q(received_at__lt=t) & ~exited_before(t)  # noqa: E731
    resolved = Q(result_ready_at__gte=start, result_ready_at__lt=end)
    counts = {
        "received": Count("pk", filter=Q(received_at__gte=start, received_at__lt=end)),
        "received_online": Count(
            "pk", filter=Q(received_at__gte=start, received_at__lt=end, channel=Channel.ONLINE)
        ),
        "resolved": Count("pk", filter=resolved),
        "resolved_early": Count("pk", filter=resolved & punctuality.outcome_q(EARLY)),
        "resolved_on_time": Count("pk", filter=resolved & punctuality.outcome_q(ON_TIME)),
        "resolved_late": Count("pk", filter=resolved & punctuality.outcome_q(LATE)),
        "carried_over": Count("pk", filter=in_progress_at(start)),
        "in_progress": Count("pk", filter=in_progress_at(end)),
        "in_progress_overdue": Count("pk", filter=in_progress_at(end) & punctuality.overdue_q(min(end, now))),
        "returned": Count("pk", filter=Q(returned_at__gte=start, returned_at__lt=end)),
        "satisfaction_base": Count("pk", filter=resolved & punctuality.satisfaction_base_q()),
        "satisfaction_good": Count("pk", filter=resolved & punctuality.satisfied_q()),
        # Decision 766 group 6 from the digitisation records themselves, not the dossier's marks
        "received_digitised": Count(
            "pk", filter=Q(received_at__gte=start, received_at__lt=end) & dossier_is_digitised_q()
        ),
        "reusing": Count("pk", filter=Q(received_at__gte=start, received_at__lt=end) & _reusing_q()),
        "results_digitised": Count("pk", filter=resolved & result_is_digitised_q()),
    }
    for status, key in CLOSED_BUCKETS.items():
        counts[key] = Count(
            "pk", filter=Q(status=status, received_at__isnull=False, closed_at__gte=start, closed_at__lt=end)
        )
    qs = Dossier.objects.filter(filters.q(on_rollup=False))
    group = [dcol] if dcol else []
    rows = []
    results = qs.values(*group).annotate(**counts).order_by() if group else [qs.aggregate(**counts)]
    for r in results:
        c = {k: r[k] for k in counts}
        if dcol and not any(c.values()):
            continue
        rows.append(Row(key=r[dcol] if dcol else None, label="", counts=_finish(c)))
    if not rows and not group_by:
        rows = [Row(key=None, label="", counts=_finish(dict.fromkeys(counts, 0)))]
    _label(rows, group_by)
    return rows


def _reusing_q() -> Q:
    return Q(Exists(DocumentReuse.objects.filter(dossier=OuterRef("pk"))))


def bucket_q(bucket: str, *, date_from: date, date_to: date, now=None) -> Q:
    """The dossiers behind one count of ``FIGURES`` (the same definitions as ``direct``)."""
    now = now or timezone.now()
    start, end = _bounds(date_from, date_to)
    closed = list(CLOSED_BUCKETS)

    def in_progress_at(t):
        q = Q(received_at__lt=t) & ~(Q(result_ready_at__lt=t) | Q(status__in=closed, closed_at__lt=t))
        if t > now:
            # In progress after now means open now. Every writer gives a dossier its result time or
            # its closing time when it leaves the open statuses (services, import), so saying so
            # changes no answer and lets the list use the partial index of open dossiers.
            q &= Q(status__in=OPEN_STATUSES)
        return q

    received = Q(received_at__gte=start, received_at__lt=end)
    resolved = Q(result_ready_at__gte=start, result_ready_at__lt=end)
    closed_in = {
        key: Q(status=status, received_at__isnull=False, closed_at__gte=start, closed_at__lt=end)
        for status, key in CLOSED_BUCKETS.items()
    }
    table = {
        "received_total": received | in_progress_at(start),
        "carried_over": in_progress_at(start),
        "received": received,
        "received_online": received & Q(channel=Channel.ONLINE),
        "received_direct": received & ~Q(channel=Channel.ONLINE),
        "resolved": resolved,
        "resolved_early": resolved & punctuality.outcome_q(EARLY),
        "resolved_on_time": resolved & punctuality.outcome_q(ON_TIME),
        "resolved_late": resolved & punctuality.outcome_q(LATE),
        "in_progress": in_progress_at(end),
        "in_progress_overdue": in_progress_at(end) & punctuality.overdue_q(min(end, now)),
        "in_progress_on_time": in_progress_at(end) & ~punctuality.overdue_q(min(end, now)),
        "returned": Q(returned_at__gte=start, returned_at__lt=end),
        "satisfaction_base": resolved & punctuality.satisfaction_base_q(),
        "satisfaction_good": resolved & punctuality.satisfied_q(),
        "received_digitised": received & dossier_is_digitised_q(),
        "reusing": received & _reusing_q(),
        "results_digitised": resolved & result_is_digitised_q(),
        "satisfaction_lost": resolved & punctuality.satisfaction_base_q() & ~punctuality.satisfied_q(),
        "results_not_digitised": resolved & ~result_is_digitised_q(),
        "received_not_digitised": received & ~dossier_is_digitised_q(),
        "received_not_reusing": received & ~_reusing_q(),
        **closed_in,
    }
    return table[bucket]


def digitisation(*, date_from: date, date_to: date, filters: Filters | None = None) -> tuple[int, int]:
    """(digitised, resolved): dossiers resolved in the period that have a submission file and a
    result file (``DIGITISATION``). Counted over the dossiers: for the report, not the dashboard."""
    filters = filters or Filters()
    start, end = _bounds(date_from, date_to)
    files = DossierFile.objects.filter(dossier=OuterRef("pk"))
    qs = Dossier.objects.filter(
        filters.q(on_rollup=False), result_ready_at__gte=start, result_ready_at__lt=end
    )
    r = qs.aggregate(
        resolved=Count("pk"),
        digitised=Count(
            "pk",
            filter=Q(Exists(files.filter(kind__in=[FileKind.SUBMISSION, FileKind.SUPPLEMENT])))
            & Q(Exists(files.filter(kind=FileKind.RESULT))),
        ),
    )
    return r["digitised"], r["resolved"]


__all__ = [
    "FIGURES",
    "GROUPS",
    "Filters",
    "Row",
    "compute",
    "compute_with_months",
    "digitisation",
    "direct",
    "rate",
    "rates",
    "Status",
]

"""The daily rollup of the statistics (``DailyFigure``), kept exact in the transaction that changes
a dossier and rebuilt from the dossiers on demand.

A dossier *contributes* to a few (day, bucket) cells, all derived from its own fields:

| bucket | day | when |
|---|---|---|
| ``received`` | received_at | received (the clock started) |
| ``resolved_early`` / ``_on_time`` / ``_late`` | result_ready_at | ``punctuality.outcome`` |
| ``refused`` / ``withdrawn`` / ``stopped`` | closed_at | received, then closed in that status |
| ``returned`` | returned_at | result handed over |
| ``exited`` | first of result_ready_at, closed_at | a received dossier left "in progress" |
| ``overdue_start`` | due_at | received and still open at the end of its due date |
| ``overdue_end`` | exit day | ... and left on a later day |
| ``satisfaction_base`` | result_ready_at | ``punctuality.in_satisfaction_base`` (Decision 766) |
| ``satisfaction_good`` | result_ready_at | ... and ``punctuality.satisfied`` |
| ``received_digitised`` | received_at | received, ``papers_digitised`` (Decision 766 group 6) |
| ``reusing`` | received_at | received, ``papers_reused`` (a stored paper reused) |
| ``results_digitised`` | result_ready_at | resolved, ``result_digitised`` |

So "in progress at the end of day D" is Σ(received − exited) over days ≤ D, and "overdue at the
end of D" is Σ(overdue_start − overdue_end) over days ≤ D. Every cell is also summed by month
(``MonthlyFigure``, ``MonthlyAgencyFigure``) and over all days (``TotalFigure``,
``TotalAgencyFigure``) in the same upsert: ``dashboards.figures`` reads a period's whole months
from the monthly rows and only the days at its edges from the daily ones, and "the history up to
day D" as the total less the days after D, so no question sums the whole history.
``MonthlyAgencyInputs`` holds the monthly agency cells once more, laid wide (a column per bucket),
written last by the same writers: a year by agency is then 1.440 rows, not 69.000.
``DailyAgencyInputs`` lays the daily agency cells wide the same way (written just before it), for
the days at a period's edges: 14 days by agency are 1.680 rows, not 80.000.

The dossier services do not call this module (``dossiers`` imports nothing of ``dashboards``):
they tell ``dossiers.statistics`` what changed, in their transaction, and ``RollupListener``,
registered by ``DashboardsConfig.ready``, moves the counts. For a service's change
(``dossiers.statistics.dossier_changed``, called by ``_transition`` and by intake *before* the
dossier is saved) it gets the row as stored and the row as it will be, subtracts the old
contribution, adds the new one, with one atomic upsert per cell
(``INSERT ... ON CONFLICT ... DO UPDATE SET n = n + excluded.n``) in a fixed order, so concurrent
transactions never lose a count nor deadlock on the rollup. ``apply_change(dossier)`` does the
same for one dossier directly (tests, repairs).
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

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
from dossiers import punctuality
from dossiers.models import Channel, Dossier
from dossiers.statistics import ROW_FIELDS
from dossiers.workflow import Status

CLOSED_BUCKETS = {Status.REFUSED: "refused", Status.WITHDRAWN: "withdrawn", Status.STOPPED: "stopped"}
OPEN_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT)
BUCKETS = (
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "refused",
    "withdrawn",
    "stopped",
    "returned",
    "exited",
    "overdue_start",
    "overdue_end",
    "satisfaction_base",
    "satisfaction_good",
    "received_digitised",
    "reusing",
    "results_digitised",
)
# the columns of ``MonthlyAgencyInputs``: every bucket, and the online part of ``received``
INPUT_COLUMNS = (*BUCKETS, "received_online")

_RESOLVED = {o: f"resolved_{o}" for o in punctuality.OUTCOMES}

Key = tuple[date, int, int, int, str, str, str]  # day, agency, procedure, field, level, channel, bucket


def _day(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value else None


def contribution(row: dict) -> Counter:
    """The cells one dossier (as a dict of ``ROW_FIELDS``) counts in, each +1."""
    cells: Counter = Counter()
    dims = (
        row["resolving_agency_id"],
        row["procedure_id"],
        row["procedure__field_id"],
        row["resolving_agency__level"],
        row["channel"],
    )

    def add(day: date | None, bucket: str) -> None:
        if day is not None:
            cells[(day, *dims, bucket)] += 1

    received = _day(row["received_at"])
    ready = _day(row["result_ready_at"])
    # Only a received dossier is counted as closed: an online submission refused or withdrawn
    # before a clerk accepted it was never received (form 06, Circular 01/2020/TT-VPCP).
    closed = _day(row["closed_at"]) if row["status"] in CLOSED_BUCKETS and row["received_at"] else None
    due = _day(row["due_at"])
    if ready:
        result = punctuality.outcome(row["result_ready_at"], row["due_at"], days=(ready, due))
        add(ready, _RESOLVED[result])
        if punctuality.in_satisfaction_base(row["status"], result):
            add(ready, "satisfaction_base")
            if punctuality.satisfied(
                status=row["status"],
                result=result,
                rated_unsatisfied=row["rated_unsatisfied"],
                has_feedback=row["has_feedback"],
            ):
                add(ready, "satisfaction_good")
        if row["result_digitised"]:
            add(ready, "results_digitised")
    if closed:
        add(closed, CLOSED_BUCKETS[row["status"]])
    add(_day(row["returned_at"]), "returned")
    if received:
        add(received, "received")
        if row["papers_digitised"]:
            add(received, "received_digitised")
        if row["papers_reused"]:
            add(received, "reusing")
        exit_day = min(d for d in (ready, closed) if d) if (ready or closed) else None
        add(exit_day, "exited")
        if due and (exit_day is None or exit_day > due):
            add(due, "overdue_start")
            add(exit_day, "overdue_end")
    return cells


def move(old: Iterable[dict], new: Iterable[dict]) -> None:
    """Dossiers went from the rows ``old`` to the rows ``new``: move the counts by the difference."""
    delta = _cells_of(new)
    delta.subtract(_cells_of(old))
    upsert({key: n for key, n in delta.items() if n})


class RollupListener:
    """What ``dossiers.statistics`` tells, counted in the rollups (registered by
    ``DashboardsConfig.ready``)."""

    def changed(self, old: list[dict], new: list[dict]) -> None:
        move(old, new)

    def create_staging(self, cursor) -> None:
        create_staging(cursor)

    def staging_sql(self, source: str) -> str:
        return stage_inserted_sql(source)

    def add_staged(self, cursor) -> None:
        add_staged(cursor)


LISTENER = RollupListener()


# (table, key columns) of each rollup; the names are ours, the values are parameters.
_TABLES = (
    ("dossiers_dailyfigure", ("day", "agency_id", "procedure_id", "field_id", "level", "channel", "bucket")),
    ("dossiers_dailyagencyfigure", ("day", "agency_id", "level", "channel", "bucket")),
    (
        "dossiers_monthlyfigure",
        ("month", "agency_id", "procedure_id", "field_id", "level", "channel", "bucket"),
    ),
    ("dossiers_monthlyagencyfigure", ("month", "agency_id", "level", "channel", "bucket")),
    ("dossiers_totalfigure", ("agency_id", "procedure_id", "field_id", "level", "channel", "bucket")),
    ("dossiers_totalagencyfigure", ("agency_id", "level", "channel", "bucket")),
)


def by_agency(cells: dict[Key, int]) -> Counter:
    """The cells summed over procedure and field: (day, agency, level, channel, bucket) → n."""
    out: Counter = Counter()
    for (day, agency, _procedure, _field, level, channel, bucket), n in cells.items():
        out[(day, agency, level, channel, bucket)] += n
    return out


def by_month(cells: dict[tuple, int]) -> Counter:
    """The cells summed by month: the day of the key becomes the first day of its month."""
    out: Counter = Counter()
    for (day, *rest), n in cells.items():
        out[(day.replace(day=1), *rest)] += n
    return out


def by_total(cells: dict[tuple, int]) -> Counter:
    """The cells summed over every day: the day of the key is dropped."""
    out: Counter = Counter()
    for (_day, *rest), n in cells.items():
        out[tuple(rest)] += n
    return out


def _upsert_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    width = len(columns) + 1
    values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * rows)
    keys = ", ".join(columns)
    return (
        f"INSERT INTO {table} ({keys}, n) VALUES {values} "  # noqa: S608  # nosec B608
        f"ON CONFLICT ({keys}) DO UPDATE SET n = {table}.n + excluded.n"
    )


def upsert(cells: dict[Key, int]) -> None:
    """Add ``n`` to each cell of the six rollups (by day, by month and in total, fine and by
    agency), one statement a table, atomically, in key order (no deadlock between two writers),
    then the daily and the monthly agency cells laid wide (``DailyAgencyInputs``,
    ``MonthlyAgencyInputs``), last."""
    if not cells:
        return
    coarse = by_agency(cells)
    monthly_coarse = by_month(coarse)
    grains = (cells, coarse, by_month(cells), monthly_coarse, by_total(cells), by_total(coarse))
    with connection.cursor() as cursor:
        for (table, columns), grain in zip(_TABLES, grains, strict=True):
            rows = sorted((key, n) for key, n in grain.items() if n)
            if rows:
                cursor.execute(
                    _upsert_sql(table, columns, len(rows)), [v for key, n in rows for v in (*key, n)]
                )
        for table, period, grain in (
            (_DAILY_INPUTS_TABLE, "day", coarse),
            (_INPUTS_TABLE, "month", monthly_coarse),
        ):
            wide = sorted((key, counts) for key, counts in by_inputs(grain).items() if any(counts))
            if wide:
                params = [v for key, counts in wide for v in (*key, *counts)]
                cursor.execute(_upsert_inputs_sql(len(wide), table, period), params)


def by_inputs(monthly_coarse: dict[tuple, int]) -> dict[tuple, list[int]]:
    """The monthly (or daily) agency cells laid wide: (month, agency, level) → the counts of
    ``INPUT_COLUMNS``, in that order."""
    position = {name: i for i, name in enumerate(INPUT_COLUMNS)}
    online = position["received_online"]
    out: dict[tuple, list[int]] = {}
    for (month, agency, level, channel, bucket), n in monthly_coarse.items():
        row = out.setdefault((month, agency, level), [0] * len(INPUT_COLUMNS))
        row[position[bucket]] += n
        if bucket == "received" and channel == Channel.ONLINE:
            row[online] += n
    return out


_INPUTS_TABLE = MonthlyAgencyInputs._meta.db_table
_DAILY_INPUTS_TABLE = DailyAgencyInputs._meta.db_table


def _upsert_inputs_sql(rows: int, table: str = _INPUTS_TABLE, period: str = "month") -> str:
    width = 3 + len(INPUT_COLUMNS)
    values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * rows)
    keys = f"{period}, agency_id, level"
    add = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in INPUT_COLUMNS)
    return (
        f"INSERT INTO {table} ({keys}, {', '.join(INPUT_COLUMNS)}) VALUES {values} "  # noqa: S608  # nosec B608
        f"ON CONFLICT ({keys}) DO UPDATE SET {add}"
    )


def _recount_wide(narrow, wide, period: str, periods: list[date] | None) -> int:
    from django.db.models import Q

    rows = narrow.objects.all()
    kept = wide.objects.all()
    if periods is not None:
        rows, kept = rows.filter(**{f"{period}__in": periods}), kept.filter(**{f"{period}__in": periods})
    kept.delete()
    sums = {name: Sum("n", filter=Q(bucket=name)) for name in BUCKETS}
    sums["received_online"] = Sum("n", filter=Q(bucket="received", channel=Channel.ONLINE))
    grouped = rows.values(period, "agency_id", "level").annotate(**sums).order_by()
    made = [
        wide(
            agency_id=r["agency_id"],
            level=r["level"],
            **{period: r[period]},
            **{name: r[name] or 0 for name in INPUT_COLUMNS},
        )
        for r in grouped.iterator(chunk_size=5000)
        if any(r[name] for name in INPUT_COLUMNS)
    ]
    wide.objects.bulk_create(made, batch_size=2000)
    return len(made)


def rebuild_inputs(months: list[date] | None = None) -> int:
    """Recount ``MonthlyAgencyInputs`` of ``months`` (first days; None: every month) from the
    monthly agency rollup: the same cells, summed over channels, a column per bucket. Returns the
    rows written."""
    return _recount_wide(MonthlyAgencyFigure, MonthlyAgencyInputs, "month", months)


def rebuild_daily_inputs(days: Iterable[date] | None = None) -> int:
    """Recount ``DailyAgencyInputs`` of ``days`` (None: every day) from the daily agency rollup,
    as ``rebuild_inputs`` does for months. Returns the rows written."""
    return _recount_wide(DailyAgencyFigure, DailyAgencyInputs, "day", None if days is None else sorted(days))


def _cells_of(rows: Iterable[dict]) -> Counter:
    total: Counter = Counter()
    for row in rows:
        total.update(contribution(row))
    return total


def rebuild(
    days: Iterable[date] | None = None,
    *,
    batch_size: int = 20_000,
    in_sql: bool | None = None,
    inputs: bool = True,
) -> int:
    """Recount the rollup from the dossiers: all of it, or only ``days`` (the cells of those days,
    from every dossier that has a date on one of them). Returns the number of cells written.
    Callers that load dossiers outside the services (imports, seeding) call it afterwards.
    On PostgreSQL the recount is one ``INSERT ... SELECT`` (``in_sql``), the same rules as
    ``contribution`` written in SQL; elsewhere it runs ``contribution`` over the rows in batches.
    ``inputs`` False: leave the wide rollups (``DailyAgencyInputs``, ``MonthlyAgencyInputs``)
    alone (the migrations made before them)."""
    day_set = set(days) if days is not None else None
    if in_sql is None:
        in_sql = connection.vendor == "postgresql"
    if in_sql:
        return _rebuild_in_sql(day_set, inputs)
    with transaction.atomic():
        qs = Dossier.objects.all()
        if day_set is not None:
            if not day_set:
                return 0
            DailyFigure.objects.filter(day__in=day_set).delete()
            DailyAgencyFigure.objects.filter(day__in=day_set).delete()
            qs = _touching(qs, day_set)
        else:
            DailyFigure.objects.all().delete()
            DailyAgencyFigure.objects.all().delete()
        total: Counter = Counter()
        for chunk in _chunks(qs.order_by("pk").values(*ROW_FIELDS), batch_size):
            cells = _cells_of(chunk)
            if day_set is not None:
                cells = Counter({k: n for k, n in cells.items() if k[0] in day_set})
            total.update(cells)
        DailyFigure.objects.bulk_create(
            [
                DailyFigure(
                    day=k[0],
                    agency_id=k[1],
                    procedure_id=k[2],
                    field_id=k[3],
                    level=k[4],
                    channel=k[5],
                    bucket=k[6],
                    n=n,
                )
                for k, n in sorted(total.items())
                if n
            ],
            batch_size=5000,
        )
        DailyAgencyFigure.objects.bulk_create(
            [
                DailyAgencyFigure(day=k[0], agency_id=k[1], level=k[2], channel=k[3], bucket=k[4], n=n)
                for k, n in sorted(by_agency(total).items())
                if n
            ],
            batch_size=5000,
        )
        _rebuild_months(day_set, inputs)
    return len(total)


def _months_of(day_set: set[date] | None) -> list[date] | None:
    return None if day_set is None else sorted({d.replace(day=1) for d in day_set})


# (daily rollup, its monthly sums)
_MONTHLY_OF = ((DailyFigure, MonthlyFigure), (DailyAgencyFigure, MonthlyAgencyFigure))


def _rebuild_months(day_set: set[date] | None, inputs: bool = True) -> None:
    """Sum the daily rollups of the months of ``day_set`` (all months: None) into the monthly ones,
    then the totals from the monthly ones."""
    months = _months_of(day_set)
    if months is not None and not months:
        return
    for _daily, monthly in _MONTHLY_OF:
        if months is None:
            monthly.objects.all().delete()
        else:
            monthly.objects.filter(month__in=months).delete()
    _sum_months(months)
    if inputs:
        rebuild_daily_inputs(day_set)
        rebuild_inputs(months)
    _rebuild_totals()


def _rebuild_totals() -> None:
    """The totals again from the monthly rollups (a few thousand rows)."""
    for monthly, total in ((MonthlyFigure, TotalFigure), (MonthlyAgencyFigure, TotalAgencyFigure)):
        total.objects.all().delete()
        columns = [f.attname for f in total._meta.concrete_fields if f.attname not in ("id", "n")]
        sums = monthly.objects.values(*columns).annotate(total=Sum("n")).order_by()
        total.objects.bulk_create(
            [total(n=r["total"], **{c: r[c] for c in columns}) for r in sums if r["total"]], batch_size=5000
        )


def _sum_months(months: list[date] | None) -> None:
    if connection.vendor == "postgresql":
        lo = months[0] if months else None
        hi = (months[-1] + timedelta(days=32)).replace(day=1) if months else None
        with connection.cursor() as cursor:
            for sql in (_MONTHS_SQL, _MONTHS_AGENCY_SQL):
                cursor.execute(sql, {"all": months is None, "months": months or [], "lo": lo, "hi": hi})
        return
    for daily, monthly in _MONTHLY_OF:
        columns = [f.attname for f in monthly._meta.concrete_fields if f.attname not in ("id", "month", "n")]
        rows = daily.objects.annotate(month=TruncMonth("day"))
        if months is not None:
            rows = rows.filter(month__in=months)
        sums = rows.values("month", *columns).annotate(total=Sum("n")).order_by()
        monthly.objects.bulk_create(
            [
                monthly(month=r["month"], n=r["total"], **{c: r[c] for c in columns})
                for r in sums
                if r["total"]
            ],
            batch_size=5000,
        )


def _touching(qs, day_set: set[date]):
    """Dossiers with any of their dates on one of ``day_set`` (local days, so a little wider in UTC)."""
    from datetime import timedelta

    from django.db.models import Q

    lo, hi = min(day_set), max(day_set) + timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = datetime.combine(lo, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(hi, datetime.min.time(), tzinfo=tz)
    condition = Q()
    for name in ("received_at", "due_at", "result_ready_at", "returned_at", "closed_at"):
        condition |= Q(**{f"{name}__gte": start, f"{name}__lt": end})
    return qs.filter(condition)


def _chunks(values_qs, size: int):
    chunk = []
    for row in values_qs.iterator(chunk_size=size):
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ``contribution`` in SQL (PostgreSQL): one row per (dossier, cell) of the dossiers in ``{source}``
# (a table, or a CTE of rows just inserted) that pass ``{where}``; the rules of ``punctuality`` in
# their SQL form (``_cells``).
_CELLS_SQL = """
d AS (
    SELECT d.resolving_agency_id AS agency, d.procedure_id AS proc, p.field_id AS field, a.level AS level,
           d.channel AS channel, d.status AS status,
           (d.received_at AT TIME ZONE %(tz)s)::date AS rd,
           (d.result_ready_at AT TIME ZONE %(tz)s)::date AS yd,
           CASE WHEN d.status IN ('refused', 'withdrawn', 'stopped') AND d.received_at IS NOT NULL
                THEN (d.closed_at AT TIME ZONE %(tz)s)::date END AS cd,
           (d.due_at AT TIME ZONE %(tz)s)::date AS dd,
           (d.returned_at AT TIME ZONE %(tz)s)::date AS td,
           {late} AS late,
           d.rated_unsatisfied AS unsatisfied, d.has_feedback AS feedback,
           d.papers_digitised AS papers_digitised, d.result_digitised AS result_digitised,
           d.papers_reused AS papers_reused
    FROM {source} d
    JOIN procedures_procedure p ON p.id = d.procedure_id
    JOIN procedures_agency a ON a.id = d.resolving_agency_id
    WHERE {where}
), e AS (
    SELECT *, LEAST(yd, cd) AS xd FROM d
), cells AS (
    SELECT rd AS day, 'received' AS bucket, agency, proc, field, level, channel FROM e WHERE rd IS NOT NULL
    UNION ALL
    SELECT yd, {resolved}, agency, proc, field, level, channel FROM e WHERE yd IS NOT NULL
    UNION ALL
    SELECT yd, 'satisfaction_base', agency, proc, field, level, channel FROM e
    WHERE yd IS NOT NULL AND {satisfaction_base}
    UNION ALL
    SELECT yd, 'satisfaction_good', agency, proc, field, level, channel FROM e
    WHERE yd IS NOT NULL AND {satisfied}
    UNION ALL
    SELECT rd, 'received_digitised', agency, proc, field, level, channel FROM e
    WHERE rd IS NOT NULL AND papers_digitised
    UNION ALL
    SELECT rd, 'reusing', agency, proc, field, level, channel FROM e WHERE rd IS NOT NULL AND papers_reused
    UNION ALL
    SELECT yd, 'results_digitised', agency, proc, field, level, channel FROM e
    WHERE yd IS NOT NULL AND result_digitised
    UNION ALL
    SELECT cd, status, agency, proc, field, level, channel FROM e WHERE cd IS NOT NULL
    UNION ALL
    SELECT td, 'returned', agency, proc, field, level, channel FROM e WHERE td IS NOT NULL
    UNION ALL
    SELECT xd, 'exited', agency, proc, field, level, channel FROM e WHERE rd IS NOT NULL AND xd IS NOT NULL
    UNION ALL
    SELECT dd, 'overdue_start', agency, proc, field, level, channel FROM e
    WHERE rd IS NOT NULL AND dd IS NOT NULL AND (xd IS NULL OR xd > dd)
    UNION ALL
    SELECT xd, 'overdue_end', agency, proc, field, level, channel FROM e
    WHERE rd IS NOT NULL AND dd IS NOT NULL AND xd > dd
)
"""


def _cells(source: str, where: str) -> str:
    return _CELLS_SQL.format(
        source=source,
        where=where,
        late=punctuality.late_sql("d.result_ready_at", "d.due_at"),
        # the local dates are in ``e`` already: NULL exactly when the times are
        resolved=punctuality.outcome_sql("yd", "dd", late="late", days=("yd", "dd"), prefix="resolved_"),
        satisfaction_base=punctuality.satisfaction_base_sql("status"),
        satisfied=punctuality.satisfied_sql(
            status="status", late="late", unsatisfied="unsatisfied", feedback="feedback"
        ),
    )


# our own table and column names, no input
_REBUILD_SQL = (
    "WITH "  # nosec B608
    + _cells(
        source="dossiers_dossier",
        where="""%(all)s OR d.received_at >= %(start)s AND d.received_at < %(end)s
       OR d.due_at >= %(start)s AND d.due_at < %(end)s
       OR d.result_ready_at >= %(start)s AND d.result_ready_at < %(end)s
       OR d.returned_at >= %(start)s AND d.returned_at < %(end)s
       OR d.closed_at >= %(start)s AND d.closed_at < %(end)s""",
    )
    + """
INSERT INTO dossiers_dailyfigure (day, agency_id, procedure_id, field_id, level, channel, bucket, n)
SELECT day, agency, proc, field, level, channel, bucket, count(*) FROM cells"""  # nosec B608
    + """
WHERE %(all)s OR day = ANY(%(days)s)
GROUP BY day, agency, proc, field, level, channel, bucket
"""
)

# The cells of rows just inserted, grouped, are kept in a temporary table of the session: the
# statement that inserts the rows fills it (``stage_inserted_sql``) and ``add_staged`` adds it to
# the six rollups, one statement a table in the order of ``upsert``. A writer holds the rollup rows
# it upserts until it commits, and every batch touches the same monthly and total rows: adding
# them last, after the foreign keys of the batch are checked, keeps that wait short.
STAGED_CELLS = "rollup_staged_cells"

_STAGED_TABLE_SQL = f"""
CREATE TEMPORARY TABLE IF NOT EXISTS {STAGED_CELLS} (
    day date, agency bigint, proc bigint, field bigint, level varchar(16), channel varchar(8),
    bucket varchar(20), n integer
) ON COMMIT DELETE ROWS
"""

_STAGE_CELLS_SQL = """,
{cells},
staged AS (
    INSERT INTO {table} (day, agency, proc, field, level, channel, bucket, n)
    SELECT day, agency, proc, field, level, channel, bucket, count(*) FROM cells
    GROUP BY day, agency, proc, field, level, channel, bucket
)
"""

# (rollup table, its key columns, the staged cells' expressions for them) in the order of
# ``_TABLES``; the names are ours.
_STAGED_GRAINS = (
    (
        "dossiers_dailyfigure",
        "day, agency_id, procedure_id, field_id, level, channel, bucket",
        "day, agency, proc, field, level, channel, bucket",
    ),
    (
        "dossiers_dailyagencyfigure",
        "day, agency_id, level, channel, bucket",
        "day, agency, level, channel, bucket",
    ),
    (
        "dossiers_monthlyfigure",
        "month, agency_id, procedure_id, field_id, level, channel, bucket",
        "date_trunc('month', day)::date, agency, proc, field, level, channel, bucket",
    ),
    (
        "dossiers_monthlyagencyfigure",
        "month, agency_id, level, channel, bucket",
        "date_trunc('month', day)::date, agency, level, channel, bucket",
    ),
    (
        "dossiers_totalfigure",
        "agency_id, procedure_id, field_id, level, channel, bucket",
        "agency, proc, field, level, channel, bucket",
    ),
    ("dossiers_totalagencyfigure", "agency_id, level, channel, bucket", "agency, level, channel, bucket"),
)


def _add_staged_sql(table: str, keys: str, source: str) -> str:
    positions = ", ".join(str(i + 1) for i in range(keys.count(",") + 1))
    # the staged cells are grouped by the daily key already
    grouped = (
        f"n FROM {STAGED_CELLS}"
        if table == "dossiers_dailyfigure"
        else f"sum(n) FROM {STAGED_CELLS} GROUP BY {positions}"
    )
    return (
        f"INSERT INTO {table} ({keys}, n) SELECT {source}, {grouped} ORDER BY {positions} "  # noqa: S608  # nosec B608
        f"ON CONFLICT ({keys}) DO UPDATE SET n = {table}.n + excluded.n"
    )


_STAGED_SUMS = ", ".join(
    [f"sum(CASE WHEN bucket = '{b}' THEN n ELSE 0 END)" for b in BUCKETS]
    + [f"sum(CASE WHEN bucket = 'received' AND channel = '{Channel.ONLINE.value}' THEN n ELSE 0 END)"]
)


def _add_staged_inputs_sql(table: str, period: str, source: str) -> str:
    keys = f"{period}, agency_id, level"
    add = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in INPUT_COLUMNS)
    return (
        f"INSERT INTO {table} ({keys}, {', '.join(INPUT_COLUMNS)}) "  # noqa: S608  # nosec B608
        f"SELECT {source}, agency, level, {_STAGED_SUMS} FROM {STAGED_CELLS} "
        f"GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 ON CONFLICT ({keys}) DO UPDATE SET {add}"
    )


# the staged cells laid wide (``DailyAgencyInputs``, ``MonthlyAgencyInputs``), after the six rollups
_ADD_STAGED_INPUTS_SQL = (
    _add_staged_inputs_sql(_DAILY_INPUTS_TABLE, "day", "day"),
    _add_staged_inputs_sql(_INPUTS_TABLE, "month", "date_trunc('month', day)::date"),
)


def create_staging(cursor) -> None:
    """Create this session's table of staged cells (PostgreSQL), if not there yet."""
    cursor.execute(_STAGED_TABLE_SQL)


def stage_inserted_sql(source: str) -> str:
    """SQL to append to a ``WITH`` list whose CTE ``source`` returns newly inserted dossier rows
    (every column ``contribution`` reads): their cells, grouped, go into the staged cells
    (``create_staging`` first), which ``add_staged`` then adds to the rollups in the same
    transaction. Needs the parameter ``tz`` (the local time zone's name)."""
    return _STAGE_CELLS_SQL.format(cells=_cells(source=source, where="true").strip(), table=STAGED_CELLS)


def add_staged(cursor) -> None:
    """Add the staged cells to the six rollups and the wide ones (one upsert a table, rows
    in key order, tables in the order of ``upsert``: writers side by side never deadlock) and
    empty them."""
    for table, keys, source in _STAGED_GRAINS:
        cursor.execute(_add_staged_sql(table, keys, source))
    for sql in _ADD_STAGED_INPUTS_SQL:
        cursor.execute(sql)
    cursor.execute(f"TRUNCATE {STAGED_CELLS}")  # noqa: S608  # nosec B608


_REBUILD_AGENCY_SQL = """
INSERT INTO dossiers_dailyagencyfigure (day, agency_id, level, channel, bucket, n)
SELECT day, agency_id, level, channel, bucket, sum(n) FROM dossiers_dailyfigure
WHERE %(all)s OR day = ANY(%(days)s)
GROUP BY day, agency_id, level, channel, bucket
"""


_MONTHS_SQL = """
INSERT INTO dossiers_monthlyfigure (month, agency_id, procedure_id, field_id, level, channel, bucket, n)
SELECT date_trunc('month', day)::date AS month,
       agency_id, procedure_id, field_id, level, channel, bucket, sum(n)
FROM dossiers_dailyfigure
WHERE %(all)s OR day >= %(lo)s AND day < %(hi)s AND date_trunc('month', day)::date = ANY(%(months)s)
GROUP BY 1, agency_id, procedure_id, field_id, level, channel, bucket
HAVING sum(n) <> 0
"""

_MONTHS_AGENCY_SQL = """
INSERT INTO dossiers_monthlyagencyfigure (month, agency_id, level, channel, bucket, n)
SELECT date_trunc('month', day)::date AS month, agency_id, level, channel, bucket, sum(n)
FROM dossiers_dailyagencyfigure
WHERE %(all)s OR day >= %(lo)s AND day < %(hi)s AND date_trunc('month', day)::date = ANY(%(months)s)
GROUP BY 1, agency_id, level, channel, bucket
HAVING sum(n) <> 0
"""


def _rebuild_in_sql(day_set: set[date] | None, inputs: bool = True) -> int:
    from datetime import timedelta

    from django.conf import settings

    if day_set is not None and not day_set:
        return 0
    tz = timezone.get_current_timezone()
    lo, hi = (min(day_set), max(day_set) + timedelta(days=1)) if day_set else (date(1900, 1, 1),) * 2
    params = {
        "tz": settings.TIME_ZONE,
        "all": day_set is None,
        "days": sorted(day_set or []),
        "start": datetime.combine(lo, datetime.min.time(), tzinfo=tz),
        "end": datetime.combine(hi, datetime.min.time(), tzinfo=tz),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        if day_set is None:
            DailyFigure.objects.all().delete()
            DailyAgencyFigure.objects.all().delete()
        else:
            DailyFigure.objects.filter(day__in=day_set).delete()
            DailyAgencyFigure.objects.filter(day__in=day_set).delete()
        cursor.execute(_REBUILD_SQL, params)
        written = cursor.rowcount
        cursor.execute(_REBUILD_AGENCY_SQL, params)
        _rebuild_months(day_set, inputs)
    return written

"""Queue figures per office, service, counter and day: tickets taken, served, no-shows, waiting
time (taken → first call) and service time (start → done), as median and 90th percentile.

Other apps (the dashboards) call ``queue_figures``, or ``queue_total`` for the whole of a period.
``queue_figures`` computes its percentiles in Python over the period's tickets of the offices asked
for (a month of a busy center is a few tens of thousands of rows); ``queue_total`` has the database
sort the waits and send back the two or four ranks the percentiles are made of (a year of a
province is hundreds of thousands of tickets), with the same interpolation: the same figures, on
SQLite and PostgreSQL alike.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from math import floor

from django.db import connections, router
from django.utils.translation import gettext as _

from counters.models import Ticket, TicketStatus
from web import prepared

GROUPINGS = ("office", "service", "counter", "day")


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) with linear interpolation between closest ranks, as
    PostgreSQL's ``percentile_cont``; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    low, high, position = _ranks(len(ordered), q)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _ranks(n: int, q: float) -> tuple[int, int, float]:
    """The ranks (from 0) of the two ordered values the ``q``-th percentile of ``n`` lies between,
    and its position."""
    position = (n - 1) * q / 100
    low = floor(position)
    return low, min(low + 1, n - 1), position


@dataclass
class QueueFigures:
    key: object
    label: str
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    waits: list[float] = field(default_factory=list, repr=False)
    services: list[float] = field(default_factory=list, repr=False)

    @property
    def wait_median(self) -> float | None:
        return percentile(self.waits, 50)

    @property
    def wait_p90(self) -> float | None:
        return percentile(self.waits, 90)

    @property
    def service_median(self) -> float | None:
        return percentile(self.services, 50)

    @property
    def service_p90(self) -> float | None:
        return percentile(self.services, 90)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "tickets": self.tickets,
            "served": self.served,
            "no_shows": self.no_shows,
            "wait_median_s": self.wait_median,
            "wait_p90_s": self.wait_p90,
            "service_median_s": self.service_median,
            "service_p90_s": self.service_p90,
        }


def _key(row: dict, by: str) -> tuple[object, str]:
    if by == "office":
        return row["office_id"], row["office__name"]
    if by == "service":
        return row["service_id"], f"{row['service__letter']} – {row['service__name']}"
    if by == "counter":
        if row["counter_id"] is None:
            return None, "—"
        return row["counter_id"], row["counter__name"] or _("Quầy %(number)s") % {
            "number": row["counter__number"]
        }
    return row["day"], row["day"].strftime("%d/%m/%Y")


def queue_figures(
    *, offices: Iterable[int] | None, day_from: date, day_to: date, by: str = "service"
) -> tuple[list[QueueFigures], QueueFigures]:
    """Figures of tickets taken from ``day_from`` to ``day_to`` (inclusive) at ``offices`` (ids;
    None = every office), one row per ``by`` (office, service, counter or day) plus the total.
    A ticket counts at the counter that last had it."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    qs = Ticket.objects.filter(day__gte=day_from, day__lte=day_to)
    if offices is not None:
        qs = qs.filter(office_id__in=list(offices))
    rows = qs.values(
        "office_id",
        "office__name",
        "service_id",
        "service__letter",
        "service__name",
        "counter_id",
        "counter__name",
        "counter__number",
        "day",
        "status",
        "taken_at",
        "called_at",
        "started_at",
        "finished_at",
    ).order_by()
    groups: dict[object, QueueFigures] = {}
    total = QueueFigures(key=None, label="")
    for row in rows.iterator(chunk_size=2000):
        key, label = _key(row, by)
        group = groups.get(key)
        if group is None:
            group = groups[key] = QueueFigures(key=key, label=label)
        for figures in (group, total):
            figures.tickets += 1
            if row["status"] == TicketStatus.DONE:
                figures.served += 1
            elif row["status"] == TicketStatus.NO_SHOW:
                figures.no_shows += 1
            if row["called_at"] is not None:
                figures.waits.append((row["called_at"] - row["taken_at"]).total_seconds())
            if row["status"] == TicketStatus.DONE and row["started_at"] and row["finished_at"]:
                figures.services.append((row["finished_at"] - row["started_at"]).total_seconds())
    ordered = sorted(groups.values(), key=lambda g: (g.key is None, g.label if by != "day" else g.key))
    return ordered, total


@dataclass
class QueueTotal:
    """The whole of ``queue_figures`` for a period, without the service times."""

    tickets: int
    served: int
    no_shows: int
    wait_median: float | None
    wait_p90: float | None


# The waits in microseconds, exact: PostgreSQL's EXTRACT(EPOCH FROM interval) is a numeric;
# Django's SQLite function gives the microseconds of a difference as its DurationField does.
_WAIT_US = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM called_at - taken_at) * 1000000 AS BIGINT)",
    "sqlite": "django_timestamp_diff(called_at, taken_at)",
}
_PERCENTILES = (50, 90)


def queue_total(*, offices: Iterable[int] | None, day_from: date, day_to: date) -> QueueTotal:
    """``queue_figures``' total (tickets, served, no-shows, median and 90th percentile of the
    wait) in one statement that returns the counts and only the waits at the ranks ``percentile``
    interpolates between (the same ranks, the same arithmetic in Python on the same values, so the
    same figures): on PostgreSQL one row, the sorted waits kept as an array in the database; on
    SQLite five rows at most, ranked by a window."""
    connection = connections[router.db_for_read(Ticket)]
    table = Ticket._meta.db_table
    params: list = [connection.ops.adapt_datefield_value(d) for d in (day_from, day_to)]
    with connection.cursor() as cursor:
        name, where, params = prepared.scoped(
            cursor,
            "hcc_queue_total",
            "day >= %s AND day <= %s",
            params,
            ("office_id",),
            None if offices is None else [int(o) for o in offices],
        )
    wait = f"CASE WHEN called_at IS NULL THEN NULL ELSE {_WAIT_US[connection.vendor]} END"
    counts = (
        "COUNT(*) AS tickets, COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0) AS served, "
        "COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0) AS no_shows"
    )
    statuses = [TicketStatus.DONE, TicketStatus.NO_SHOW]
    if connection.vendor == "postgresql":
        # one scan, one sort: the waits in order as an array, the ranks read from it (from 1)
        at = ", ".join(f"a[(n - 1) * {q} / 100 + 1], a[(n - 1) * {q} / 100 + 2]" for q in _PERCENTILES)
        sql = (
            f"SELECT tickets, served, no_shows, n, {at} FROM (SELECT {counts}, "  # noqa: S608  # nosec B608
            f"COUNT(called_at) AS n, array_agg({wait} ORDER BY {wait}) FILTER (WHERE called_at IS NOT NULL) "
            f"AS a FROM {table} WHERE {where}) s"
        )
    else:
        ranks = ", ".join(f"(n - 1) * {q} / 100, (n - 1) * {q} / 100 + 1" for q in _PERCENTILES)
        sql = (
            f"WITH t AS (SELECT status, {wait} AS wait FROM {table} WHERE {where}), "  # noqa: S608  # nosec B608
            "w AS (SELECT wait, ROW_NUMBER() OVER (ORDER BY wait) - 1 AS i, COUNT(*) OVER () AS n "
            "FROM t WHERE wait IS NOT NULL) "
            f"SELECT -1, {counts} FROM t UNION ALL SELECT i, wait, n, 0 FROM w WHERE i IN ({ranks})"
        )
    with connection.cursor() as cursor:
        # prepared once a connection (``web.prepared``): its plan cost more than its run
        ordered = [*statuses, *params] if connection.vendor == "postgresql" else [*params, *statuses]
        prepared.execute(cursor, name, sql, ordered)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        tickets, served, no_shows, n, *picked = rows[0]
        ranked = {}
        for k, q in enumerate(_PERCENTILES):
            low = (n - 1) * q // 100 if n else 0
            ranked[low], ranked[low + 1] = picked[2 * k], picked[2 * k + 1]
        waits = {i: v / 1_000_000 for i, v in ranked.items() if v is not None}
    else:
        tickets, served, no_shows = next(r[1:] for r in rows if r[0] == -1)
        waits = {r[0]: r[1] / 1_000_000 for r in rows if r[0] != -1}  # as timedelta.total_seconds()
        n = next((r[2] for r in rows if r[0] != -1), 0)

    def at(q: float) -> float | None:
        if not n:
            return None
        low, high, position = _ranks(n, q)
        return waits[low] + (waits[high] - waits[low]) * (position - low)

    return QueueTotal(tickets=tickets, served=served, no_shows=no_shows, wait_median=at(50), wait_p90=at(90))

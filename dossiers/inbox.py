"""The reviewer's inbox page in one statement: its four filter counts, the work calendar's stamp
and the page's rows (issue 25).

The counts read the steps of the reviewer's agency alone; only an overdue step asks whether its
dossier's clock is paused; the page's steps are read alone, in due order up to the page, then
their dossiers. On PostgreSQL the dossiers are partitioned by year and a step names its dossier
by id alone: both reads ask the registry (``partitions.REGISTRY``) the dossier's year first, so
each dossier is read from its own year's partition (the others pruned when the statement runs),
never probed in every year's (the ORM statement it
replaces read every partition for its counts: shared buffers 4,199 at 10 partitions, 34,774 at
72). The statement is prepared once per connection (``web.prepared``); on SQLite the same text,
joined on the dossier's id, is simply run.

What a row holds is ``views.review.pages.INBOX_ROW_VALUES``, as ``.values()`` gave it, in
``selectors.inbox``'s order (due first, then id); the counts are those of
``selectors.inbox(user)`` under each filter.
"""

import functools

from django.core.paginator import Page, Paginator
from django.db import connections, router

from dossiers import partitions
from dossiers.models import Dossier, Step, StepStatus
from dossiers.selectors import _as_datetime
from dossiers.workflow import CLOCK_PAUSED
from web import prepared
from web.paging import CountedRows

FILTERS = ("all", "mine", "unclaimed", "overdue")
# the row's values, named as ``.values()`` of ``selectors.inbox`` names them
ROW_KEYS = (
    *("id", "order", "name", "status", "due_at", "claimed_by_id"),
    *("dossier__code", "dossier__status", "dossier__procedure__name"),
    *("claimed_by__username", "claimed_by__first_name", "claimed_by__last_name", "claimed_by__full_name"),
)


def _in(values) -> str:
    """An SQL list of our own constants (statuses), written into the statement."""
    return ", ".join(f"'{value}'" for value in sorted(values))


@functools.cache
def _sql(vendor: str, current: str) -> str:
    """The statement of the filter ``current``. Parameters: agency, user (mine), now (overdue),
    the filter's own (user or now, none for the others), limit, offset. The statuses are written
    in the text, so a plan made once (prepared) can use the partial index ``step_open_by_due``."""
    from procedures.workdays import version_sql

    q = connections["default"].ops.quote_name
    steps, dossiers = q(Step._meta.db_table), q(Dossier._meta.db_table)
    procedures = q(Dossier._meta.get_field("procedure").related_model._meta.db_table)
    users = q(Step._meta.get_field("claimed_by").related_model._meta.db_table)
    paused = _in(status.value for status in CLOCK_PAUSED)
    open_ = _in([StepStatus.ACTIVE.value, StepStatus.CLAIMED.value])
    if vendor == "postgresql":
        # The registry names the dossier's year, read once a step; the dossier is then read from
        # that year's partition, the others pruned as the statement runs (the year a parameter
        # of the inner scan). ``OFFSET 0`` keeps the lateral subquery a subquery: flattened into
        # a plain join, the year became a filter after probing every partition by id.
        registry = partitions.REGISTRY
        dossier_of = (
            f"JOIN {registry} k ON k.id = r.dossier_id JOIN LATERAL (SELECT d.code, d.status, "  # noqa: S608  # nosec B608
            f"d.procedure_id FROM {dossiers} d WHERE d.id = k.id AND d.received_year = k.received_year "
            "OFFSET 0) d ON TRUE"
        )
        paused_probe = (
            f"SELECT 1 FROM {registry} xk, LATERAL (SELECT 1 FROM {dossiers} xd WHERE xd.id = xk.id "  # noqa: S608  # nosec B608
            f"AND xd.received_year = xk.received_year AND xd.status IN ({paused}) OFFSET 0) xd "
            "WHERE xk.id = s.dossier_id"
        )
    else:
        dossier_of = f"JOIN {dossiers} d ON d.id = r.dossier_id"
        paused_probe = f"SELECT 1 FROM {dossiers} xd WHERE xd.id = s.dossier_id AND xd.status IN ({paused})"  # noqa: S608  # nosec B608
    condition = {
        "all": "",
        "mine": "AND s.claimed_by_id = %s",
        "unclaimed": f"AND s.status = '{StepStatus.ACTIVE.value}'",
        "overdue": f"AND s.due_at < %s AND NOT EXISTS ({paused_probe})",
    }[current]
    return (
        "WITH c AS (SELECT COUNT(*) AS n_all, "  # noqa: S608  # nosec B608
        "COUNT(*) FILTER (WHERE s.claimed_by_id = %s) AS n_mine, "
        f"COUNT(*) FILTER (WHERE s.status = '{StepStatus.ACTIVE.value}') AS n_unclaimed, "
        f"COUNT(*) FILTER (WHERE s.due_at < %s AND NOT EXISTS ({paused_probe})) AS n_overdue, "
        f"{version_sql()} AS stamp "
        f"FROM {steps} s WHERE s.agency_id = %s AND s.status IN ({open_})), "
        # the page's steps, read alone in due order and stopped at the page
        'r AS (SELECT s.id, s."order", s.name, s.status, s.due_at, s.claimed_by_id, s.dossier_id '
        f"FROM {steps} s WHERE s.agency_id = %s AND s.status IN ({open_}) {condition} "
        "ORDER BY s.due_at, s.id LIMIT %s OFFSET %s), "
        # then their dossiers, procedures and claimants
        'w AS (SELECT r.id, r."order", r.name, r.status, r.due_at, r.claimed_by_id, '
        "d.code, d.status AS dossier_status, p.name AS procedure_name, "
        "u.username, u.first_name, u.last_name, u.full_name "
        f"FROM r {dossier_of} JOIN {procedures} p ON p.id = d.procedure_id "
        f"LEFT JOIN {users} u ON u.id = r.claimed_by_id) "
        "SELECT c.n_all, c.n_mine, c.n_unclaimed, c.n_overdue, c.stamp, w.* "
        "FROM c LEFT JOIN w ON 1 = 1 ORDER BY w.due_at, w.id"
    )


class InboxPage:
    """The inbox's ``page`` (``Paginator.get_page`` of the filter's steps, its ``object_list``
    the rows as dicts), the four ``counts`` and the calendar's ``stamp`` (``CalendarVersion``)."""

    def __init__(self, page: Page, counts: dict[str, int], stamp: int | None):
        self.page, self.counts, self.stamp = page, counts, stamp


def _read(user, current: str, now, offset: int, per_page: int):
    db = router.db_for_read(Step) or "default"
    connection = connections[db]
    moment = connection.ops.adapt_datetimefield_value(now)
    own = {"mine": [user.pk], "overdue": [moment]}.get(current, [])
    params = [user.pk, moment, user.agency_id, user.agency_id, *own, per_page, offset]
    with connection.cursor() as cursor:
        prepared.execute(cursor, f"hcc_inbox_{current}", _sql(connection.vendor, current), params)
        fetched = cursor.fetchall()
    counts = dict(zip(FILTERS, fetched[0][:4], strict=True))
    rows = []
    for values in fetched:
        if values[5] is None:  # no step on the page: the counts' row alone
            continue
        row = dict(zip(ROW_KEYS, values[5:], strict=True))
        row["due_at"] = _as_datetime(row["due_at"])
        rows.append(row)
    return counts, fetched[0][4], rows


def inbox_page(user, current: str, number, *, now, per_page: int) -> InboxPage:
    """Page ``number`` (as ``Paginator.get_page`` takes it) of the steps of ``selectors.inbox(user)``
    under the filter ``current`` (one of ``FILTERS``), with every filter's count and the
    calendar's stamp: one statement (two for a page number out of range)."""
    try:
        offset = max(int(number) - 1, 0) * per_page
    except (TypeError, ValueError):
        offset = 0
    counts, stamp, rows = _read(user, current, now, offset, per_page)

    def read(start: int) -> tuple[int, list]:
        counts, _stamp, rows = _read(user, current, now, start, per_page)
        return counts[current], rows

    page = Paginator(CountedRows(counts[current], offset, rows, read), per_page).get_page(number)
    return InboxPage(page, counts, stamp)

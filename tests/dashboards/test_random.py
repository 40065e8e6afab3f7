"""The API's figures equal a direct count over many random dossiers, for every grouping and
several periods (past, running, one day, across a year's end, edges that are most of a month)."""

import random
from datetime import date, timedelta

import pytest
from freezegun import freeze_time

from accounts.models import Role
from dashboards import figures, rollup
from tests.dashboards.conftest import at
from tests.factories import DossierFactory, UserFactory

PERIODS = [
    (date(2025, 11, 1), date(2026, 2, 28)),
    (date(2026, 1, 1), date(2026, 4, 15)),
    (date(2026, 3, 3), date(2026, 3, 3)),
    (date(2026, 4, 1), date(2026, 12, 31)),
    # edges that are most of their month, read as the month less its other days
    (date(2025, 10, 8), date(2026, 3, 25)),
    (date(2025, 10, 10), date(2026, 4, 25)),  # less the days after "now" (due dates only)
]


def random_dossiers(catalog, n: int, seed: int = 9) -> None:
    rng = random.Random(seed)
    procs = [catalog["proc"], catalog["proc_b"]]
    first = date(2025, 10, 1)
    for _ in range(n):

        def day(base, span):  # nothing happens after "now" (15/04/2026) but due dates
            return min(base + timedelta(days=rng.randint(0, span)), date(2026, 4, 14)).isoformat()

        received = first + timedelta(days=rng.randint(0, 195))
        due = (received + timedelta(days=rng.randint(0, 15))).isoformat()
        fate = rng.choice(["open", "ready", "returned", "refused", "withdrawn", "stopped", "not_received"])
        ready = day(received, 25) if fate in ("ready", "returned") else None
        closed = day(received, 10) if fate in ("refused", "withdrawn", "stopped", "not_received") else None
        kwargs = {
            "status": {"open": "processing", "ready": "result_ready", "not_received": "refused"}.get(
                fate, fate
            ),
            "channel": rng.choice(["counter", "online", "postal"]),
            "received_at": None if fate == "not_received" else at(received.isoformat(), rng.randint(7, 16)),
            "due_at": None if fate == "not_received" else at(due, 17),
            "result_ready_at": at(ready, rng.randint(7, 16)) if ready else None,
            "returned_at": at(ready, 17) if fate == "returned" else None,
            "closed_at": at(closed, 15) if closed else None,
        }
        DossierFactory(procedure=rng.choice(procs), **kwargs)


@freeze_time("2026-04-15 10:00:00+07:00")
def test_api_equals_direct_counts(client, catalog):
    random_dossiers(catalog, 400)
    rollup.rebuild()
    client.force_login(UserFactory(username="qt", role=Role.ADMIN))
    for date_from, date_to in PERIODS:
        for group_by in (None, *figures.GROUPS):
            want = figures.direct(date_from=date_from, date_to=date_to, group_by=group_by)
            query = f"date_from={date_from}&date_to={date_to}" + (f"&group_by={group_by}" if group_by else "")
            got = client.get(f"/api/v1/stats/?{query}").json()
            assert [(r["key"], {k: r[k] for k in figures.FIGURES if k in r}) for r in got] == [
                (r.key, {k: v for k, v in r.figures.items() if k in got[0]}) for r in want
            ], (date_from, date_to, group_by)


@pytest.mark.parametrize("seed", [1, 2])
@freeze_time("2026-04-15 10:00:00+07:00")
def test_rollup_kept_by_apply_change_equals_rebuild(catalog, seed):
    """Dossiers moved one by one through ``statistics.dossier_changed`` (as the services do) give the
    rebuild."""
    random_dossiers(catalog, 60, seed=seed)
    rollup.rebuild()
    rng = random.Random(seed)
    from dashboards.models import DailyFigure
    from dossiers import statistics
    from dossiers.models import Dossier

    for dossier in Dossier.objects.select_related("procedure", "resolving_agency"):
        if dossier.status == "processing" and rng.random() < 0.5:
            dossier.status, dossier.result_ready_at = "result_ready", at("2026-04-14", 9)
            statistics.dossier_changed(dossier)
            dossier.save()
    kept = sorted(
        DailyFigure.objects.filter(n__gt=0).values_list("day", "procedure_id", "channel", "bucket", "n")
    )
    DailyFigure.objects.filter(n=0).delete()
    rollup.rebuild()
    assert kept == sorted(DailyFigure.objects.values_list("day", "procedure_id", "channel", "bucket", "n"))


def _both_rollups():
    from dashboards.models import DailyAgencyFigure, DailyAgencyInputs, DailyFigure

    fine = sorted(
        DailyFigure.objects.values_list("day", "agency_id", "procedure_id", "channel", "bucket", "n")
    )
    coarse = sorted(
        DailyAgencyFigure.objects.values_list("day", "agency_id", "level", "channel", "bucket", "n")
    )
    wide = sorted(DailyAgencyInputs.objects.values_list("day", "agency_id", "level", *rollup.INPUT_COLUMNS))
    return fine, coarse, wide


@pytest.mark.postgres
@freeze_time("2026-04-15 10:00:00+07:00")
def test_the_sql_recount_equals_the_python_one(catalog):
    random_dossiers(catalog, 300, seed=5)
    rollup.rebuild(in_sql=False)
    python = _both_rollups()
    rollup.rebuild(in_sql=True)
    assert _both_rollups() == python
    days = [date(2026, 3, 3), date(2026, 3, 4), date(2025, 12, 31)]
    rollup.rebuild(days, in_sql=True)
    assert _both_rollups() == python


@freeze_time("2026-04-15 10:00:00+07:00")
def test_open_dossiers_due_today_before_now_in_sql_as_through_the_orm(catalog):
    """The dashboard's statement for the open dossiers due today before now (``_due_today_sql``)
    gives what the ORM's count gives, for each grouping and scope it serves."""
    from django.utils import timezone

    rng = random.Random(25)
    procs = [catalog["proc"], catalog["proc_b"]]
    for hour in (6, 7, 8, 9, 9, 10, 11, 16):  # before and after now, and yesterday's
        for status in ("processing", "supplement_requested", "result_ready", "received"):
            day = "2026-04-14" if hour == 16 and status == "received" else "2026-04-15"
            DossierFactory(
                procedure=rng.choice(procs),
                status=status,
                received_at=at("2026-04-01", 9),
                due_at=at(day, hour),
                result_ready_at=at("2026-04-14", 9) if status == "result_ready" else None,
            )
    now = timezone.now()
    start = at("2026-04-15", 0)
    agency, other = catalog["agency"].pk, catalog["other"].pk
    some = 0
    for dcol in (None, "resolving_agency_id", "procedure_id"):
        for scope in (None, [agency], [agency, other], []):
            orm = figures.Dossier.objects.filter(
                figures.Filters(scope=scope).q(on_rollup=False),
                status__in=rollup.OPEN_STATUSES,
                due_at__gte=start,
                due_at__lt=now,
            )
            if dcol:
                want = {r[dcol]: r["n"] for r in orm.values(dcol).annotate(n=figures.Count("*")).order_by()}
            else:
                want = {None: orm.count()}
            assert figures._due_today_sql(scope, dcol, start, now) == want, (dcol, scope)
            assert figures._due_today_before_now(figures.Filters(scope=scope), dcol, now) == want
            some += sum(want.values())
    assert some  # the case is not empty

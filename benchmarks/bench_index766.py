"""Benchmark of Decision 766's page for a year (``/thong-ke/chi-so-766/?period=year``): p50/p95
over ``BENCH_REQUESTS`` requests through Django's test client, with the XLSX export and the stats
API's ``index=766`` rows beside it. The issue's goal: under 50 ms p95 at ten million dossiers.

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc_bench766 BENCH_766_REWRITE_ROLLUPS=1 \
        .venv/bin/python benchmarks/bench_index766.py

The page reads the rollups, never the dossiers, so its cost depends on the rollup rows, not on the
number of dossiers. Making ten million dossiers on this 2-core machine takes hours; instead the
benchmark writes rollup rows *equivalent* to ``BENCH_DOSSIERS`` dossiers (default ten million)
straight into the agency rollups (daily rows for the last ``BENCH_DAILY_DAYS`` days, monthly and
total rows for ``BENCH_YEARS`` years) for ``BENCH_AGENCIES`` agencies, with ``BENCH_PROCEDURES``
procedures in the catalog. The dossier table stays empty: the one query the page makes on it (open
dossiers due today before now, a range scan of a partial index) is then cheaper than at ten
million. Sync messages, receipts and feedback are also left empty: those inputs are read from
their own tables (``docs/index766.md``), which this benchmark does not measure.
Run it on a database of its own: it replaces the agency rollups (hence
``BENCH_766_REWRITE_ROLLUPS=1``; without it, or without PostgreSQL, it says why and does nothing).
``BENCH_766_KEEP_ROLLUPS=1`` (with it) keeps the rows an earlier run wrote, for runs compared
back to back on the same rows.
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from dashboards import rollup  # noqa: E402
from dashboards.models import (  # noqa: E402
    DailyAgencyFigure,
    DailyAgencyInputs,
    MonthlyAgencyFigure,
    MonthlyAgencyInputs,
    TotalAgencyFigure,
)
from procedures.models import Agency, Field, Procedure  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
DOSSIERS = int(os.environ.get("BENCH_DOSSIERS", "10000000"))
YEARS = int(os.environ.get("BENCH_YEARS", "7"))
DAILY_DAYS = int(os.environ.get("BENCH_DAILY_DAYS", "400"))
AGENCIES = int(os.environ.get("BENCH_AGENCIES", "120"))
PROCEDURES = int(os.environ.get("BENCH_PROCEDURES", "1500"))

# (bucket, share of the received dossiers that count in it): a dossier's cells over its life
SHARES = {
    "received": 1.0,
    "resolved_early": 0.55,
    "resolved_on_time": 0.33,
    "resolved_late": 0.07,
    "refused": 0.02,
    "withdrawn": 0.01,
    "stopped": 0.005,
    "returned": 0.93,
    "exited": 0.985,
    "overdue_start": 0.08,
    "overdue_end": 0.079,
    "satisfaction_base": 0.95,
    "satisfaction_good": 0.85,
    "received_digitised": 0.6,
    "reusing": 0.2,
    "results_digitised": 0.5,
}
CHANNELS = {"counter": 0.55, "online": 0.4, "postal": 0.05}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(client: Client, url: str) -> list[float]:
    client.get(url)  # warm-up: templates, translations, URL patterns
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def catalog() -> list[Agency]:
    root, _ = Agency.objects.get_or_create(
        code="B766-UBT",
        defaults={"name": "UBND tỉnh (benchmark)", "level": "province", "kind": "peoples_committee"},
    )
    agencies = list(Agency.objects.filter(code__startswith="B766-A"))
    if len(agencies) < AGENCIES:
        for n in range(len(agencies), AGENCIES):
            commune = n >= AGENCIES // 6
            Agency.objects.create(
                code=f"B766-A{n:03d}",
                name=f"{'UBND xã' if commune else 'Sở'} {n:03d} (benchmark)",
                level="commune" if commune else "province",
                kind="peoples_committee" if commune else "department",
                parent=root,
            )
        agencies = list(Agency.objects.filter(code__startswith="B766-A"))
    field, _ = Field.objects.get_or_create(code="B766-LV", defaults={"name": "Lĩnh vực (benchmark)"})
    have = Procedure.objects.filter(code__startswith="B766.").count()
    Procedure.objects.bulk_create(
        [
            Procedure(
                code=f"B766.{n:05d}",
                name=f"Thủ tục {n} (benchmark)",
                field=field,
                agency=agencies[n % len(agencies)],
                level=agencies[n % len(agencies)].level,
                processing_days=5,
                online_level=("full", "partial", "none")[n % 3],
                accepts_online=n % 3 != 2,
            )
            for n in range(have, PROCEDURES)
        ],
        batch_size=1000,
    )
    return agencies


def fill_rollups(agencies: list[Agency], today: date) -> int:
    """Rollup rows for ``DOSSIERS`` dossiers received over ``YEARS`` years up to ``today``, spread
    evenly over agencies, channels and days (a few percent of noise): one INSERT ... SELECT per
    table, on the server."""
    first = date(today.year - YEARS + 1, 1, 1)
    days = (today - first).days + 1
    per_cell = DOSSIERS / (days * len(agencies))  # received a day per agency, all channels
    ids = [a.pk for a in agencies]
    levels = [a.level for a in agencies]
    rows = [(b, c, s * w * per_cell) for b, s in SHARES.items() for c, w in CHANNELS.items()]
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (DailyAgencyFigure, MonthlyAgencyFigure, TotalAgencyFigure, DailyAgencyInputs):
            cursor.execute(f"TRUNCATE {model._meta.db_table}")  # noqa: S608  # nosec B608
        cursor.execute("CREATE TEMPORARY TABLE b766_cells (bucket text, channel text, mean float8)")
        cursor.executemany("INSERT INTO b766_cells VALUES (%s, %s, %s)", rows)
        cursor.execute("CREATE TEMPORARY TABLE b766_agencies (agency bigint, level text)")
        cursor.executemany("INSERT INTO b766_agencies VALUES (%s, %s)", list(zip(ids, levels, strict=True)))
        # monthly rows of every month, daily rows of the last DAILY_DAYS days
        cursor.execute(
            """
            INSERT INTO dossiers_monthlyagencyfigure (month, agency_id, level, channel, bucket, n)
            SELECT m::date, a.agency, a.level, c.channel, c.bucket,
                   greatest(1, round(c.mean * extract(day FROM (m + interval '1 month' - interval '1 day'))
                                     * (0.95 + random() * 0.1)))::int
            FROM generate_series(%s::date, %s::date, interval '1 month') m, b766_agencies a, b766_cells c
            """,
            [first, today.replace(day=1)],
        )
        cursor.execute(
            """
            INSERT INTO dossiers_dailyagencyfigure (day, agency_id, level, channel, bucket, n)
            SELECT d::date, a.agency, a.level, c.channel, c.bucket,
                   greatest(0, round(c.mean * (0.9 + random() * 0.2)))::int
            FROM generate_series(%s::date, %s::date, interval '1 day') d, b766_agencies a, b766_cells c
            """,
            [today - timedelta(days=DAILY_DAYS - 1), today],
        )
        cursor.execute(
            """
            INSERT INTO dossiers_totalagencyfigure (agency_id, level, channel, bucket, n)
            SELECT agency_id, level, channel, bucket, sum(n) FROM dossiers_monthlyagencyfigure
            GROUP BY agency_id, level, channel, bucket
            """
        )
        rollup.rebuild_inputs()  # the wide monthly rows, as every writer of the monthly ones keeps them
        rollup.rebuild_daily_inputs()  # and the wide daily rows
        cursor.execute("SELECT sum(n) FROM dossiers_totalagencyfigure WHERE bucket = 'received'")
        (received,) = cursor.fetchone()
        cursor.execute("ANALYZE dossiers_dailyagencyfigure")
        cursor.execute("ANALYZE dossiers_monthlyagencyfigure")
        cursor.execute("ANALYZE dossiers_totalagencyfigure")
        cursor.execute(f"ANALYZE {MonthlyAgencyInputs._meta.db_table}")
        cursor.execute(f"ANALYZE {DailyAgencyInputs._meta.db_table}")
    return int(received)


def main() -> int:
    if connection.vendor != "postgresql":
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://...), it writes rollup rows in SQL")
        return 0
    if os.environ.get("BENCH_766_REWRITE_ROLLUPS") != "1":
        # it empties the agency rollups of the database it runs on: never by accident
        print("skipped: set BENCH_766_REWRITE_ROLLUPS=1 on a database of its own (its rollups are replaced)")
        return 0
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    today = timezone.localdate()
    agencies = catalog()
    start = time.perf_counter()
    if os.environ.get("BENCH_766_KEEP_ROLLUPS") == "1" and MonthlyAgencyInputs.objects.exists():
        received = sum(TotalAgencyFigure.objects.filter(bucket="received").values_list("n", flat=True))
    else:
        received = fill_rollups(agencies, today)
    filled = time.perf_counter() - start
    sizes = {
        m._meta.db_table: m.objects.count()
        for m in (
            DailyAgencyFigure,
            DailyAgencyInputs,
            MonthlyAgencyFigure,
            MonthlyAgencyInputs,
            TotalAgencyFigure,
        )
    }
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
    client = Client()
    client.force_login(admin)
    year = today.year - 1  # the last whole year
    page = "/thong-ke/chi-so-766/?period=year"
    urls = {
        f"766 page, year {year}, by agency": f"{page}&year={year}&group_by=agency",
        f"766 page, year {year}, by unit": f"{page}&year={year}&group_by=unit",
        f"766 page, year {today.year} to date, province": f"{page}&year={today.year}&group_by=province",
        f"766 XLSX, year {year}, by agency": (
            f"/thong-ke/chi-so-766/bao-cao.xlsx?period=year&year={year}&group_by=agency"
        ),
        f"stats API index=766, year {year}, by agency": (
            f"/api/v1/stats/?date_from={year}-01-01&date_to={year}-12-31&group_by=agency&index=766"
        ),
    }
    print(f"rollup rows ready in {filled:.1f} s for {received:,} dossiers received: {sizes}")
    print(f"load average {os.getloadavg()[0]:.1f} at the start")
    print("| request | p50 (ms) | p95 (ms) | requests |\n|---|---|---|---|")
    worst = 0.0
    for label, url in urls.items():
        times = timed(client, url)
        p95 = percentile(times, 95)
        if label.startswith("766 page"):
            worst = max(worst, p95)
        print(f"| {label} | {statistics.median(times):.1f} | {p95:.1f} | {len(times)} |", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"goal: the 766 page under 50 ms p95: {'met' if worst < 50 else 'NOT met'} ({worst:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

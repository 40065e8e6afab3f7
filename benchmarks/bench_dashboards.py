"""Benchmark of the statistics: ``GET /api/v1/stats/`` for one year grouped by agency and the
manager dashboard page, p50/p95 over ``BENCH_REQUESTS`` requests through Django's test client,
and a check that their figures equal a direct count over the dossiers.

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc BENCH_DOSSIERS=1000000 \
        .venv/bin/python benchmarks/bench_dashboards.py

When the database has fewer than ``BENCH_DOSSIERS`` dossiers it runs ``manage.py seed_demo
--dossiers N`` for the missing ones, then recounts the rollup (``manage.py rebuild_rollup``).
Exit status 1 when a figure differs from the direct count (``BENCH_CHECK_PAGE=0`` leaves out the
check of the page's months and Decision 766 index: a dozen full counts, minutes at ten million).
"""

import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from dashboards import figures  # noqa: E402
from dashboards.service_quality import satisfaction_766  # noqa: E402
from dossiers.models import Dossier  # noqa: E402
from surveys import figures as survey_figures  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
WANTED = int(os.environ.get("BENCH_DOSSIERS", "2000"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(client: Client, url: str) -> tuple[list[float], object]:
    client.get(url)  # warm-up: the first request loads templates, translations and URL patterns
    times, response = [], None
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times, response


def main() -> int:
    if connection.vendor != "postgresql":
        print("warning: DATABASE_URL is not PostgreSQL; the figures say little about production")
    call_command("migrate", verbosity=0)
    have = Dossier.objects.count()
    if have < WANTED:
        print(f"seeding {WANTED - have} dossiers (seed_demo) ...", flush=True)
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", dossiers=WANTED - have, verbosity=0, stdout=quiet)
            call_command("rebuild_rollup", verbosity=0, stdout=quiet)
    total = Dossier.objects.count()
    # the test client's host; not setup_test_environment(), which instruments template rendering
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
    client = Client()
    client.force_login(admin)

    date_to = timezone.localdate()
    date_from = date_to - timedelta(days=364)
    period = f"date_from={date_from}&date_to={date_to}"
    rows = []
    api_times, api = timed(client, f"/api/v1/stats/?group_by=agency&{period}")
    page_times, _page = timed(client, f"/thong-ke/?{period}&compare=agency")
    for name, times in (("stats API, 1 year by agency", api_times), ("dashboard page, 1 year", page_times)):
        rows.append((name, statistics.median(times), percentile(times, 95)))

    start = time.perf_counter()
    want = figures.direct(date_from=date_from, date_to=date_to, group_by="agency")
    direct_ms = (time.perf_counter() - start) * 1000
    got = api.json()
    keys = [k for k in figures.FIGURES if k in got[0]] if got else []
    same = [(r["key"], [r[k] for k in keys]) for r in got] == [
        (r.key, [r.figures[k] for k in keys]) for r in want
    ]

    print(f"\nbench_dashboards: {total:,} dossiers, {REQUESTS} requests each, {connection.vendor}")
    print(f"| {'what':<32} | {'p50 ms':>8} | {'p95 ms':>8} |")
    print(f"|{'-' * 34}|{'-' * 10}|{'-' * 10}|")
    for name, p50, p95 in rows:
        print(f"| {name:<32} | {p50:8.1f} | {p95:8.1f} |")
    print(f"| {'direct count (reference), once':<32} | {direct_ms:8.1f} | {'':>8} |")
    print(f"figures equal the direct count: {'yes' if same else 'NO'}")
    if os.environ.get("BENCH_CHECK_PAGE", "1") == "1":
        # the page's other figures: the months of the trend, Decision 766's index
        start = time.perf_counter()
        months_same = [
            r.figures for r in figures.compute(date_from=date_from, date_to=date_to, group_by="month")
        ] == [r.figures for r in figures.direct(date_from=date_from, date_to=date_to, group_by="month")]
        span = [
            timezone.make_aware(datetime.combine(d, datetime.min.time()))
            for d in (date_from, date_to + timedelta(days=1))
        ]
        direct_766 = survey_figures.satisfaction_indicator(*span)
        kept_766 = satisfaction_766(date_from, date_to, None)
        same_766 = (direct_766["dossiers"], direct_766["satisfied"]) == (
            kept_766["dossiers"],
            kept_766["satisfied"],
        )
        verdict = "yes" if months_same and same_766 else "NO"
        print(
            f"the page's months and Decision 766 index equal the direct count: {verdict} "
            f"({(time.perf_counter() - start):.0f} s to count directly)"
        )
        same = same and months_same and same_766
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

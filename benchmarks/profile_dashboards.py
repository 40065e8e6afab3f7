#!/usr/bin/env python
"""Where the managers' pages spend their time: the dashboard ``/thong-ke/`` for a year and Decision
766's page for a year, requested in-process (Django's test client, the whole middleware stack).

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc .venv/bin/python benchmarks/profile_dashboards.py
    DATABASE_URL=... .venv/bin/python benchmarks/profile_dashboards.py --time   # timing only

Two passes per page: ``PROFILE_REQUESTS`` (default 40) requests timed without a profiler (p50, p95,
p99, the SQL statement count and the time spent in SQL), then the same number under cProfile (the
functions with the most time of their own, and the template's share). The profile is written to
``benchmarks/profile-dashboards.md`` (``--time``: the timings are only printed). The database
must hold figures: ``bench_load.py``'s (seed_demo) or ``bench_index766.py``'s (ten million
dossiers' rollups). ``PROFILE_USER`` (default: ``lanhdao``, else the first administrator) asks.
"""

import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from in_process import setup_django

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "profile-dashboards.md"
PATH = re.compile(r"/\S*/(site-packages|lib/python3\.\d+)/")


def setup() -> None:
    setup_django()


def pages() -> list[tuple[str, str, dict]]:
    from django.utils import timezone

    today = timezone.localdate()
    year = {"date_from": (today - timedelta(days=364)).isoformat(), "date_to": today.isoformat()}
    last = today.year - 1
    return [
        ("dashboard /thong-ke/, a year", "/thong-ke/", year),
        (
            f"Decision 766 page, year {last}, by agency",
            "/thong-ke/chi-so-766/",
            {"period": "year", "year": last},
        ),
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def client():
    from django.test import Client

    from accounts.models import Role, User

    who = os.environ.get("PROFILE_USER")
    user = (
        User.objects.get(username=who)
        if who
        else (User.objects.filter(username="lanhdao").first() or User.objects.filter(role=Role.ADMIN).first())
    )
    c = Client()
    c.force_login(user)
    return c, user.username


def measure(c, url: str, params: dict, requests: int) -> dict:
    """Plain timing, no profiler: ms per request, statements and SQL ms per request."""
    from django.db import connection

    for _ in range(2):
        assert c.get(url, params).status_code == 200, url  # noqa: S101  # nosec B101
    sql = [0.0, 0]

    def timed(execute, sql_, params_, many, context):
        started = time.perf_counter()
        try:
            return execute(sql_, params_, many, context)
        finally:
            sql[0] += time.perf_counter() - started
            sql[1] += 1

    times = []
    cpu = time.process_time()
    with connection.execute_wrapper(timed):
        for _ in range(requests):
            started = time.perf_counter()
            c.get(url, params)
            times.append(1000 * (time.perf_counter() - started))
    return {
        "cpu_ms": 1000 * (time.process_time() - cpu) / requests,
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "statements": sql[1] / requests,
        "sql_ms": 1000 * sql[0] / requests,
    }


def profile(c, url: str, params: dict, requests: int) -> tuple[float, float, list[str]]:
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        c.get(url, params)
    profiler.disable()
    total = 1000 * (time.perf_counter() - started) / requests
    stats = pstats.Stats(profiler)
    render = sum(
        value[3]
        for (filename, _line, function), value in stats.stats.items()  # type: ignore[attr-defined]
        if function == "render" and filename.endswith("django/template/base.py") and value[0] == value[1]
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    body = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(body) if line.strip().startswith("ncalls"))
    lines = [PATH.sub("", line.replace(str(ROOT) + "/", "")) for line in body[start:] if line.strip()]
    return total, 1000 * render / requests, lines


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("profile_dashboards: needs a PostgreSQL database with figures in DATABASE_URL")
        return 2
    setup()
    requests = int(os.environ.get("PROFILE_REQUESTS", "40"))
    only_time = "--time" in sys.argv
    c, username = client()
    load = os.getloadavg()[0]
    report = [
        "# Where the managers' dashboards spend their time",
        "",
        f"`benchmarks/profile_dashboards.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC as `{username}`, "
        f"{requests} requests a page in one process (load average {load:.1f} at the start).",
        "",
    ]
    for name, url, params in pages():
        m = measure(c, url, params, requests)
        line = (
            f"{name}: p50 {m['p50']:.1f} ms, p95 {m['p95']:.1f} ms, p99 {m['p99']:.1f} ms; "
            f"{m['statements']:.0f} statements, SQL {m['sql_ms']:.1f} ms, "
            f"Python CPU {m['cpu_ms']:.1f} ms a request "
            f"(load {os.getloadavg()[0]:.1f})"
        )
        print(line, flush=True)
        if only_time:
            continue
        total, render, lines = profile(c, url, params, requests)
        report += [
            f"## {name}",
            "",
            f"`GET {url}?{'&'.join(f'{k}={v}' for k, v in params.items())}`",
            "",
            f"- without the profiler: {line.split(': ', 1)[1]}",
            f"- under cProfile: {total:.1f} ms a request, of which the template {render:.1f} ms",
            "",
            "Most time of their own (cProfile, all requests):",
            "",
            "```",
            *lines,
            "```",
            "",
        ]
    if not only_time:
        OUT.write_text("\n".join(report), encoding="utf-8")
        print("\n".join(report))
        print(f"Written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Where the staff pages spend their time: each page requested in-process (Django's test client,
the whole middleware stack) under cProfile, against the PostgreSQL database of the load benchmark.

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc .venv/bin/python benchmarks/profile_staff_pages.py

For each page: the time of a request, the part spent in SQL (the statements' own time, measured
around each one) and in the template, the statement count, the slowest statements, and the
functions with the most time of their own. Written to ``benchmarks/profile-staff-pages.md``.
The database must hold the benchmark's data (``bench_load.py`` seeds it). ``PROFILE_REQUESTS``
(default 30) requests per page, after two not counted.
"""

import cProfile
import io
import json
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from in_process import reviewer_dossier_code, setup_django

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "profile-staff-pages.md"
PATH = re.compile(r"/\S*/(site-packages|lib/python3\.\d+)/")


def setup() -> None:
    setup_django()


def pages() -> list[tuple[str, str, str, dict]]:
    from django.urls import reverse
    from django.utils import timezone

    from procedures.models import Procedure

    code = reviewer_dossier_code()
    procedure = Procedure.objects.filter(is_active=True, accepts_online=True).order_by("code").first()
    today = timezone.localdate()
    year = {"date_from": (today - timedelta(days=364)).isoformat(), "date_to": today.isoformat()}
    return [
        ("reviewer inbox", "tuphap", reverse("dossiers:inbox"), {}),
        ("dossier staff page", "tuphap", reverse("dossiers:detail", args=[code]), {}),
        ("desk intake form", "motcua", reverse("dossiers:desk_intake"), {"procedure": procedure.code}),
        ("desk online queue", "motcua", reverse("dossiers:desk_online_queue"), {}),
        ("desk returns", "motcua", reverse("dossiers:desk_returns"), {}),
        ("dashboard, a year", "lanhdao", reverse("dashboards:dashboard"), year),
    ]


def explained(statements: dict[str, object]) -> list[tuple[float, str]]:
    """(planning + execution ms, SQL) of each SELECT statement of a page (with the parameters it
    was run with), costliest first."""
    from django.db import connection

    out = []
    for sql, params in statements.items():
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)  # nosec B608 (the page's own SQL)
            plan = cursor.fetchone()[0][0]
        if isinstance(plan, str):
            plan = json.loads(plan)[0]
        out.append((plan["Planning Time"] + plan["Execution Time"], sql))
    return sorted(out, key=lambda item: -item[0])


def profile(name: str, username: str, url: str, params: dict, requests: int) -> list[str]:
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    for _ in range(2):
        assert client.get(url, params).status_code == 200, url  # noqa: S101  # nosec B101

    statements: dict[str, list[float]] = defaultdict(list)
    sql_time = [0.0]
    parameters: dict[str, object] = {}

    def timed(execute, sql, params_, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params_, many, context)
        finally:
            spent = time.perf_counter() - started
            sql_time[0] += spent
            statements[sql].append(spent)
            parameters.setdefault(sql, params_)

    profiler = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        profiler.enable()
        for _ in range(requests):
            client.get(url, params)
        profiler.disable()
    total = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    render = sum(
        value[3]
        for (filename, _line, function), value in stats.stats.items()  # type: ignore[attr-defined]
        if function == "render"
        and filename.endswith("django/template/base.py")
        and value[0] == value[1]  # the outermost Template.render calls only
    )
    count = sum(len(v) for v in statements.values()) / requests
    lines = [
        f"## {name}",
        "",
        f"`GET {url}` as `{username}`: {1000 * total / requests:.1f} ms a request (under the profiler), "
        f"SQL {1000 * sql_time[0] / requests:.1f} ms in {count:.0f} statements, "
        f"templates {1000 * render / requests:.1f} ms.",
        "",
        "Slowest statements (ms a request):",
        "",
    ]
    for sql, times in sorted(statements.items(), key=lambda kv: -sum(kv[1]))[:4]:
        lines.append(f"- {1000 * sum(times) / requests:.2f} ms: `{sql[:220]}{'…' if len(sql) > 220 else ''}`")
    planned = explained(parameters)
    lines += [
        "",
        f"The same statements under EXPLAIN ANALYZE (server time, planning included, not counting the "
        f"round trips): {sum(t for t, _ in planned):.2f} ms; the costliest:",
        "",
    ]
    for spent, sql in planned[:3]:
        lines.append(f"- {spent:.2f} ms: `{sql[:160]}{'…' if len(sql) > 160 else ''}`")
    lines += ["", "Most time of their own:", "", "```"]
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    body = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(body) if line.strip().startswith("ncalls"))
    lines += [line for line in body[start:] if line.strip()]
    lines += ["```", ""]
    # the paths are the machine's: keep the part inside the project or the library
    return [PATH.sub("", line.replace(str(ROOT) + "/", "")) for line in lines]


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("profile_staff_pages: needs the benchmark's PostgreSQL database in DATABASE_URL")
        return 2
    setup()
    from dossiers.models import Dossier

    requests = int(os.environ.get("PROFILE_REQUESTS", "30"))
    report = [
        "# Where the staff pages spend their time",
        "",
        f"`benchmarks/profile_staff_pages.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{Dossier.objects.count():,} dossiers, {requests} requests a page in one process under cProfile "
        "(which slows Python, not PostgreSQL: read the shares, not the absolute times).",
        "",
    ]
    for name, username, url, params in pages():
        print(f"  {name} ...", flush=True)
        report += profile(name, username, url, params, requests)
    OUT.write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))
    print(f"Written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

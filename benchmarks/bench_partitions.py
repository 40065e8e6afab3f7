"""The event log partitioned by year: the timeline's plan and time, with and without partitions,
and the time of the conversion (PostgreSQL; ``docs/scaling.md`` section 4,
``benchmarks/results-partitioning.md``).

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_partitions.py

On a database already filled (``seed_demo --dossiers 1000000``): measures the timeline query of
``BENCH_SAMPLES`` (default 300) dossiers spread over the years as the selectors run it (naming the
year) and without the year; then converts the table back to a plain one (``migrate dossiers 0018``,
timed), measures the same query on it, and converts it again (``migrate``, timed). Each query is
run ``BENCH_REPEAT`` (3) times per dossier; medians and 99th percentiles in microseconds.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")

TIMELINE = (
    "SELECT e.*, u.username, a.name FROM dossiers_event e "
    "LEFT JOIN accounts_user u ON u.id = e.actor_id LEFT JOIN procedures_agency a ON a.id = e.agency_id "
    "WHERE e.dossier_id = %s{year} ORDER BY e.at, e.id"
)


def _time(cursor, sql: str, samples, repeat: int) -> tuple[float, float]:
    times = []
    for params in samples:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1e6)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def _plan(cursor, sql: str, params) -> str:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
    return "\n".join("    " + row[0] for row in cursor.fetchall())


def _measure(label: str, samples, repeat: int) -> None:
    from django.db import connection

    from dossiers import partitions

    with connection.cursor() as cursor:
        partitioned = partitions.is_partitioned(cursor)
        print(f"\n## {label}: dossiers_event {'partitioned' if partitioned else 'plain'}")
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size(c.oid)), c.relname FROM pg_class c "
            "WHERE c.relname LIKE 'dossiers_event%%' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
        print("sizes with indexes:", ", ".join(f"{name} {size}" for size, name in cursor.fetchall()))
        if partitioned:
            cursor.execute(
                "SELECT tableoid::regclass::text, count(*) FROM dossiers_event GROUP BY 1 ORDER BY 1"
            )
            print("rows per partition:", ", ".join(f"{n} {c:,}" for n, c in cursor.fetchall()))
        queries = {"by dossier": (TIMELINE.format(year=""), [(d,) for d, _y in samples])}
        if partitioned:
            queries["by dossier and year (as the selectors)"] = (
                TIMELINE.format(year=" AND e.dossier_year = %s"),
                samples,
            )
        for name, (sql, params) in queries.items():
            _time(cursor, sql, params[:20], 1)  # warm the cache
            median, p99 = _time(cursor, sql, params, repeat)
            print(
                f"- timeline {name}: median {median:.0f} µs, p99 {p99:.0f} µs ({len(params) * repeat} runs)"
            )
            print(_plan(cursor, sql, params[len(params) // 2]))


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from dossiers import partitions

    if connection.vendor != "postgresql":
        print("bench_partitions: needs PostgreSQL (set DATABASE_URL=postgres://…); skipped.")
        return 0
    count = int(os.environ.get("BENCH_SAMPLES", "300"))
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(id), max(id) FROM dossiers_dossier")
        dossiers, low, high = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM dossiers_event")
        events = cursor.fetchone()[0]
        step = max(1, (high - low) // count) if dossiers else 1
        cursor.execute(
            f"SELECT id, {partitions.year_sql()} FROM dossiers_dossier WHERE (id - %s) %% %s = 0 ORDER BY id",  # noqa: S608  # nosec B608
            [low, step],
        )
        samples = cursor.fetchall()[:count]
    print(
        f"# {dossiers:,} dossiers, {events:,} events; {len(samples)} sample dossiers; load {os.getloadavg()}"
    )
    _measure("as migrated", samples, repeat)
    started = time.perf_counter()
    call_command("migrate", "dossiers", "0018_staff_page_indexes", verbosity=0)
    print(f"\nmigrate back to a plain table ({events:,} events): {time.perf_counter() - started:.1f} s")
    _measure("before migration 0019", samples, repeat)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"\nmigrate ({events:,} events): {time.perf_counter() - started:.1f} s, load {os.getloadavg()}")
    _measure("after migration 0019", samples, repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""At scale (``seed_demo --dossiers N`` with N in the millions): table and index sizes per row, and
the plans of the hot statements with partition pruning (docs/scaling.md sections 3 and 5,
``benchmarks/results-scaling.md``). Read-only except one event inserted and rolled back.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_scale_plans.py

Prints Markdown: counts, sizes (heap, indexes, bytes a row), and ``EXPLAIN (ANALYZE, BUFFERS)`` of
a dossier's timeline (naming its year, as the selectors do, and without), an event insert, the
reviewer inbox's and the dashboard's slowest statements (captured from the pages with Django's
test client, signed in as the demo reviewer and manager). The load average is printed with each.
"""

import os
import re
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
TABLES = [
    "dossiers_dossier",
    "dossiers_event",
    "dossiers_step",
    "dossiers_dailyfigure",
    "dossiers_dailyagencyfigure",
    "surveys_rating",
]


def load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def explain(cursor, sql: str, params) -> str:
    """The plan's summary (relations read, partitions among them, buffers, times), then its first
    lines (all of them with ``BENCH_FULL_PLANS=1``)."""
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
    lines = [row[0] for row in cursor.fetchall()]
    scanned = sorted(set(re.findall(r" on (\w+)", "\n".join(lines))))
    parts = [name for name in scanned if re.search(r"_(y\d{4}|default)$", name)]
    buffers = next((line.strip() for line in lines if "Buffers:" in line), "")
    times = [line.strip() for line in lines if line.startswith(("Planning Time", "Execution Time"))]
    shown = lines if os.environ.get("BENCH_FULL_PLANS") else lines[:14]
    summary = (
        f"    -- relations: {', '.join(scanned)}; partitions read: {len(parts)}; "
        f"{buffers}; {'; '.join(times)}"
    )
    return "\n".join([summary, *("    " + line for line in shown)])


def sizes(cursor) -> None:
    print(f"\n## Sizes ({load()})\n")
    print("| table | rows | heap | indexes | heap B/row | index B/row |")
    print("|---|---:|---:|---:|---:|---:|")
    for table in TABLES:
        # A partitioned table: the sum over its partitions.
        cursor.execute(
            "SELECT coalesce(sum(pg_table_size(c.oid)), 0), coalesce(sum(pg_indexes_size(c.oid)), 0), "
            "coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint FROM pg_class c "
            "WHERE c.relkind = 'r' AND (c.relname = %s OR c.oid IN "
            "(SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(%s)))",
            [table, table],
        )
        heap, index, rows = cursor.fetchone()
        if not rows:
            continue
        print(
            f"| {table} | {rows:,} | {heap / 2**20:,.0f} MB | {index / 2**20:,.0f} MB | "
            f"{heap / rows:.0f} | {index / rows:.0f} |"
        )
    print("\nIndexes of dossiers_dossier:\n")
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
        "WHERE indrelid = 'dossiers_dossier'::regclass ORDER BY 2 DESC"
    )
    for name, size in cursor.fetchall():
        print(f"- {name}: {size / 2**20:,.0f} MB")
    cursor.execute("SELECT pg_database_size(current_database())")
    print(f"\nDatabase: {cursor.fetchone()[0] / 2**30:.1f} GB")


def captured(path: str, username: str) -> list[dict]:
    """The statements of one GET of ``path`` by ``username``."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get(path, HTTP_HOST="localhost")  # warm
    with CaptureQueriesContext(connection) as context:
        started = time.perf_counter()
        response = client.get(path, HTTP_HOST="localhost")
        elapsed = (time.perf_counter() - started) * 1000
    print(f"\n### GET {path} as {username}: {response.status_code}, {elapsed:.0f} ms, ", end="")
    print(f"{len(context.captured_queries)} statements ({load()})")
    return context.captured_queries


def main() -> int:
    import django

    django.setup()
    from django.db import connection, transaction

    from dossiers import partitions

    if connection.vendor != "postgresql":
        print("bench_scale_plans: needs PostgreSQL")
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM dossiers_dossier")
        high = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'dossiers_dossier'")
        print(f"# About {cursor.fetchone()[0]:,} dossiers (highest id {high:,}); {load()}")
        sizes(cursor)

        cursor.execute(f"SELECT id, {partitions.year_sql()} FROM dossiers_dossier WHERE id = %s", [high // 2])  # noqa: S608  # nosec B608
        sample = cursor.fetchone()
        print(f"\n## A dossier's timeline (dossier {sample[0]}, year {sample[1]}; {load()})\n")
        print("Naming the year (what the selectors send):\n")
        print(explain(cursor, TIMELINE.format(year=" AND e.dossier_year = %s"), list(sample)))
        print("\nWithout the year:\n")
        print(explain(cursor, TIMELINE.format(year=""), [sample[0]]))

        print(f"\n## An event insert (rolled back; {load()})\n")
        with transaction.atomic():
            sql = (
                "INSERT INTO dossiers_event (dossier_id, dossier_year, at, action, from_status, to_status, "
                "note, data) SELECT id, %s, now(), 'note', status, status, '', '{}' "
                "FROM dossiers_dossier WHERE id = %s"
            )
            try:
                print(explain(cursor, sql, [sample[1], sample[0]]))
            except Exception as error:  # a column this sketch does not know: say so, go on
                print(f"    (not measured: {error})")
            transaction.set_rollback(True)

    for path, username in [("/ho-so/xu-ly/", "tuphap"), ("/thong-ke/", "lanhdao")]:
        statements = captured(path, username)
        # The wall times of a busy machine rank noise: rank by the plans' execution times.
        plans = []
        with connection.cursor() as cursor:
            for query in statements:
                if not query["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                plan = explain(cursor, query["sql"], None)
                executed = re.search(r"Execution Time: ([0-9.]+)", plan)
                plans.append((float(executed.group(1)) if executed else 0.0, query["sql"], plan))
        plans.sort(reverse=True)
        print(
            f"SQL execution of its {len(plans)} SELECTs: {sum(p[0] for p in plans):.1f} ms; the slowest two:"
        )
        for _ms, sql, plan in plans[:2]:
            print(f"\n`{sql[:300]}`\n")
            print(plan)
    return 0


if __name__ == "__main__":
    sys.exit(main())

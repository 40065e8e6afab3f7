#!/usr/bin/env python
"""At scale (``seed_demo --dossiers N`` with N in the millions): table and index sizes per row, and
the plans of the hot statements with partition pruning (docs/scaling.md sections 3 and 5,
``benchmarks/results-scaling.md``). Read-only except one event inserted and rolled back.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_scale_plans.py

Prints Markdown: counts, partitions, sizes (heap, indexes, bytes a row; a partitioned table or
index as the sum of its partitions), and ``EXPLAIN (ANALYZE, BUFFERS)`` of a dossier's timeline
(naming its year, as the selectors do, and without), an event insert, public tracking by QR token
and by code (the selector's one prepared statement, an old and a recent dossier), and of every
SELECT of the hot staff pages (captured from the pages with Django's test client, signed in as the
demo users): for each statement the partitions of the dossiers and events it read (those "never
executed" not counted), its buffers and times, then the slowest two plans of each page. The load
average is printed with each.
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
    "dossiers_dossierkey",
    "dossiers_event",
    "dossiers_step",
    "dossiers_dailyfigure",
    "dossiers_dailyagencyfigure",
    "surveys_rating",
]


PARTITION = re.compile(r"_(y\d{4}|default)$")


def load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def explain(cursor, sql: str, params) -> str:
    """The plan's summary (relations read, partitions among them, buffers, times), then its first
    lines (all of them with ``BENCH_FULL_PLANS=1``)."""
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
    lines = [row[0] for row in cursor.fetchall()]
    run = "\n".join(line for line in lines if "never executed" not in line)
    scanned = sorted(set(re.findall(r" on (\w+)", run)))
    parts = [name for name in scanned if PARTITION.search(name)]
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
    for table in ("dossiers_dossier", "dossiers_dossierkey"):
        # An index of a partitioned table: the sum of its partitions' indexes.
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, greatest(pg_relation_size(i.indexrelid), "
            "(SELECT coalesce(sum(pg_relation_size(t.relid)), 0) FROM pg_partition_tree(i.indexrelid) t)) "
            "FROM pg_index i "
            "WHERE i.indrelid = to_regclass(%s) ORDER BY 2 DESC",
            [table],
        )
        indexes = cursor.fetchall()
        if indexes:
            print(f"\nIndexes of {table}:\n")
            for name, size in indexes:
                print(f"- {name}: {size / 2**20:,.0f} MB")
    for table in ("dossiers_dossier", "dossiers_event"):
        cursor.execute(
            "SELECT c.relname, greatest(c.reltuples, 0)::bigint FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
            [table],
        )
        parts = cursor.fetchall()
        if parts:
            counts = [rows for _name, rows in parts]
            print(
                f"\n{table}: {len(parts)} partitions ({parts[0][0]} … {parts[-1][0]}), "
                f"rows a partition {min(counts):,}–{max(counts):,}; the last five: "
                + ", ".join(f"{name} {rows:,}" for name, rows in parts[-5:])
            )
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


def tracked(**lookup) -> list[dict]:
    """The statements of public tracking (the selector the tracking pages call, whose pages are
    otherwise served from their cache), the second call of this connection: prepared."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dossiers.selectors import public_tracking

    public_tracking(**lookup)  # PREPARE
    with CaptureQueriesContext(connection) as context:
        found = public_tracking(**lookup)
    shown = {key: (value[:12] + "…" if key != "code" else value) for key, value in lookup.items()}
    print(f"\n### public tracking {shown}: {'found' if found else 'NOT FOUND'}, ", end="")
    print(f"{len(context.captured_queries)} statements ({load()})")
    return context.captured_queries


def unprepared(column: str, value: str, times: int = 7) -> None:
    """The public tracking statement sent unprepared (as behind PgBouncer in transaction mode, or
    the first five times on a connection): planned each time. Median planning and execution."""
    import statistics

    from django.db import connection

    from dossiers.models import StepStatus
    from dossiers.selectors import _tracking_sql, registry_key

    # the statement after the registry's lookup (benchmarks/bench_tracking_keys.py times both)
    dossier_id, year = registry_key(column, value)
    sql = _tracking_sql("postgresql", "", year)
    params = [dossier_id] * 3 + [StepStatus.ACTIVE.value, StepStatus.CLAIMED.value]
    planning, execution = [], []
    with connection.cursor() as cursor:
        for _ in range(times):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
            text = "\n".join(row[0] for row in cursor.fetchall())
            planning.append(float(re.search(r"Planning Time: ([0-9.]+)", text).group(1)))
            execution.append(float(re.search(r"Execution Time: ([0-9.]+)", text).group(1)))
    print(
        f"\nUnprepared by {column}, {times} times: planning median {statistics.median(planning):.2f} ms "
        f"(first {planning[0]:.2f}, min {min(planning):.2f}), execution median "
        f"{statistics.median(execution):.2f} ms ({load()})"
    )


def statements_plans(statements: list[dict]) -> None:
    """Each SELECT's (or prepared EXECUTE's) plan: a table of the partitions each read, buffers
    and times, then the slowest two plans."""
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for query in statements:
            if not query["sql"].lstrip().upper().startswith(("SELECT", "EXECUTE", "WITH")):
                continue
            plan = explain(cursor, query["sql"], None)
            executed = re.search(r"Execution Time: ([0-9.]+)", plan)
            plans.append((float(executed.group(1)) if executed else 0.0, query["sql"], plan))
    planned = sum(float(m.group(1)) for p in plans if (m := re.search(r"Planning Time: ([0-9.]+)", p[2])))
    print(
        f"\nSQL execution of its {len(plans)} SELECTs: {sum(p[0] for p in plans):.1f} ms; "
        f"their planning {planned:.1f} ms\n"
    )
    print("| statement | dossier/event partitions read | buffers | execution | planning |")
    print("|---|---|---|---:|---:|")
    for ms, sql, plan in plans:
        summary = plan.splitlines()[0]
        read = re.search(r"relations: ([^;]*);", summary).group(1).split(", ")
        parts = [name for name in read if PARTITION.search(name)]
        buffers = re.search(r"Buffers: ([^;]*)", summary)
        planning = re.search(r"Planning Time: ([0-9.]+)", summary)
        text = re.sub(r"\s+", " ", sql)[:70].replace("|", "\\|")
        print(
            f"| `{text}` | {len(parts)} {' '.join(parts[:4])}{' …' if len(parts) > 4 else ''} | "
            f"{buffers.group(1) if buffers else ''} | {ms:.2f} ms | "
            f"{planning.group(1) + ' ms' if planning else ''} |"
        )
    plans.sort(reverse=True)
    print("\nThe slowest two:")
    for _ms, sql, plan in plans[:2]:
        print(f"\n`{sql[:300]}`\n")
        print(plan)


def main() -> int:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.urls import reverse
    from django.utils import timezone
    from in_process import reviewer_dossier_code

    from dossiers.models import Dossier

    if connection.vendor != "postgresql":
        print("bench_scale_plans: needs PostgreSQL")
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM dossiers_dossier")
        high = cursor.fetchone()[0]
        cursor.execute(
            "SELECT sum(greatest(c.reltuples, 0))::bigint FROM pg_class c WHERE c.relkind = 'r' "
            "AND (c.relname = 'dossiers_dossier' OR c.oid IN (SELECT inhrelid FROM pg_inherits "
            "WHERE inhparent = 'dossiers_dossier'::regclass))"
        )
        print(f"# About {cursor.fetchone()[0]:,} dossiers (highest id {high:,}); {load()}")
        sizes(cursor)

        cursor.execute("SELECT id, received_year FROM dossiers_dossier WHERE id = %s", [high // 2])
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
                "note, data) SELECT id, received_year, now(), 'note', status, status, '', '{}' "
                "FROM dossiers_dossier WHERE id = %s AND received_year = %s"
            )
            try:
                print(explain(cursor, sql, list(sample)))
            except Exception as error:  # a column this sketch does not know: say so, go on
                print(f"    (not measured: {error})")
            transaction.set_rollback(True)

    print(f"\n## Public tracking ({load()})")
    # The middle dossier, the one imported last (the generator goes back in time) and one of the
    # newest year.
    fields = ("code", "secret", "tracking_token", "received_year")
    newest = timezone.localdate().year
    for dossier in (
        Dossier.objects.filter(id=sample[0], received_year=sample[1]).values(*fields).get(),
        Dossier.objects.order_by("-id").values(*fields).first(),
        Dossier.objects.filter(received_year=newest).order_by("id").values(*fields).first(),
    ):
        print(f"\nA dossier of {dossier['received_year']}:")
        statements_plans(tracked(token=dossier["tracking_token"]))
        unprepared("tracking_token", dossier["tracking_token"])
        statements_plans(tracked(code=dossier["code"], secret=dossier["secret"]))

    code = reviewer_dossier_code()
    pages = [
        (reverse("dossiers:inbox"), "tuphap"),
        (reverse("dossiers:detail", args=[code]), "tuphap"),
        (reverse("dossiers:desk_online_queue"), "motcua"),
        (reverse("dossiers:desk_returns"), "motcua"),
        ("/thong-ke/", "lanhdao"),
    ]
    print(f"\n## Staff pages ({load()})")
    for path, username in pages:
        statements_plans(captured(path, username))
    return 0


if __name__ == "__main__":
    sys.exit(main())

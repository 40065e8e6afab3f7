#!/usr/bin/env python
"""Public tracking's statements planned unprepared (as behind PgBouncer in transaction mode) and
prepared (``web.prepared``): planning and execution times and the partitions each plan names
(docs/scaling.md section 4, ``benchmarks/results-scaling.md`` "w/key25b"). Read-only.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_tracking_keys.py [TIMES]

The statements are those ``dossiers.selectors.public_tracking`` sends (recorded by an execute
wrapper with the connection marked transaction-pooled, so unprepared and with client-side
literals, as Django sends them through PgBouncer); each is then run under
``EXPLAIN (ANALYZE, SUMMARY)`` TIMES times (median), and as a prepared statement: its first
(custom) plan and its seventh (generic once PostgreSQL keeps one).
"""

import os
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")

PARTITION = re.compile(r"dossiers_(?:dossier|event)_(?:y\d{4}|default)")


def recorded(**lookup) -> list[tuple[str, list]]:
    from django.db import connection

    from dossiers.selectors import public_tracking

    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    connection.ensure_connection()
    pooled = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with connection.execute_wrapper(record):
            assert public_tracking(**lookup) is not None  # noqa: S101  # nosec B101
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = pooled
    return statements


def summary(text: str) -> tuple[float, float, int]:
    planning = float(re.search(r"Planning Time: ([0-9.]+)", text).group(1))
    execution = float(re.search(r"Execution Time: ([0-9.]+)", text).group(1))
    return planning, execution, len(set(PARTITION.findall(text)))


def _numbered(sql: str) -> str:
    from web.prepared import _numbered as numbered

    return numbered(sql)


def measure(label: str, times: int, **lookup) -> None:
    from django.db import connection

    for n, (sql, params) in enumerate(recorded(**lookup), 1):
        with connection.cursor() as cursor:
            runs = []
            for _ in range(times):
                cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + sql, params)
                runs.append(summary("\n".join(row[0] for row in cursor.fetchall())))
            plan = statistics.median(r[0] for r in runs)
            run = statistics.median(r[1] for r in runs)
            print(f"| {label} #{n} unprepared | {runs[0][2]} | {plan:.3f} | {run:.3f} |")
            cursor.execute(f"PREPARE bench_k AS {_numbered(sql)}")
            try:
                args = ", ".join(["%s"] * len(params))
                for use in range(1, 8):
                    cursor.execute(f"EXPLAIN (ANALYZE, SUMMARY) EXECUTE bench_k ({args})", params)
                    if use in (1, 7):
                        p, e, parts = summary("\n".join(row[0] for row in cursor.fetchall()))
                        print(f"| {label} #{n} prepared, use {use} | {parts} | {p:.3f} | {e:.3f} |")
            finally:
                cursor.execute("DEALLOCATE bench_k")


def main() -> None:
    import django

    django.setup()
    from dossiers.models import DossierKey

    times = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    old = DossierKey.objects.order_by("id").only("code", "tracking_token").first()
    new = DossierKey.objects.order_by("-id").only("code", "tracking_token").first()
    from dossiers.models import Dossier

    secret = Dossier.objects.filter(id=new.id, received_year=new.received_year).values_list(
        "secret", flat=True
    )[0]
    print("| statement | partitions in the plan | planning ms | execution ms |")
    print("|---|---:|---:|---:|")
    measure("by token, old dossier", times, token=old.tracking_token)
    measure("by token, recent dossier", times, token=new.tracking_token)
    measure("by code, recent dossier", times, code=new.code, secret=secret)


if __name__ == "__main__":
    main()

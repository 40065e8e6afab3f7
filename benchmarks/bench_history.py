"""History import and bulk demo speed (PostgreSQL).

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_history.py

Writes a CSV of ``BENCH_IMPORT_ROWS`` (default 1,000,000) synthetic dossiers in the
``import_dossiers`` format, imports it into the database of ``DATABASE_URL`` (migrated first), prints
the rows a second, imports it again (nothing new: the idempotent path) and removes what it imported.
Target: a million rows in under a minute.
"""

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        print("bench_history: needs PostgreSQL (set DATABASE_URL=postgres://…); skipped.")
        return 0
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from dossiers.history import COLUMNS, import_history, synthetic_rows
    from dossiers.models import Dossier, DossierCounter
    from procedures.models import Agency, Procedure

    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
    procedures = dict(Procedure.objects.values_list("id", "code"))
    agencies = dict(Agency.objects.values_list("id", "code"))
    tz = timezone.get_default_timezone()

    def local(moment):
        return moment.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S") if moment else ""

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        started = time.perf_counter()
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for row in synthetic_rows(rows, until=timezone.localdate(), seed=7):
                writer.writerow(
                    [
                        "IMP-" + row.code,
                        procedures[row.procedure_id],
                        agencies[row.resolving_agency_id],
                        agencies[row.intake_office_id],
                        row.channel,
                        row.applicant_name,
                        local(row.received_at),
                        local(row.due_at),
                        row.status,
                        local(row.result_ready_at),
                        local(row.returned_at),
                    ]
                )
        print(f"CSV of {rows:,} rows written in {time.perf_counter() - started:.1f} s".replace(",", "."))
        before = Dossier.objects.count()
        started = time.perf_counter()
        report = import_history(path)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = import_history(path)
        second = time.perf_counter() - started
    print()
    print("| import_dossiers | rows | seconds | rows/s |")
    print("|---|---:|---:|---:|")
    print(
        f"| first run (new) | {report.created:,} | {first:.1f} | {report.read / first:,.0f} |".replace(
            ",", "."
        )
    )
    print(
        f"| again (all known) | {again.existing:,} | {second:.1f} | {again.read / second:,.0f} |".replace(
            ",", "."
        )
    )
    print(
        f"target: 1.000.000 rows in under 60 s; errors {report.failed}; dossiers before {before:,}".replace(
            ",", "."
        )
    )
    imported = Dossier.objects.filter(code__startswith="IMP-")
    with connection.cursor() as cursor:  # Events are append-only for the application, not for a bench
        cursor.execute(
            "DELETE FROM dossiers_event WHERE dossier_id IN "
            "(SELECT id FROM dossiers_dossier WHERE code LIKE 'IMP-%%')"
        )
    imported._raw_delete(imported.db)
    DossierCounter.objects.filter(office__code__startswith="IMP").delete()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""A streaming replica's lag, sampled on the primary while something writes (docs/scaling.md
section 3, ``benchmarks/results-scaling.md``).

    DATABASE_URL=postgres://…@PRIMARY/DB .venv/bin/python benchmarks/sample_replica_lag.py \
        sample APPLICATION_NAME > lag.csv          # every BENCH_INTERVAL seconds (5), until stopped
    .venv/bin/python benchmarks/sample_replica_lag.py summary lag.csv [FROM [TO]]   # Markdown

APPLICATION_NAME is the standby's (``pg_stat_replication.application_name``: its
``cluster_name`` when it sets one). A sample: UTC time, load average, the primary's WAL position,
the WAL sent but not replayed (bytes) and the three lags (seconds; empty when the standby is idle
and PostgreSQL reports none, counted as 0). ``summary`` gives the WAL rate and the lags' median,
p95, p99 and maximum between two times (HH:MM:SS, optional). Reads only.
"""

import csv
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from urllib.parse import urlparse

FIELDS = ["at", "load", "wal_lsn", "unreplayed", "write_lag", "flush_lag", "replay_lag"]
SAMPLE = (
    "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, "
    "pg_wal_lsn_diff(sent_lsn, replay_lsn)::bigint, extract(epoch FROM write_lag), "
    "extract(epoch FROM flush_lag), extract(epoch FROM replay_lag) "
    "FROM pg_stat_replication WHERE application_name = %s"
)


def connect():
    import psycopg2

    url = urlparse(os.environ["DATABASE_URL"])
    return psycopg2.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.path.lstrip("/"),
    )


def sample(name: str) -> int:
    interval = float(os.environ.get("BENCH_INTERVAL", "5"))
    connection = connect()
    connection.autocommit = True
    out = csv.writer(sys.stdout)
    out.writerow(FIELDS)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(SAMPLE, [name])
            row = cursor.fetchone()
        at = datetime.now(UTC).strftime("%H:%M:%S")
        if row is None:
            print(f"# {at}: no standby named {name}", file=sys.stderr)
        else:
            out.writerow([at, f"{os.getloadavg()[0]:.1f}", *("" if v is None else v for v in row)])
            sys.stdout.flush()
        time.sleep(interval)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(path: str, start: str = "", end: str = "~") -> int:
    with open(path, newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if start <= row["at"] <= end]
    if len(rows) < 2:
        print("fewer than two samples")
        return 1

    def seconds(at: str) -> int:
        hours, minutes, secs = (int(part) for part in at.split(":"))
        return hours * 3600 + minutes * 60 + secs

    elapsed = seconds(rows[-1]["at"]) - seconds(rows[0]["at"])
    wal = int(rows[-1]["wal_lsn"]) - int(rows[0]["wal_lsn"])
    loads = [float(row["load"]) for row in rows]
    print(
        f"{len(rows)} samples, {rows[0]['at']}–{rows[-1]['at']} UTC ({elapsed} s); load average mean "
        f"{statistics.mean(loads):.1f} ({min(loads):.1f}–{max(loads):.1f}); WAL written "
        f"{wal / 2**30:.1f} GB, {wal / max(elapsed, 1) / 2**20:.1f} MB/s\n"
    )
    print("| what | median | p95 | p99 | max |")
    print("|---|---:|---:|---:|---:|")
    for field, unit, scale in [
        ("replay_lag", "s", 1),
        ("write_lag", "s", 1),
        ("flush_lag", "s", 1),
        ("unreplayed", "MB", 2**20),
    ]:
        values = [float(row[field] or 0) / scale for row in rows]
        figures = [statistics.median(values), percentile(values, 0.95), percentile(values, 0.99), max(values)]
        print(f"| {field} ({unit}) | " + " | ".join(f"{v:,.2f}" for v in figures) + " |")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "sample":
        return sample(argv[1])
    if len(argv) >= 2 and argv[0] == "summary":
        return summary(*argv[1:4])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

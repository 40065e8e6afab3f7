#!/usr/bin/env python
"""Pool sizes: the load benchmark's tracking and reviewer inbox, served by gunicorn connected to
PostgreSQL directly, then through a real PgBouncer in transaction mode (``.ci/pgbouncer``) at a
few pool sizes (docs/scaling.md).

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc_bench .venv/bin/python benchmarks/bench_pgbouncer.py

The machinery is ``bench_load.py``'s (seeding while the database holds fewer than
``BENCH_DOSSIERS``, default 1,000,000; the bench data; warm-up; one headless locust run per target
and configuration). ``BENCH_WORKERS`` sync gunicorn workers (default 4, each holding one client
connection) and ``BENCH_USERS`` locust users (default 8) for ``BENCH_DURATION`` (default 10s);
``BENCH_POOL_SIZES`` (default ``1,2,4``) are PgBouncer's ``default_pool_size``, the server
connections all workers share; ``BENCH_PGBOUNCER_PORT`` (default 6432). Prints a Markdown table of
requests per second and the 50th/99th percentiles, with the load average at the start of each run
(the machine is shared). Needs pgbouncer (Debian's package) and, like ``.ci/pgbouncer``, runs it as
the postgres user when run as root.
"""

import json
import os
import subprocess  # nosec B404 (runs this project's own tools)
import sys
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_load  # noqa: E402

ROOT = bench_load.ROOT
TARGETS = [("TrackingByCode", "public tracking, code + secret"), ("ReviewerInbox", "reviewer inbox")]


def through(database_url: str, port: int) -> str:
    """The same database, reached on ``port`` (PgBouncer) instead."""
    parts = urlsplit(database_url)
    host = f"{parts.username}:{parts.password}@127.0.0.1:{port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("bench_pgbouncer: needs PostgreSQL. Set DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/...")
        return 2
    wanted = int(os.environ.get("BENCH_DOSSIERS", "1000000"))
    users = int(os.environ.get("BENCH_USERS", "8"))
    workers = int(os.environ.get("BENCH_WORKERS", "4"))
    duration = os.environ.get("BENCH_DURATION", "10s")
    port = int(os.environ.get("BENCH_PORT", "8765"))
    bouncer = int(os.environ.get("BENCH_PGBOUNCER_PORT", "6432"))
    pools = [int(size) for size in os.environ.get("BENCH_POOL_SIZES", "1,2,4").split(",") if size]
    primary_port = str(urlsplit(database_url).port or 5432)

    environment = bench_load.server_environment(port)
    bench_load.setup_django(environment)
    dossiers = bench_load.seed(wanted)
    bench_load.RAW.mkdir(parents=True, exist_ok=True)
    data = bench_load.bench_data()
    data["citizens"] = bench_load.bench_citizens(1)
    host = f"http://127.0.0.1:{port}"
    import redis

    rows = []
    for pool in [None, *pools]:
        env = dict(environment)
        if pool is not None:
            subprocess.run(  # nosec B603
                [str(ROOT / ".ci" / "pgbouncer"), "start", primary_port, str(bouncer), str(pool)], check=True
            )
            env["DATABASE_URL"] = through(database_url, bouncer)
            env["DATABASE_TRANSACTION_POOLING"] = "1"
        redis.Redis.from_url(env["CACHE_URL"]).flushdb()
        server = bench_load.start_server(env, port, workers, boot_seconds=120)
        try:
            bench_load.warm_up(host, data)
            (bench_load.RAW / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            for user_class, label in TARGETS:
                load = os.getloadavg()[0]
                result = bench_load.run_target(
                    user_class, host=host, users=users, duration=duration, environment=env
                )
                name = "direct" if pool is None else f"PgBouncer, pool {pool}"
                rows.append((name, label, load, result))
                print(name, label, f"load {load:.1f}", result, flush=True)
        finally:
            bench_load.stop_server(server)
            if pool is not None:
                subprocess.run([str(ROOT / ".ci" / "pgbouncer"), "stop", str(bouncer)], check=False)  # nosec B603

    print()
    print(
        f"{dossiers:,} dossiers; gunicorn {workers} sync workers (one client connection each), "
        f"{users} locust users for {duration}; times in ms."
    )
    print()
    print("| connection | target | load avg | requests/s | p50 | p99 | failures |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, label, load, result in rows:
        if not result or "skipped" in result:
            print(f"| {name} | {label} | {load:.1f} | skipped | | | |")
            continue
        print(
            f"| {name} | {label} | {load:.1f} | {result['rps']:.1f} | {result['p50']:.0f} | "
            f"{result['p99']:.0f} | {result['failures']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

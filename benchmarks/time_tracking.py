#!/usr/bin/env python
"""The tail of public tracking's time, in process: thousands of lookups as the load benchmark's
users make them, through the WSGI application as a gunicorn worker calls it (issue 25).

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc CACHE_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python benchmarks/time_tracking.py

The process is set up as a gunicorn worker of ``bench_load.py`` is (persistent connections, the
cache in Redis, ``gunicorn.conf.py``'s ``post_worker_init`` run once the application is loaded),
the cache's database is flushed, then for each view (by code and secret, by QR token)
``TRACK_REQUESTS`` (default 10,000) lookups of dossiers drawn at random from the load benchmark's
1,000 (its ``bench_data``), each from another client address: the first lookup of a dossier
reads the database and keeps the page (a miss), the others are served from the cache (a hit),
as in a load run of about that many requests. For each view, hits and misses apart: the
percentiles of the wall and CPU time of a request, and the garbage collector's passes (from
``gc.callbacks``): how many of each generation, their time, and the requests they fell in. A
p99 of the whole is a figure of the misses whenever they are more than 1 % of the requests.
The machine's other jobs show in the wall times; the CPU times are this process's own.
"""

import gc
import importlib.util
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from in_process import setup_django

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


class Collections:
    """The garbage collector's passes, timed (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.passes: list[tuple[int, float]] = []  # (generation, seconds)

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.passes.append((info["generation"], time.perf_counter() - self.started))


def worker_setup() -> None:
    """What a gunicorn worker of the load benchmark does before its first request."""
    setup_django(
        HCC_BENCH_VIEWS="1",
        TRUSTED_PROXY_COUNT="1",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="127.0.0.1",
    )
    from hcc.wsgi import application  # noqa: F401 (loaded as the worker loads it)

    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    if hasattr(conf, "post_worker_init"):
        conf.post_worker_init(None)


def environ(path: str, query: str, n: int) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256 or 1}",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def dossiers() -> list[tuple[str, str, str]]:
    """The load benchmark's sample (``bench_load.bench_data``)."""
    from django.db.models import Max, Min

    from dossiers.models import Dossier

    bounds = Dossier.objects.aggregate(low=Min("id"), high=Max("id"))
    rng = random.Random(8)
    ids = {rng.randint(bounds["low"], bounds["high"]) for _ in range(3000)}
    return list(Dossier.objects.filter(id__in=ids).values_list("code", "secret", "tracking_token")[:1000])


def run(name: str, lookups: list[tuple[str, str]], requests: int, collections: Collections) -> None:
    from django.core.cache import cache
    from django.db import connection

    from hcc.wsgi import application

    statuses: dict[int, int] = {}

    def start_response(status, headers, exc_info=None):
        code = int(status.split()[0])
        statuses[code] = statuses.get(code, 0) + 1

    rng = random.Random(25)
    count = [0]
    sql_seconds = [0.0]

    def counted(execute, sql, params, many, context):
        count[0] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds[0] += time.perf_counter() - started

    rows = []  # (miss, wall, cpu, gc seconds, oldest generation collected or -1, SQL wall seconds)
    cache.clear()
    with connection.execute_wrapper(counted):
        for n in range(1, requests + 1):
            path, query = rng.choice(lookups)
            count[0], sql_seconds[0] = 0, 0.0
            before = len(collections.passes)
            wall, cpu = time.perf_counter(), time.process_time()
            result = application(environ(path, query, n), start_response)
            b"".join(result)
            result.close()
            cpu = time.process_time() - cpu
            wall = time.perf_counter() - wall
            passes = collections.passes[before:]
            rows.append(
                (
                    count[0] > 0,
                    wall,
                    cpu,
                    sum(seconds for _generation, seconds in passes),
                    max((generation for generation, _seconds in passes), default=-1),
                    sql_seconds[0],
                )
            )
    print(f"\n{name}: {requests} requests, answers {statuses}")
    head = ("n", "p50", "p90", "p99", "p99.9", "max")
    print(f"{'ms':<12} " + " ".join(f"{h:>6}" for h in head) + "  (wall, CPU, SQL's wall)")
    for label, chosen in (
        ("all", rows),
        ("hits", [row for row in rows if not row[0]]),
        ("misses", [row for row in rows if row[0]]),
    ):
        for kind, column in (("wall", 1), ("cpu", 2), ("sql", 5)):
            values = [1000 * row[column] for row in chosen]
            if not values:
                continue
            print(
                f"{label + ' ' + kind:<12} {len(values):>6} {statistics.median(values):6.2f} "
                f"{percentile(values, 0.9):6.2f} {percentile(values, 0.99):6.2f} "
                f"{percentile(values, 0.999):6.2f} {max(values):6.2f}"
            )
    for generation in (0, 1, 2):
        times = [1000 * seconds for g, seconds in collections.passes if g == generation]
        if times:
            print(
                f"gc gen{generation}: {len(times)} passes, median {statistics.median(times):.3f} ms, "
                f"max {max(times):.2f} ms, total {sum(times):.1f} ms"
            )
    slow = sorted(rows, key=lambda row: row[1])[-max(1, requests // 100) :]
    print(
        f"slowest 1 %: {sum(row[0] for row in slow)} misses, "
        f"{sum(row[4] == 2 for row in slow)} with a full collection, "
        f"gc in them {1000 * sum(row[3] for row in slow) / len(slow):.2f} ms a request on average"
    )
    collections.passes.clear()


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("time_tracking: needs the benchmark's PostgreSQL database in DATABASE_URL")
        return 2
    worker_setup()
    requests = int(os.environ.get("TRACK_REQUESTS", "10000"))
    sample = dossiers()
    from django.urls import reverse

    by_code = [(reverse("dossiers:track"), urlencode({"code": c, "secret": s})) for c, s, _t in sample]
    by_token = [(reverse("dossiers:track_token", args=[t]), "") for _c, _s, t in sample]
    collections = Collections()
    gc.callbacks.append(collections)
    print(
        f"{len(sample)} dossiers; objects the collector tracks: {len(gc.get_objects())}, "
        f"frozen: {gc.get_freeze_count()}, thresholds {gc.get_threshold()}"
    )
    for name, lookups in (("tracking by code and secret", by_code), ("tracking by QR token", by_token)):
        run(name, lookups, requests, collections)
        print(f"objects the collector tracks after: {len(gc.get_objects())}, frozen: {gc.get_freeze_count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Where the pages of the online submission spend their time: the walk of ``time_pages.py`` (one
submission, one dossier a run), each page requested in-process under cProfile.

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc .venv/bin/python benchmarks/profile_online_pages.py

For each page: its statements (one request) and the functions with the most time, cumulative and
their own, printed. ``PROFILE_REQUESTS`` (default 20) requests a page after two not counted;
``PROFILE_PAGES`` a comma-separated subset of the names (``online: office``, ...);
``PROFILE_CPU=1`` counts this process's CPU time instead of the wall clock (on a loaded machine
the wall clock charges other jobs' turns to whatever function was running).
"""

import cProfile
import io
import os
import pstats
import sys
import time

import time_pages


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("profile_online_pages: needs the benchmark's PostgreSQL database in DATABASE_URL")
        return 2
    time_pages.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    requests = int(os.environ.get("PROFILE_REQUESTS", "20"))
    only = [name for name in os.environ.get("PROFILE_PAGES", "").split(",") if name]
    start = next(page for page in time_pages.pages() if page[0] == "online: start")
    client = Client()
    client.force_login(User.objects.get(username=start[1]))
    for name, method, url, data in time_pages.wizard_pages(client, start[2]):
        if only and name not in only:
            continue
        send = getattr(client, method)
        for _ in range(2):
            send(url, data)
        statements = []

        def logged(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(logged):
            send(url, data)
        timer = (time.process_time,) if os.environ.get("PROFILE_CPU") else ()
        profiler = cProfile.Profile(*timer)
        profiler.enable()
        for _ in range(requests):
            send(url, data)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(20)
        print(f"\n===== {name} ({method.upper()} {url}), {len(statements)} statements")
        for sql in statements:
            print("  ", sql[:220])
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""In-process time of a request to each staff page, the online submission's pages and tracking,
against hello in the same process (issue 25): the whole middleware stack through Django's test
client, no profiler, no network. On a machine shared with other jobs the wall-clock rate of a load
run is noisy; this is the figure to compare before and after a change.

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc .venv/bin/python benchmarks/time_pages.py

``TIME_REQUESTS`` (default 60) requests a page after five not counted; ``TIME_PAGES`` a
comma-separated subset of the names printed. For each page: the median and the 90th percentile of
the wall time of a request, the median of the process's CPU time (PostgreSQL's own time is in
another process), the SQL statements of a request, and the median as a multiple of hello's.
The database must hold the load benchmark's data (``bench_load.py`` seeds it).
"""

import os
import statistics
import sys
import time
from pathlib import Path

from in_process import reviewer_dossier_code, setup_django

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    setup_django(HCC_BENCH_VIEWS="1", TRUSTED_PROXY_COUNT="1")


def pages():
    """(name, username or None, URL, query parameters, headers) of each page timed."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from dossiers.models import Dossier
    from procedures.models import Procedure

    code = reviewer_dossier_code()
    procedure = Procedure.objects.filter(is_active=True, accepts_online=True).order_by("code").first()
    token = Dossier.objects.order_by("-id").values_list("tracking_token", flat=True).first()
    citizen = User.objects.filter(role="citizen").order_by("id").values_list("username", flat=True).first()
    today = timezone.localdate()  # the load benchmark's year (bench_load.bench_data)
    year = {"date_from": (today - timedelta(days=364)).isoformat(), "date_to": today.isoformat()}
    forwarded = {"HTTP_X_FORWARDED_FOR": None}  # another client address each time (the rate limit)
    return [
        ("hello", None, "/bench/hello/", {}, {}),
        ("tracking QR", None, reverse("dossiers:track_token", args=[token]), {}, forwarded),
        ("reviewer inbox", "tuphap", reverse("dossiers:inbox"), {}, {}),
        ("dossier staff page", "tuphap", reverse("dossiers:detail", args=[code]), {}, {}),
        ("desk intake form", "motcua", reverse("dossiers:desk_intake"), {"procedure": procedure.code}, {}),
        ("desk online queue", "motcua", reverse("dossiers:desk_online_queue"), {}, {}),
        ("desk returns", "motcua", reverse("dossiers:desk_returns"), {}, {}),
        ("dashboard year", "lanhdao", reverse("dashboards:dashboard"), year, {}),
        ("online: start", citizen, reverse("dossiers:submit_start", args=[procedure.code]), {}, {}),
    ]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWERS = {
    "applicant": {"kind": "person", "name": "Nguyễn Văn Thử", "id_number": "001203004567"},
    "contact": {"phone": "0912 345 678", "email": "thu@example.vn", "address": "Số 1 Trần Phú"},
}


def wizard_pages(client, start_url: str):
    """Walk one online submission as the load benchmark's citizen does, yielding (name, method,
    URL, data) of each page before moving on: the GET of each step, the POST of each question
    group (they only write the session, so they can be repeated), the check page and, after the
    one send of the run (one dossier a run), the confirmation page."""
    import re
    from io import BytesIO

    response = client.get(start_url)
    url = response.headers["Location"]
    if not url.endswith("/nguoi-nop/"):
        raise RuntimeError(f"the citizen has a submission under way at {url}: start from a fresh one")
    for step, data in ANSWERS.items():
        yield f"online: {step}", "get", url, {}
        yield f"online: {step} POST", "post", url, data
        url = client.post(url, data).headers["Location"]
    yield "online: office", "get", url, {}
    page = client.get(url).content.decode()
    office = re.search(r'<select name="office"[^>]*>.*?<option value="(\d+)"', page, re.S).group(1)
    data = {"office": office, "return_method": "counter"}
    if agency := re.search(r'<select name="resolving_agency"[^>]*>.*?<option value="(\d+)"', page, re.S):
        data["resolving_agency"] = agency.group(1)  # a procedure of the communes
    yield "online: office POST", "post", url, data
    url = client.post(url, data).headers["Location"]
    page = client.get(url).content.decode()
    files = {}
    for name in re.findall(r'type="file" name="(document_\d+)"', page):
        pdf = BytesIO(PDF)
        pdf.name = "giay-to.pdf"
        files[name] = pdf
    # the upload once (a kept file a document); then the page with its kept files
    check = client.post(url, files).headers["Location"]
    yield "online: documents", "get", url, {}
    yield "online: documents POST", "post", url, {}
    yield "online: check", "get", check, {}
    page = client.get(check).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    version = re.search(r'name="consent" value="([^"]+)"', page).group(1)
    done = client.post(check, {"form_token": token, "consent": version}).headers["Location"]
    if "/da-gui/" not in done:
        raise RuntimeError(f"not sent: {done}")
    yield "online: done", "get", done, {}


def time_page(client, url, params, headers, requests: int, method: str = "get") -> dict:
    import itertools

    from django.db import connection

    numbers = itertools.count(1)

    def fresh(headers):
        if "HTTP_X_FORWARDED_FOR" not in headers:
            return headers
        n = next(numbers)
        return {**headers, "HTTP_X_FORWARDED_FOR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}

    for _ in range(5):
        response = getattr(client, method)(url, params, **fresh(headers))
        assert response.status_code in (200, 302), (url, response.status_code)  # noqa: S101  # nosec B101
    walls, cpus, counts = [], [], []
    count = [0]

    def counted(execute, sql, params_, many, context):
        count[0] += 1
        return execute(sql, params_, many, context)

    with connection.execute_wrapper(counted):
        for _ in range(requests):
            count[0] = 0
            sent = fresh(headers)
            wall, cpu = time.perf_counter(), time.process_time()
            getattr(client, method)(url, params, **sent)
            cpus.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - wall)
            counts.append(count[0])
    walls.sort()
    return {
        "wall": 1000 * statistics.median(walls),
        "p90": 1000 * walls[int(0.9 * (len(walls) - 1))],
        "cpu": 1000 * statistics.median(cpus),
        "queries": f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}–{max(counts)}",
    }


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("time_pages: needs the benchmark's PostgreSQL database in DATABASE_URL")
        return 2
    setup()
    from django.test import Client

    from accounts.models import User

    requests = int(os.environ.get("TIME_REQUESTS", "60"))
    only = [name for name in os.environ.get("TIME_PAGES", "").split(",") if name]
    clients: dict[str | None, Client] = {}
    hello = None
    print(f"{'page':<24} {'wall ms':>8} {'p90 ms':>8} {'cpu ms':>8} {'x hello':>8}  queries")
    for name, username, url, params, headers in pages():
        if (
            only
            and name not in only
            and name != "hello"
            and not (name == "online: start" and any(n.startswith("online: ") for n in only))
        ):
            continue
        if username not in clients:
            clients[username] = Client()
            if username:
                clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        if name == "online: start":
            # each GET of the start makes a new draft: time the wizard's first page instead
            for step, method, step_url, data in wizard_pages(client, url):
                if only and step not in only and name not in only:
                    continue
                result = time_page(client, step_url, data, {}, requests, method)
                print(
                    f"{step:<24} {result['wall']:8.2f} {result['p90']:8.2f} {result['cpu']:8.2f} "
                    f"{result['wall'] / hello:8.1f}  {result['queries']}",
                    flush=True,
                )
            continue
        result = time_page(client, url, params, headers, requests)
        if name == "hello":
            hello = result["wall"]
        print(
            f"{name:<24} {result['wall']:8.2f} {result['p90']:8.2f} {result['cpu']:8.2f} "
            f"{result['wall'] / hello:8.1f}  {result['queries']}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

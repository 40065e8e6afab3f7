#!/usr/bin/env python
"""Load benchmark: gunicorn (2 sync workers, persistent database connections) on loopback against
PostgreSQL, driven by a bounded headless locust run per target (benchmarks/locustfile.py).

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc make bench
    DATABASE_URL=... BENCH_DOSSIERS=2000 BENCH_DURATION=10s .venv/bin/python benchmarks/bench_load.py

It needs PostgreSQL (``DATABASE_URL``) and says so otherwise, and Redis for the cache the workers
share (``BENCH_CACHE_URL``, default ``redis://127.0.0.1:6379/7``, flushed first). The database is
migrated, and seeded with ``manage.py seed_demo --dossiers N`` while it holds fewer than ``BENCH_DOSSIERS``
dossiers (default 1,000,000; seeding that many takes long the first time). Each target runs alone
for ``BENCH_DURATION`` (default 20s) with ``BENCH_USERS`` concurrent users (default 4, two per
worker; ``BENCH_TARGETS=TrackingByCode,CatalogSearch`` runs only those, with hello); the table
gives requests per second and the 50th/95th/99th percentile response times, each target also as a
share of the plain "hello" view's requests per second in the same run (the machine's ceiling). It
is printed and written to ``benchmarks/results.md``; locust's raw CSV files go to
``benchmarks/raw/`` (not kept). Locust runs on the same machine and takes CPU from the server:
compare shares, not absolute figures, between machines.

Targets (shares of "hello" in the same run): public tracking at least 40 % with p99 under 15 ms,
catalog search page at least 10 %, online submission 20 %; the staff pages (reviewer inbox,
dossier staff page, desk intake form, online queue, returns) 15 % with p99 under 60 ms, the
dashboard for a year 10 % with p99 under 100 ms (issue 25). A benchmark server sends each
answer's SQL statement count (``X-Query-Count``, ``web.bench``); the table prints it per target.
"""

import csv
import json
import os
import random
import secrets
import subprocess  # nosec B404 (runs this project's own tools)
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "benchmarks" / "raw"
RESULTS = ROOT / "benchmarks" / "results.md"
VENV_BIN = Path(sys.executable).parent

# (locust user class, what the table calls it)
TARGETS = [
    ("Hello", "hello (ceiling)"),
    ("TrackingByCode", "public tracking, code + secret"),
    ("TrackingByQr", "public tracking, QR token"),
    ("CatalogSearch", "catalog search page"),
    ("OnlineSubmission", "online submission (all pages)"),
    ("ReviewerInbox", "reviewer inbox"),
    ("DossierPage", "dossier staff page"),
    ("DeskIntake", "desk intake form"),
    ("OnlineQueue", "desk online queue"),
    ("Returns", "desk returns"),
    ("Dashboard", "dashboard /thong-ke/, a year"),
]
# The pages staff live in all day: at least 15 % of hello with p99 under 60 ms (issue 25).
STAFF_PAGES = ("ReviewerInbox", "DossierPage", "DeskIntake", "OnlineQueue", "Returns")
SEARCH_TERMS = [
    "giay phep xay dung",
    "khai sinh",
    "ho tich",
    "dat dai",
    "kinh doanh",
    "ly lich tu phap",
    "chung thuc",
    "ket hon",
    "moi truong",
    "dau tu",
]
DEMO_PASSWORD = "HccDemo@2026"


def server_environment(port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "0",
        "HCC_BENCH_VIEWS": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "600"),
        # locust sends each tracking lookup from another address through one "proxy"
        "TRUSTED_PROXY_COUNT": "1",
        # One cache shared by the workers, as in production: the rate limits count across them and
        # a page cached by one worker serves the other (a per-process cache would not).
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/7"),
        "LOG_LEVEL": "WARNING",
        "PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }


def setup_django(environment: dict[str, str]) -> None:
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(wanted: int) -> int:
    from django.core.management import call_command

    from dossiers.models import Dossier

    call_command("migrate", "--noinput", verbosity=0)
    have = Dossier.objects.count()
    if have < wanted:
        print(
            f"Seeding: {have:,} dossiers in the database, {wanted:,} wanted (manage.py seed_demo) ...",
            flush=True,
        )
        started = time.monotonic()
        call_command("seed_demo", dossiers=wanted, verbosity=0)
        print(f"  seeded in {time.monotonic() - started:.0f} s", flush=True)
    return Dossier.objects.count()


def settle() -> None:
    """``VACUUM ANALYZE`` before the targets run, as autovacuum would in time: after a seed, the
    statistics and the visibility map without which the paginators' counts read every heap page
    instead of an index only (40 ms against 2 ms); after an earlier run and this run's own
    setup (its citizens' logins), their rows, which autovacuum otherwise takes up while the first
    targets are timed (seen on ``accounts_user`` and ``axes_accesslog`` in the first seconds of
    a run, on a machine of two cores)."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE in {time.monotonic() - started:.0f} s", flush=True)


def bench_citizens(number: int) -> list[list[str]]:
    """One citizen account per locust user of the online submission (0901 000 001, ...), made
    once: a citizen's drafts are per procedure, so users sharing one would take each other's."""
    from accounts.models import User
    from accounts.phones import normalize_phone
    from accounts.services import citizen_register

    logins = []
    for n in range(1, number + 1):
        phone = f"0901 000 {n:03d}"
        if not User.objects.filter(phone=normalize_phone(phone)).exists():
            citizen_register(full_name=f"Công dân đo tải {n}", password=DEMO_PASSWORD, phone=phone)
        logins.append([phone, DEMO_PASSWORD])
    return logins


def bench_data() -> dict:
    """Dossiers to look up, demo logins, a procedure open for online submission, dossiers the
    reviewer works on and the dashboard's year."""
    from datetime import timedelta

    from django.db.models import Count, Max, Min
    from django.utils import timezone

    from accounts.models import User
    from dossiers.models import Dossier, Step, StepStatus
    from procedures.models import Procedure

    bounds = Dossier.objects.aggregate(low=Min("id"), high=Max("id"))
    rng = random.Random(8)
    ids = {rng.randint(bounds["low"], bounds["high"]) for _ in range(3000)}
    tracking = list(Dossier.objects.filter(id__in=ids).values_list("code", "secret", "tracking_token")[:1000])
    procedure = (
        Procedure.objects.filter(is_active=True, accepts_online=True)
        .annotate(documents_count=Count("documents"))
        .filter(documents_count__gt=0)
        .order_by("documents_count", "code")
        .values_list("code", flat=True)
        .first()
    )
    reviewer_agency = User.objects.filter(username="tuphap").values_list("agency_id", flat=True).first()
    reviewer_dossiers = list(
        Step.objects.filter(agency_id=reviewer_agency, status__in=[StepStatus.ACTIVE, StepStatus.CLAIMED])
        .order_by("due_at", "id")
        .values_list("dossier__code", flat=True)[:200]
    )
    if not tracking or not procedure or not reviewer_dossiers:
        raise SystemExit("The database has no dossiers or no procedure open online: seed_demo did not run?")
    today = timezone.localdate()
    return {
        "reviewer_dossiers": reviewer_dossiers,
        "clerk": ["motcua", DEMO_PASSWORD],
        "dashboard_year": {
            "date_from": (today - timedelta(days=364)).isoformat(),
            "date_to": today.isoformat(),
        },
        "tracking": tracking,
        "search_terms": SEARCH_TERMS,
        "procedure": procedure,
        "citizen": ["0912 345 678", DEMO_PASSWORD],
        "reviewer": ["tuphap", DEMO_PASSWORD],
        "manager": ["lanhdao", DEMO_PASSWORD],
    }


def start_server(
    environment: dict[str, str], port: int, workers: int = 2, boot_seconds: int = 90
) -> subprocess.Popen:
    """gunicorn serving the portal on loopback ``port`` with ``workers`` sync workers, once it
    answers ``/bench/hello/`` (at most ``boot_seconds``)."""
    command = [
        str(VENV_BIN / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--access-logfile",
        "/dev/null",
        # no worker recycling during a run (production recycles every ~2,000 requests)
        "--max-requests",
        "0",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)  # nosec B603
    deadline = time.monotonic() + boot_seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/bench/hello/", timeout=10).status_code == 200:
                return server
        except requests.RequestException:
            pass  # still booting
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode})")
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer /bench/hello/ within {boot_seconds} s")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def run_target(user_class: str, *, host: str, users: int, duration: str, environment: dict) -> dict | None:
    prefix = RAW / user_class
    skip_file = RAW / f"{user_class}.skipped"
    skip_file.unlink(missing_ok=True)
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(ROOT / "benchmarks" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        duration,
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    queries_file = RAW / f"{user_class}.queries.json"
    queries_file.unlink(missing_ok=True)
    env = {
        **environment,
        "BENCH_DATA": str(RAW / "data.json"),
        "BENCH_SKIP_FILE": str(skip_file),
        "BENCH_QUERIES": str(queries_file),
    }
    subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)  # nosec B603
    if skip_file.exists():
        return {"skipped": skip_file.read_text(encoding="utf-8").strip()}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    if int(total["Request Count"]) == 0:
        return {"skipped": f"{user_class}: no request was made"}
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
        "queries": json.loads(queries_file.read_text(encoding="utf-8")) if queries_file.exists() else {},
    }


def query_counts(result: dict) -> str:
    """The SQL statements per request: "7", or "5–7" when they varied, or per page when the target
    has several ("start 3, check 9")."""

    def span(low_high):
        low, high = low_high
        return f"{low}" if low == high else f"{low}–{high}"

    queries = result.get("queries") or {}
    if len(queries) == 1:
        return span(next(iter(queries.values())))
    pages = sorted(queries.items())
    return ", ".join(f"{name.removeprefix('submit: ')} {span(v)}" for name, v in pages) or "–"


def log_in(host: str, username: str, password: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{host}/tai-khoan/dang-nhap/", timeout=60)
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = browser.post(
        f"{host}/tai-khoan/dang-nhap/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        allow_redirects=False,
        timeout=60,
    )
    if response.status_code != 302:
        raise SystemExit(f"login of {username} failed ({response.status_code})")
    return browser


def warm_up(host: str, data: dict) -> None:
    """A few requests per worker to every page measured, so that the first measured ones do not
    pay for imports and the first compile of their templates; and one login per account, whose
    session the locust users of a target share (``data["sessions"]``, see locustfile.py)."""
    code, secret, token = data["tracking"][0]
    for _ in range(20):
        requests.get(f"{host}/bench/hello/", timeout=10)
        requests.get(f"{host}/", params={"q": "khai sinh"}, timeout=10)
        requests.get(f"{host}/ho-so/tra-cuu/{token}/", headers={"X-Forwarded-For": "10.9.9.9"}, timeout=10)
    staff_pages = {
        "reviewer": ["/ho-so/xu-ly/", f"/ho-so/xem/{data['reviewer_dossiers'][0]}/"],
        "clerk": [
            f"/ho-so/quay/tiep-nhan/?procedure={data['procedure']}",
            "/ho-so/quay/truc-tuyen/",
            "/ho-so/quay/tra-ket-qua/",
        ],
        "manager": ["/thong-ke/"],
    }  # not the citizen: four wizards in one session would overwrite each other's steps
    data["sessions"] = {}
    for username, password in data.get("citizens", []):
        browser = log_in(host, username, password)
        data["sessions"][username] = [
            {"name": c.name, "value": c.value, "domain": c.domain, "path": c.path} for c in browser.cookies
        ]
    for role, pages in staff_pages.items():
        username, password = data[role]
        browser = log_in(host, username, password)
        data["sessions"][username] = [
            {"name": c.name, "value": c.value, "domain": c.domain, "path": c.path} for c in browser.cookies
        ]
        for _ in range(10):
            for page in pages:
                browser.get(f"{host}{page}", timeout=60)


def table(results: dict, hello_rps: float) -> list[str]:
    lines = [
        "| target | requests | req/s | share of hello | p50 ms | p95 ms | p99 ms | failures | queries |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for user_class, label in TARGETS:
        result = results.get(user_class)
        if result is None:
            continue
        if "skipped" in result:
            lines.append(f"| {label} | – | – | – | – | – | – | skipped: {result['skipped']} | – |")
            continue
        share = f"{100 * result['rps'] / hello_rps:.0f} %" if hello_rps else "–"
        lines.append(
            f"| {label} | {result['requests']:,} | {result['rps']:,.0f} | {share} | {result['p50']:.0f} | "
            f"{result['p95']:.0f} | {result['p99']:.0f} | {result['failures']} | {query_counts(result)} |"
        )
    return lines


def verdicts(results: dict, hello_rps: float) -> list[str]:
    lines = []

    def share(name):
        result = results.get(name) or {}
        return 100 * result.get("rps", 0) / hello_rps if hello_rps else 0

    for name, label in (("TrackingByCode", "code + secret"), ("TrackingByQr", "QR token")):
        result = results.get(name) or {}
        ok = share(name) >= 40 and result.get("p99", 1e9) < 15
        lines.append(
            f"- public tracking ({label}) ≥ 40 % of hello with p99 < 15 ms: {'met' if ok else 'MISSED'} "
            f"({share(name):.0f} %, p99 {result.get('p99', float('nan')):.0f} ms)"
        )
    ok = share("CatalogSearch") >= 10
    lines.append(
        f"- catalog search page ≥ 10 % of hello: {'met' if ok else 'MISSED'} ({share('CatalogSearch'):.0f} %)"
    )
    online = share("OnlineSubmission")
    verdict = "met" if online >= 20 else "MISSED"
    lines.append(f"- online submission ≥ 20 % of hello: {verdict} ({online:.0f} %)")
    for name, label in TARGETS:
        if name not in STAFF_PAGES and name != "Dashboard":
            continue
        result = results.get(name) or {}
        least, p99 = (15, 60) if name in STAFF_PAGES else (10, 100)
        ok = share(name) >= least and result.get("p99", 1e9) < p99
        lines.append(
            f"- {label} ≥ {least} % of hello with p99 < {p99} ms: {'met' if ok else 'MISSED'} "
            f"({share(name):.0f} %, p99 {result.get('p99', float('nan')):.0f} ms)"
        )
    return lines


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        print(
            "bench_load: needs PostgreSQL. Set DATABASE_URL, e.g.\n"
            "  DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc make bench"
        )
        return 2
    wanted = int(os.environ.get("BENCH_DOSSIERS", "1000000"))
    users = int(os.environ.get("BENCH_USERS", "4"))
    duration = os.environ.get("BENCH_DURATION", "20s")
    port = int(os.environ.get("BENCH_PORT", "8765"))
    only = [name for name in os.environ.get("BENCH_TARGETS", "").split(",") if name]
    environment = server_environment(port)
    setup_django(environment)
    dossiers = seed(wanted)
    RAW.mkdir(parents=True, exist_ok=True)
    data = bench_data()
    data["citizens"] = bench_citizens(users)
    (RAW / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    settle()

    host = f"http://127.0.0.1:{port}"
    import redis

    redis.Redis.from_url(environment["CACHE_URL"]).flushdb()  # no page or rate count from an earlier run
    server = start_server(environment, port)
    results = {}
    try:
        warm_up(host, data)
        (RAW / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for user_class, label in TARGETS:
            if only and user_class not in only and user_class != "Hello":
                continue
            print(f"  {label}: {users} users for {duration} ...", flush=True)
            results[user_class] = run_target(
                user_class, host=host, users=users, duration=duration, environment=environment
            )
            if "skipped" in results[user_class]:
                print(f"    SKIPPED {results[user_class]['skipped']}", flush=True)
    finally:
        stop_server(server)

    hello_rps = (results.get("Hello") or {}).get("rps", 0.0)
    commit = subprocess.run(  # nosec B603 B607
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    report = [
        "# Load benchmark results",
        "",
        f"`benchmarks/bench_load.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}: "
        f"gunicorn with 2 sync workers and persistent connections on loopback, PostgreSQL with "
        f"{dossiers:,} dossiers, {users} locust users per target for {duration}, on {os.cpu_count()} "
        "cores shared with locust itself. Times in milliseconds.",
        "",
        *table(results, hello_rps),
        "",
        "Targets (shares of hello in the same run):",
        "",
        *verdicts(results, hello_rps),
        "",
        "Online submission counts every request of a whole submission (six pages, the files, send). "
        "Queries: the SQL statements of one request (lowest–highest seen; per page for the submission), "
        "session and user included.",
        "",
    ]
    print("\n".join(report))
    RESULTS.write_text("\n".join(report), encoding="utf-8")
    print(f"Written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

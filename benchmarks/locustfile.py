"""Locust users of the load benchmark (benchmarks/bench_load.py runs them one target at a time).

Each class is one target; ``bench_load.py`` names it on locust's command line. The data the users
need (dossier codes with their secrets and QR tokens, demo logins, a procedure open online) comes
from the JSON file named by ``BENCH_DATA``. A target whose address answers 404 (a feature not in
this build, e.g. the dashboard) is skipped: it says so and writes the reason to
``BENCH_SKIP_FILE``.
"""

import json
import os
import random
import re
from html import unescape
from itertools import count
from pathlib import Path

import gevent
import requests
from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

DATA = (
    json.loads(Path(os.environ["BENCH_DATA"]).read_text(encoding="utf-8"))
    if "BENCH_DATA" in os.environ
    else {}
)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OFFICE = re.compile(r'<select name="office"[^>]*>.*?<option value="(\d+)"', re.S)
DOCUMENT_INPUT = re.compile(r'type="file" name="(document_\d+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def random_client() -> dict:
    """Another client address for each lookup (behind one trusted proxy): the per-address rate
    limit of tracking is then counted, as in production, without refusing the benchmark."""
    return {
        "X-Forwarded-For": f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    }


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body (locust's fast client takes bytes, not files)."""
    boundary = f"----bench{random.getrandbits(64):016x}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def form_fields(html: str, *, tick: tuple[str, ...] = ()) -> dict[str, str]:
    """What a browser sends of a page's form besides what the user types: its hidden inputs (the
    CSRF token, the one-time submission token) and the boxes named in ``tick``, ticked."""
    fields = {}
    for tag in INPUT.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag))
        name, kind = attributes.get("name"), attributes.get("type")
        if name and (kind == "hidden" or (kind == "checkbox" and name in tick)):
            fields[name] = unescape(attributes.get("value", "on"))
    if "csrfmiddlewaretoken" not in fields:
        raise RuntimeError("no CSRF token on the page")
    return fields


def csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


class Target(FastHttpUser):
    abstract = True
    probe = "/"  # answered 404: the target is not in this build

    def log_in(self, username: str, password: str) -> None:
        """Log in outside locust's client (logins are not what is measured, and hashing the
        password costs a third of a second), then hand the session cookie to that client.
        ``bench_load.py`` logs each account in once before the runs (``DATA["sessions"]``): the
        users of a target then share that session, and no password is hashed while a target is
        measured (four logins took seconds of the two workers inside a 15-second window)."""
        saved = DATA.get("sessions", {}).get(username)
        if saved:
            for cookie in saved:
                self.client.cookiejar.set_cookie(requests.cookies.create_cookie(**cookie))
            return
        with requests.Session() as browser:
            page = browser.get(f"{self.host}/tai-khoan/dang-nhap/", timeout=60)
            response = browser.post(
                f"{self.host}/tai-khoan/dang-nhap/",
                data={"csrfmiddlewaretoken": csrf(page.text), "username": username, "password": password},
                allow_redirects=False,
                timeout=60,
            )
            if response.status_code != 302:
                raise RuntimeError(f"login of {username} failed ({response.status_code})")
            for cookie in browser.cookies:
                self.client.cookiejar.set_cookie(cookie)


class Hello(Target):
    probe = "/bench/hello/"

    @task
    def hello(self):
        self.client.get("/bench/hello/", name="hello")


class CatalogSearch(Target):
    probe = "/"

    @task
    def search(self):
        term = random.choice(DATA["search_terms"])
        self.client.get("/", params={"q": term}, name="catalog search")


class TrackingByCode(Target):
    probe = "/ho-so/tra-cuu/"

    @task
    def track(self):
        code, secret, _token = random.choice(DATA["tracking"])
        self.client.get(
            "/ho-so/tra-cuu/",
            params={"code": code, "secret": secret},
            headers=random_client(),
            name="tracking",
        )


class TrackingByQr(Target):
    probe = "/ho-so/tra-cuu/"

    @task
    def track(self):
        _code, _secret, token = random.choice(DATA["tracking"])
        self.client.get(f"/ho-so/tra-cuu/{token}/", headers=random_client(), name="tracking by QR")


class OnlineSubmission(Target):
    """A whole online submission: the guided form's six pages, a PDF for every document, send."""

    probe = f"/thu-tuc/{DATA.get('procedure', '')}/"
    # Each locust user is its own citizen (bench_load.py makes one per user): one citizen's users
    # would resume each other's draft and post to the wrong step.
    numbers = count()

    def on_start(self):
        citizens = DATA.get("citizens") or [DATA["citizen"]]
        self.log_in(*citizens[next(self.numbers) % len(citizens)])

    @task
    def submit(self):
        start = self.client.get(
            f"/ho-so/nop-truc-tuyen/{DATA['procedure']}/", name="submit: start", allow_redirects=False
        )
        url = start.headers["Location"]
        answers = [
            {"kind": "person", "name": "Nguyễn Văn Thử", "id_number": "001203004567"},
            {"phone": "0912 345 678", "email": "thu@example.vn", "address": "Số 1 Trần Phú"},
        ]
        for step, data in zip(("applicant", "contact"), answers, strict=True):
            page = self.client.get(url, name=f"submit: {step}")
            response = self.client.post(
                url,
                data={**form_fields(page.text), **data},
                name=f"submit: {step}",
                allow_redirects=False,
            )
            url = response.headers["Location"]
        page = self.client.get(url, name="submit: office")
        office = OFFICE.search(page.text).group(1)
        response = self.client.post(
            url,
            data={**form_fields(page.text), "office": office, "return_method": "counter"},
            name="submit: office",
            allow_redirects=False,
        )
        url = response.headers["Location"]
        page = self.client.get(url, name="submit: documents")
        files = dict.fromkeys(DOCUMENT_INPUT.findall(page.text), ("giay-to.pdf", PDF, "application/pdf"))
        body, content_type = multipart(form_fields(page.text), files)
        response = self.client.post(
            url,
            data=body,
            headers={"Content-Type": content_type},
            name="submit: documents",
            allow_redirects=False,
        )
        url = response.headers["Location"]
        page = self.client.get(url, name="submit: check")
        with self.client.post(
            url,
            data=form_fields(page.text, tick=("consent",)),
            name="submit: send",
            allow_redirects=False,
            catch_response=True,
        ) as sent:
            if sent.status_code != 302 or "/da-gui/" not in sent.headers.get("Location", ""):
                sent.failure(f"not sent ({sent.status_code})")


class ReviewerInbox(Target):
    probe = "/ho-so/xu-ly/"

    def on_start(self):
        self.log_in(*DATA["reviewer"])

    @task
    def inbox(self):
        self.client.get("/ho-so/xu-ly/", name="reviewer inbox")


class DossierPage(Target):
    """The dossier page a reviewer opens from the inbox (steps, files, timeline, actions)."""

    probe = "/ho-so/xu-ly/"

    def on_start(self):
        self.log_in(*DATA["reviewer"])

    @task
    def dossier(self):
        code = random.choice(DATA["reviewer_dossiers"])
        self.client.get(f"/ho-so/xem/{code}/", name="dossier staff page")


class DeskIntake(Target):
    """The counter clerk's intake form of a procedure (the page a walk-in dossier is typed on)."""

    probe = "/ho-so/quay/tiep-nhan/"

    def on_start(self):
        self.log_in(*DATA["clerk"])

    @task
    def intake_form(self):
        params = {"procedure": DATA["procedure"]}
        self.client.get("/ho-so/quay/tiep-nhan/", params=params, name="desk intake form")


class OnlineQueue(Target):
    probe = "/ho-so/quay/truc-tuyen/"

    def on_start(self):
        self.log_in(*DATA["clerk"])

    @task
    def queue(self):
        self.client.get("/ho-so/quay/truc-tuyen/", name="desk online queue")


class Returns(Target):
    probe = "/ho-so/quay/tra-ket-qua/"

    def on_start(self):
        self.log_in(*DATA["clerk"])

    @task
    def returns(self):
        self.client.get("/ho-so/quay/tra-ket-qua/", name="desk returns")


class Dashboard(Target):
    """The manager's dashboard for a whole year (the last 365 days)."""

    probe = "/thong-ke/"

    def on_start(self):
        self.log_in(*DATA["manager"])

    @task
    def dashboard(self):
        self.client.get("/thong-ke/", params=DATA["dashboard_year"], name="dashboard")


# The SQL statements of each answer (X-Query-Count, sent by a benchmark server), by request name:
# the lowest and highest seen, written to BENCH_QUERIES when the run ends.
QUERIES: dict[str, list[int]] = {}


@events.request.add_listener
def count_queries(request_type, name, response=None, exception=None, **kwargs):
    value = response.headers.get("X-Query-Count") if response is not None and response.headers else None
    if value is None or exception is not None:
        return
    low_high = QUERIES.setdefault(name, [int(value), int(value)])
    low_high[0], low_high[1] = min(low_high[0], int(value)), max(low_high[1], int(value))


@events.quitting.add_listener
def write_queries(environment, **kwargs):
    if os.environ.get("BENCH_QUERIES"):
        Path(os.environ["BENCH_QUERIES"]).write_text(json.dumps(QUERIES), encoding="utf-8")


@events.test_start.add_listener
def skip_missing_targets(environment, **kwargs):
    """Quit at once, saying why, when the target's address is not routed in this build."""
    for user_class in environment.user_classes:
        response = requests.get(environment.host + user_class.probe, allow_redirects=False, timeout=10)
        if response.status_code == 404:
            reason = f"{user_class.__name__}: {user_class.probe} answers 404 (not in this build), skipped"
            print(f"SKIPPED {reason}", flush=True)
            if os.environ.get("BENCH_SKIP_FILE"):
                with open(os.environ["BENCH_SKIP_FILE"], "a", encoding="utf-8") as out:
                    out.write(reason + "\n")
            gevent.spawn_later(0.1, environment.runner.quit)

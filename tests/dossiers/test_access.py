"""Who sees what: a dossier is visible to its applicant, its intake office, the agencies of its
steps and the managers above them — to no one else, and to them every dossier URL is a 404."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import Role
from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import StepStatus
from dossiers.services import Intake
from dossiers.workflow import Status
from procedures.services import agency_upsert
from tests.factories import PDF_BYTES, VALID_ID_NUMBER, StaffFactory, applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=VN)  # a Monday morning

STEP_ACTIONS = ["claim", "forward", "send_back", "request_supplement", "approve", "refuse", "request_payment"]
FILLED = {
    "note": "x",
    "reason": "x",
    "items": "x",
    "result_note": "x",
    "amount": "1000",
    "new_date": "31/12/2026",
}


@pytest.fixture
def case(world):
    """An online dossier with a file, accepted at the center: step 1 at STP (claimed by reviewer
    A), step 2 at SXD waiting."""
    with freeze_time(NOW):
        docs = list(world.procedure.documents.order_by("order"))
        intake = Intake(
            applicant=applicant(),
            files=[
                FileUpload(name="don.pdf", content=PDF_BYTES, document_id=docs[0].id),
                FileUpload(name="ban-ve.pdf", content=PDF_BYTES, document_id=docs[1].id),
            ],
        )
        dossier = services.dossier_submit(
            actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
        )
        services.dossier_accept(actor=world.clerk, dossier=dossier)
        services.step_claim(actor=world.reviewer_a, step=dossier.steps.get(order=1))
    return dossier


def outsiders(world):
    """People who must not see the dossier, whatever their role."""
    elsewhere, _ = agency_upsert(
        code="UBNDT2", name="UBND tỉnh khác", level="province", kind="peoples_committee"
    )
    return {
        "another citizen": world.other_citizen,
        "a clerk of another office": world.commune_clerk,
        "a reviewer of an agency not on its steps": world.reviewer_other,
        "a manager of another province": StaffFactory(role=Role.MANAGER, agency=elsewhere),
        "a manager of an unrelated commune": StaffFactory(role=Role.MANAGER, agency=world.commune),
        "postal staff of another office": StaffFactory(role=Role.POSTAL, agency=world.commune),
    }


def insiders(world):
    return {
        "the applicant": world.citizen,
        "a clerk of the intake office": world.clerk,
        "postal staff of the intake office": world.postal,
        "a reviewer of step 1": world.reviewer_a,
        "a reviewer of step 2": world.reviewer_b,
        "the province's manager": world.manager,
        "an administrator": world.admin,
    }


def dossier_urls(dossier):
    """Every URL of this area that names the dossier, with the method to try it with."""
    code = dossier.code
    urls = [
        ("get", reverse("dossiers:detail", args=[code])),
        *[("get", reverse("dossiers:file", args=[f.pk])) for f in dossier.files.all()],
    ]
    for step in dossier.steps.all():
        for action in STEP_ACTIONS:
            url = reverse("dossiers:step_action", args=[step.pk, action])
            if action != "claim":
                urls.append(("get", url))
            urls.append(("post", url))
    for name in ("stop", "apologize", "confirm_payment"):
        url = reverse(f"dossiers:{name}", args=[code])
        urls += [("get", url), ("post", url)]
    return urls


def test_outsiders_get_404_on_every_dossier_url(world, case, client):
    urls = dossier_urls(case)
    assert len(urls) > 30
    for who, user in outsiders(world).items():
        with freeze_time(NOW):
            client.force_login(user)
            for method, url in urls:
                response = getattr(client, method)(url, FILLED) if method == "post" else client.get(url)
                assert response.status_code == 404, (who, method, url, response.status_code)
    # and nothing changed
    case.refresh_from_db()
    assert case.status == Status.PROCESSING
    assert case.events.count() == 3


def test_outsiders_do_not_find_it_in_the_inbox(world, case, client):
    with freeze_time(NOW):
        client.force_login(world.reviewer_other)
        page = client.get(reverse("dossiers:inbox"))
    assert case.code not in page.content.decode()


def test_insiders_see_the_dossier_page_and_its_files(world, case, client):
    files = list(case.files.all())
    assert files
    for who, user in insiders(world).items():
        with freeze_time(NOW):
            client.force_login(user)
            page = client.get(reverse("dossiers:detail", args=[case.code]))
            assert page.status_code == 200, who
            assert case.code in page.content.decode()
            # the full ID number only for the applicant
            assert (VALID_ID_NUMBER in page.content.decode()) == (user == world.citizen), who
            for f in files:
                download = client.get(reverse("dossiers:file", args=[f.pk]))
                assert download.status_code == 200, (who, f.pk)
                assert download["Content-Disposition"].startswith("attachment;")
                assert f.original_name not in download["Content-Disposition"]


def test_seeing_is_not_acting(world, case, client):
    """Those who may see the dossier but not act are sent back to it with a message; nothing
    changes."""
    step = case.steps.get(order=1)
    forward = reverse("dossiers:step_action", args=[step.pk, "forward"])
    stop = reverse("dossiers:stop", args=[case.code])
    detail = reverse("dossiers:detail", args=[case.code])
    for who, user in insiders(world).items():
        if user == world.reviewer_a:
            continue
        with freeze_time(NOW):
            client.force_login(user)
            for url in (forward, stop):
                assert client.get(url).url == detail, who
                response = client.post(url, FILLED)
                assert (response.status_code, response.url) == (302, detail), who
    case.refresh_from_db()
    step.refresh_from_db()
    assert (case.status, step.status) == (Status.PROCESSING, StepStatus.CLAIMED)
    assert case.events.count() == 3


def test_anonymous_visitors_are_asked_to_log_in(case, client):
    login = reverse("accounts:login")
    for _method, url in dossier_urls(case)[:3]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(login)

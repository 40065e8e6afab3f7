"""The dossier page's own blocks written in Python (``dossiers.page_html``) give the HTML of the
templates they replaced (kept in ``tests/dossiers/reference/``), whitespace aside, for dossiers
in many states and for each role that opens them."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import StepStatus
from dossiers.services import Intake
from dossiers.views.review import pages
from tests.factories import JPEG_BYTES, PDF_BYTES, applicant

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Monday
NOTICE = {"kind": "land_use_levy", "notice_number": "TB-125/TCS1", "issuing_authority": "Thuế <cơ sở> 1"}
REFERENCE = Path(__file__).parent


@pytest.fixture
def reference_templates(settings):
    """The former templates, found as ``reference/...``."""
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], REFERENCE]
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]


def normalized(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r"\s+", " ", html).strip()


@pytest.fixture
def seen(monkeypatch) -> dict:
    """The view's request and context, kept when it renders."""
    kept = {}
    render = pages.render

    def keep(request, name, context):
        kept.update(request=request, context=context)
        return render(request, name, context)

    monkeypatch.setattr(pages, "render", keep)
    return kept


def both(client, seen, user, dossier) -> tuple[str, str] | None:
    """The page as served, and the same context rendered by the former template (None when the
    user may not see the dossier)."""
    seen.clear()
    client.force_login(user)
    response = client.get(reverse("dossiers:detail", args=[dossier.code]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    former = get_template("reference/detail.html").render(seen["context"], seen["request"])
    return normalized(response.content.decode()), normalized(former)


def receive(world, procedure=None, **overrides):
    procedure = procedure or world.procedure
    documents = {d.id: (d.originals, d.copies) for d in procedure.documents.all()}
    intake = Intake(applicant=applicant(**overrides), documents=documents)
    return services.dossier_receive(actor=world.clerk, procedure=procedure, intake=intake)


def submit(world):
    docs = list(world.procedure.documents.order_by("order"))
    files = [
        FileUpload(name="đơn <1>.pdf", content=PDF_BYTES, document_id=docs[0].id),
        FileUpload(name="ban-ve.jpg", content=JPEG_BYTES, document_id=docs[1].id),
    ]
    intake = Intake(applicant=applicant(), files=files)
    return services.dossier_submit(
        actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
    )


def open_step(dossier):
    return dossier.steps.get(status__in=[StepStatus.ACTIVE, StepStatus.CLAIMED])


@pytest.fixture
def dossiers(world):
    """Dossiers in the states the page shows differently."""
    made = {}
    with freeze_time(NOW):
        made["received"] = receive(world)
        made["submitted"] = submit(world)
        claimed = receive(world)
        step = open_step(claimed)
        services.step_claim(actor=world.reviewer_a, step=step)
        made["claimed"] = claimed
        waiting = receive(world)
        step = open_step(waiting)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.dossier_request_supplement(
            actor=world.reviewer_a, step=step, items=["Bản sao <sổ đỏ>", "Bản vẽ"], note="Thiếu & sai"
        )
        made["supplement requested"] = waiting
    with freeze_time(datetime(2026, 12, 9, 10, 0, tzinfo=NOW.tzinfo)):
        services.dossier_supply(actor=world.clerk, dossier=waiting, note="Đã nộp bản sao")
        paying = receive(world)
        step = open_step(paying)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.dossier_request_payment(actor=world.reviewer_a, step=step, amount=12_500_000, **NOTICE)
        made["awaiting payment"] = paying
        ready = receive(world, world.single)
        step = open_step(ready)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.step_approve(actor=world.reviewer_a, step=step, result_note="Phiếu số 125\nđã ký")
        made["result ready"] = ready
        returned = receive(world, world.single)
        step = open_step(returned)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.step_approve(actor=world.reviewer_a, step=step, result_note="Giấy phép")
        services.dossier_return(actor=world.clerk, dossier=returned, collected_by="Bà <Ba>", id_checked=True)
        made["returned"] = returned
        refused = receive(world)
        step = open_step(refused)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.step_refuse(actor=world.reviewer_a, step=step, reason="Không đủ điều kiện\n(điểm a)")
        made["refused"] = refused
        made["withdrawn"] = receive(world)
        services.dossier_withdraw(actor=world.clerk, dossier=made["withdrawn"], reason="Người nộp rút")
    return made


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_page_is_the_former_templates_for_every_state_and_role(
    world, dossiers, client, seen, reference_templates, language
):
    """Each dossier as its reviewer, the clerk and the manager see it, at three moments (the
    urgency alerts and badges differ; in English at the first only); the applicant's own online
    dossier as the citizen sees it."""
    client.cookies["django_language"] = language
    compared = 0
    moments = [
        NOW,
        datetime(2026, 12, 21, 16, 0, tzinfo=NOW.tzinfo),
        datetime(2027, 3, 1, 8, 0, tzinfo=NOW.tzinfo),
    ]
    if language != "vi":
        moments = moments[:1]
    for moment in moments:
        with freeze_time(moment), translation.override(language):
            for name, dossier in dossiers.items():
                for user in (world.reviewer_a, world.clerk, world.manager):
                    pair = both(client, seen, user, dossier)
                    if pair is not None:
                        assert pair[0] == pair[1], f"{name}, {user.username}, {moment}"
                        compared += 1
            served, former = both(client, seen, world.citizen, dossiers["submitted"])
            assert served == former
    assert compared >= len(moments) * (len(dossiers) * 3 - 1)

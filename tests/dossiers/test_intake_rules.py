"""Issue 17, rules 6, 7 and 10 (docs/rules.md, "Intake"): the competent agency chosen whatever
desk receives, only agencies of the present structure receive or are routed to, and applicants
identified by passport or tax code. Each rule: the allowed move, the forbidden one refused with
nothing changed, and the pages neither offering nor accepting the forbidden one."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from dashboards import rollup
from dashboards.models import DailyFigure
from dossiers import services
from dossiers.models import Dossier, Event, IdKind, Step
from dossiers.permissions import may
from dossiers.services import DossierError, Intake
from dossiers.workflow import Action, Status, TransitionRefused
from procedures.models import Agency, Level
from procedures.selectors import agency_named_in, competent_agencies
from procedures.services import DocumentData, ProcedureData, StepData, agency_upsert, procedure_upsert
from tests.factories import StaffFactory, applicant

INTAKE = reverse("dossiers:desk_intake")
QUEUE = reverse("dossiers:desk_online_queue")
NOW = "2026-12-07 08:00:00+07:00"


@pytest.fixture
def communes(world):
    """A second commune, a commune procedure with a routing step at the catalog's commune, and a
    commune procedure the centre receives."""
    second, _ = agency_upsert(
        code="XA2",
        name="UBND xã Hai",
        level="commune",
        kind="peoples_committee",
        parent_code="UBNDT",
        has_one_stop_desk=True,
    )
    procedure, _ = procedure_upsert(
        data=ProcedureData(
            code="1.001193",
            name="Đăng ký khai sinh",
            field_code="HT",
            field_name="Hộ tịch",
            agency_code="XA1",
            level="commune",
            processing_days=Decimal(1),
            online_level="full",
            accepts_online=True,
            documents=[DocumentData(name="Tờ khai đăng ký khai sinh")],
            steps=[StepData(order=1, agency_code="XA1", name="Công chức tư pháp – hộ tịch", working_days=1)],
        )
    )
    return second, procedure


def receive(world, procedure, *, actor=None, **intake):
    documents = {d.id: (1, 0) for d in procedure.documents.all()}
    return services.dossier_receive(
        actor=actor or world.clerk,
        procedure=procedure,
        intake=Intake(applicant=intake.pop("who", applicant()), documents=documents, **intake),
    )


def text(response) -> str:
    return response.content.decode()


def intake_post(procedure, **overrides):
    data = {
        "action": "receive",
        "kind": "person",
        "name": "Nguyễn Văn An",
        "id_number": "001203004567",
        "address": "Thôn Đông, xã Hai",
        "phone": "0912 345 678",
        "sets_count": "1",
        "return_method": "counter",
    }
    for document in procedure.documents.all():
        data[f"doc_{document.id}"] = "on"
        data[f"doc_{document.id}_originals"] = "1"
        data[f"doc_{document.id}_copies"] = "0"
    return data | overrides


# --- rule 6: intake regardless of boundary goes to the competent agency ---------------------------


@freeze_time(NOW)
def test_a_commune_procedure_received_at_the_centre_goes_to_the_commune_chosen(world, communes):
    second, procedure = communes
    assert [a.code for a in competent_agencies(procedure, timezone.localdate())] == ["XA2", "XA1"]
    dossier = receive(world, procedure, resolving_agency=second)
    assert dossier.resolving_agency == second
    assert [s.agency for s in dossier.steps.all()] == [second]  # the step of the catalog's commune
    # a commune's own desk resolves its own dossiers without a choice
    own = receive(world, procedure, actor=world.commune_clerk)
    assert own.resolving_agency == world.commune
    assert [s.agency for s in own.steps.all()] == [world.commune]


@freeze_time(NOW)
def test_the_centre_must_choose_among_the_competent_agencies_only(world, communes):
    second, procedure = communes
    with pytest.raises(DossierError) as missing:
        receive(world, procedure)
    assert "chọn cơ quan giải quyết" in str(missing.value.message_dict["resolving_agency"])
    with pytest.raises(DossierError) as wrong:
        receive(world, procedure, resolving_agency=world.justice)
    assert "không giải quyết thủ tục này" in str(wrong.value.message_dict["resolving_agency"])
    # a province procedure goes to its own agency, a choice elsewhere is refused
    with pytest.raises(DossierError):
        receive(world, world.single, resolving_agency=second)
    assert Dossier.objects.count() == 0 and Step.objects.count() == 0


@freeze_time(NOW)
def test_the_desk_offers_the_competent_communes_and_refuses_another(world, communes, client):
    second, procedure = communes
    client.force_login(world.clerk)
    page = text(client.get(f"{INTAKE}?procedure={procedure.code}"))
    select = re.search(r'<select name="resolving_agency".*?</select>', page, re.S).group(0)
    assert "UBND xã Hai" in select and "UBND xã Một" in select and "Sở Tư pháp" not in select

    refused = client.post(f"{INTAKE}?procedure={procedure.code}", intake_post(procedure))
    assert refused.status_code == 200 and "Vui lòng chọn cơ quan giải quyết" in text(refused)
    refused = client.post(
        f"{INTAKE}?procedure={procedure.code}", intake_post(procedure, resolving_agency=world.justice.pk)
    )
    assert refused.status_code == 200 and Dossier.objects.count() == 0

    done = client.post(
        f"{INTAKE}?procedure={procedure.code}", intake_post(procedure, resolving_agency=second.pk)
    )
    assert done.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.resolving_agency == second and dossier.steps.get().agency == second
    # a province procedure has one competent agency: no choice offered
    assert 'name="resolving_agency"' not in text(client.get(f"{INTAKE}?procedure={world.single.code}"))


@freeze_time(NOW)
def test_online_the_applicant_chooses_the_commune_where_they_live(world, communes, client):
    second, procedure = communes
    client.force_login(world.citizen)
    response = client.get(reverse("dossiers:submit_start", args=[procedure.code]))
    response = client.post(
        response.url, {"kind": "person", "name": "Nguyễn Văn An", "id_number": "001203004567"}
    )
    response = client.post(response.url, {"phone": "0912345678", "email": "", "address": "Thôn Đông, xã Hai"})
    office_url = response.url
    page = text(client.get(office_url))
    assert 'name="resolving_agency"' in page and "UBND xã Hai" in page
    office = {"office": world.center.pk, "return_method": "counter", "return_address": ""}
    refused = client.post(office_url, office | {"resolving_agency": world.justice.pk})
    assert refused.status_code == 200 and "không giải quyết thủ tục này" in text(refused)
    response = client.post(office_url, office | {"resolving_agency": second.pk})
    assert response.status_code == 302
    from tests.dossiers.test_online_pages import pdf

    document = procedure.documents.get()
    response = client.post(response.url, {f"document_{document.pk}": pdf()})
    check = client.get(response.url)
    assert "UBND xã Hai" in text(check)
    client.post(response.url, {"consent": settings.PRIVACY_NOTICE_VERSION})  # the notice agreed to
    dossier = Dossier.objects.get()
    assert dossier.resolving_agency == second
    services.dossier_accept(actor=world.clerk, dossier=dossier)
    assert dossier.steps.get().agency == second


@freeze_time(NOW)
def test_online_the_commune_the_address_names_is_offered_first(world, communes, client):
    second, procedure = communes
    client.force_login(world.citizen)
    response = client.get(reverse("dossiers:submit_start", args=[procedure.code]))
    response = client.post(
        response.url, {"kind": "person", "name": "Nguyễn Văn An", "id_number": "001203004567"}
    )
    response = client.post(response.url, {"phone": "0912345678", "email": "", "address": "Thôn Đông, Xã Hai"})
    page = text(client.get(response.url))
    chosen = re.search(r'<option value="(\d+)"[^>]*selected', page.split('name="resolving_agency"')[1])
    assert chosen and int(chosen.group(1)) == second.pk


def test_the_commune_named_in_an_address():
    one = Agency(name="Ủy ban nhân dân xã Đồng Tâm")
    two = Agency(name="UBND phường Trung Sơn")
    three = Agency(name="UBND xã Đồng")
    assert agency_named_in("Số 5, thôn Bắc, xã Đồng Tâm, tỉnh Sơn Hà", [one, two]) == one
    assert agency_named_in("12 Lê Lợi, P. Trung Sơn", [one, two]) is None  # abbreviated: no guess
    assert agency_named_in("phường trung son", [one, two]) == two  # case and accents aside
    assert agency_named_in("xã Đồng Tâm", [one, three]) is None  # two named: the person chooses
    assert agency_named_in("", [one, two]) is None


@freeze_time(NOW)
def test_the_api_takes_the_resolving_agency_by_code(world, communes, client):
    second, procedure = communes
    client.force_login(world.clerk)
    body = {
        "procedure": procedure.code,
        "applicant_name": "Nguyễn Văn An",
        "id_number": "001203004567",
        "address": "Thôn Đông",
        "documents": [{"document": procedure.documents.get().id, "originals": 1}],
    }
    refused = client.post("/api/v1/dossiers/receive/", body, content_type="application/json")
    assert refused.status_code == 400 and "resolving_agency" in refused.json()
    done = client.post(
        "/api/v1/dossiers/receive/", body | {"resolving_agency": "XA2"}, content_type="application/json"
    )
    assert done.status_code == 201, done.content
    assert Dossier.objects.get().resolving_agency == second


# --- rule 7: only agencies of the present structure receive or are routed to ----------------------


@freeze_time(NOW)
def test_an_inactive_office_receives_nothing_and_its_history_stays(world):
    kept = receive(world, world.single)
    figures_before = sorted(DailyFigure.objects.values_list("bucket", "n"))
    Agency.objects.filter(pk=world.center.pk).update(is_active=False)
    world.clerk.refresh_from_db()
    with pytest.raises(TransitionRefused) as refused:
        receive(world, world.single)
    assert "không còn hoạt động" in refused.value.message
    assert Dossier.objects.count() == 1
    # the history stays readable and counted
    assert Dossier.objects.get(pk=kept.pk).status == Status.RECEIVED
    rollup.rebuild()
    assert sorted(DailyFigure.objects.values_list("bucket", "n")) == figures_before


def test_a_district_agency_receives_until_30_june_2025_and_not_after(world):
    district, _ = agency_upsert(
        code="H-CU",
        name="UBND huyện Cũ",
        level=Level.DISTRICT,
        kind="peoples_committee",
        parent_code="UBNDT",
        has_one_stop_desk=True,
    )
    clerk = StaffFactory(agency=district)
    with freeze_time("2025-06-30 09:00:00+07:00"):
        assert receive(world, world.single, actor=clerk).intake_office == district
    with freeze_time("2025-07-01 09:00:00+07:00"), pytest.raises(TransitionRefused):
        receive(world, world.single, actor=clerk)
    assert Dossier.objects.count() == 1


@freeze_time(NOW)
def test_a_dossier_is_not_routed_to_an_inactive_agency(world):
    Agency.objects.filter(pk=world.justice.pk).update(is_active=False)  # step 1 of the procedure
    with pytest.raises(DossierError) as refused:
        receive(world, world.procedure)
    assert "Sở Tư pháp" in str(refused.value) and "không còn hoạt động" in str(refused.value)
    assert Dossier.objects.count() == 0 and Step.objects.count() == 0 and Event.objects.count() == 0


@freeze_time(NOW)
def test_an_online_submission_is_not_accepted_once_its_agency_closed(world, client):
    documents = list(world.procedure.documents.order_by("order"))
    from dossiers.files import FileUpload
    from tests.factories import PDF_BYTES

    dossier = services.dossier_submit(
        actor=world.citizen,
        procedure=world.procedure,
        office=world.center,
        intake=Intake(
            applicant=applicant(),
            files=[
                FileUpload(name=f"{d.id}.pdf", content=PDF_BYTES, document_id=d.id) for d in documents[:2]
            ],
        ),
    )
    assert may(actor=world.clerk, dossier=dossier, action=Action.ACCEPT)
    Agency.objects.filter(pk=world.construction.pk).update(is_active=False)  # the resolving agency
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert not may(actor=world.clerk, dossier=dossier, action=Action.ACCEPT)
    assert may(actor=world.clerk, dossier=dossier, action=Action.REFUSE_INTAKE)  # it can still be refused
    with pytest.raises(TransitionRefused):
        services.dossier_accept(actor=world.clerk, dossier=dossier)
    client.force_login(world.clerk)
    queue = text(client.get(QUEUE))
    assert reverse("dossiers:desk_accept", args=[dossier.code]) not in queue
    client.post(reverse("dossiers:desk_accept", args=[dossier.code]))
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.received_at is None


@freeze_time(NOW)
def test_the_pages_of_a_closed_office_offer_no_intake(world, client):
    Agency.objects.filter(pk=world.center.pk).update(is_active=False)
    client.force_login(world.clerk)
    page = client.get(f"{INTAKE}?procedure={world.single.code}")
    assert "không tiếp nhận hồ sơ mới" in text(page) and 'value="receive"' not in text(page)
    client.post(f"{INTAKE}?procedure={world.single.code}", intake_post(world.single))
    assert Dossier.objects.count() == 0
    # the online form no longer offers it as a desk, nor a district desk after 1 July 2025
    agency_upsert(
        code="H-CU",
        name="UBND huyện Cũ",
        level=Level.DISTRICT,
        kind="peoples_committee",
        parent_code="UBNDT",
        has_one_stop_desk=True,
    )
    client.force_login(world.citizen)
    response = client.get(reverse("dossiers:submit_start", args=[world.procedure.code]))
    response = client.post(response.url, {"kind": "person", "name": "An", "id_number": "001203004567"})
    response = client.post(response.url, {"phone": "0912345678", "email": "", "address": "Số 1"})
    office_page = text(client.get(response.url))
    assert "Trung tâm PVHCC" not in office_page and "UBND huyện Cũ" not in office_page
    assert "UBND xã Một" in office_page


# --- rule 10: passport with nationality, or an organisation's tax code ----------------------------


@freeze_time(NOW)
def test_a_foreigner_is_received_with_a_passport_and_nationality(world):
    who = applicant(id_kind=IdKind.PASSPORT, id_number="c 1234 5678", nationality="kr", name="Kim Min-jun")
    dossier = receive(world, world.single, who=who)
    assert (dossier.id_kind, dossier.id_number, dossier.nationality) == ("passport", "C12345678", "KR")
    assert dossier.masked_identity == "*****5678"
    assert dossier.identity_label == "Hộ chiếu (KR)"


@pytest.mark.parametrize(
    ("who", "field"),
    [
        (applicant(id_kind=IdKind.PASSPORT, id_number="C12345678", nationality=""), "nationality"),
        (applicant(id_kind=IdKind.PASSPORT, id_number="C12345678", nationality="XX"), "nationality"),
        (applicant(id_kind=IdKind.PASSPORT, id_number="C1-2", nationality="US"), "id_number"),
        (applicant(id_kind=IdKind.CCCD, id_number=""), "id_number"),
        (applicant(id_kind="licence", id_number="123"), "id_kind"),
        (
            applicant(kind="organisation", organisation_name="Công ty A", id_number="", tax_code=""),
            "tax_code",
        ),
    ],
)
@freeze_time(NOW)
def test_a_bad_identity_is_refused_and_nothing_changes(world, who, field):
    with pytest.raises(DossierError) as refused:
        receive(world, world.single, who=who)
    assert field in refused.value.message_dict
    assert Dossier.objects.count() == 0


@freeze_time(NOW)
def test_an_organisation_is_identified_by_its_tax_code(world):
    who = applicant(
        kind="organisation", organisation_name="Công ty TNHH Sơn Hà", tax_code="0100109106", id_number=""
    )
    dossier = receive(world, world.single, who=who)
    assert dossier.id_number == "" and dossier.tax_code == "0100109106"
    assert dossier.masked_identity == "******9106" and dossier.identity_label == "MST"


@freeze_time(NOW)
def test_the_desk_form_takes_a_passport_and_masks_it_on_pages(world, client):
    client.force_login(world.clerk)
    page = text(client.get(f"{INTAKE}?procedure={world.single.code}"))
    assert 'name="id_kind"' in page and 'name="nationality"' in page and "Hàn Quốc" in page
    missing = client.post(
        f"{INTAKE}?procedure={world.single.code}",
        intake_post(world.single, id_kind="passport", id_number="C12345678"),
    )
    assert missing.status_code == 200 and "quốc tịch" in text(missing) and Dossier.objects.count() == 0
    done = client.post(
        f"{INTAKE}?procedure={world.single.code}",
        intake_post(world.single, id_kind="passport", id_number="C12345678", nationality="KR"),
    )
    assert done.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.id_kind == "passport" and dossier.nationality == "KR"
    client.force_login(world.reviewer_a)
    detail = text(client.get(reverse("dossiers:detail", args=[dossier.code])))
    assert "*****5678" in detail and "C12345678" not in detail and "Số hộ chiếu" in detail


@freeze_time(NOW)
def test_the_online_form_and_the_api_take_a_passport(world, client):
    client.force_login(world.citizen)
    response = client.get(reverse("dossiers:submit_start", args=[world.procedure.code]))
    refused = client.post(
        response.url, {"kind": "person", "name": "Kim", "id_kind": "passport", "id_number": "C12345678"}
    )
    assert refused.status_code == 200 and "quốc tịch" in text(refused)
    accepted = client.post(
        response.url,
        {
            "kind": "person",
            "name": "Kim",
            "id_kind": "passport",
            "id_number": "C12345678",
            "nationality": "KR",
        },
    )
    assert accepted.status_code == 302

    client.force_login(world.clerk)
    body = {
        "procedure": world.single.code,
        "applicant_name": "John Smith",
        "id_kind": "passport",
        "id_number": "583940112",
        "nationality": "US",
        "address": "Số 3 Trần Phú",
        "documents": [{"document": world.single.documents.get().id, "originals": 1}],
    }
    done = client.post("/api/v1/dossiers/receive/", body, content_type="application/json")
    assert done.status_code == 201, done.content
    assert done.json()["nationality"] == "US" and done.json()["id_kind"] == "passport"
    refused = client.post(
        "/api/v1/dossiers/receive/", body | {"nationality": ""}, content_type="application/json"
    )
    assert refused.status_code == 400 and "nationality" in refused.json()

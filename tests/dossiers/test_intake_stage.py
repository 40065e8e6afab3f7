"""Issue 17, rule 2 (docs/rules.md, "Intake"): supplement and refusal at the intake stage, forms
02 and 03 (Decree 61/2018 art. 19(2) as amended by Decree 107/2021). A walk-in dossier that is
incomplete is not received: the desk records the guidance and prints form 02, or form 03 with the
reason. An online submission is sent back once with the full list, or refused with a reason; the
applicant is told; neither is counted as received."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from dashboards.models import DailyFigure
from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import Dossier, Event, GuidanceKind, IntakeGuidance, SupplementRequest
from dossiers.permissions import may
from dossiers.services import DossierError, Intake
from dossiers.workflow import Action, Status, TransitionRefused
from notifications.models import Notification
from tests.factories import PDF_BYTES, applicant

NOW = "2026-12-07 08:00:00+07:00"
QUEUE = reverse("dossiers:desk_online_queue")
GUIDANCE = reverse("dossiers:desk_guidance")


def submit(world):
    files = [
        FileUpload(name=f"{d.id}.pdf", content=PDF_BYTES, document_id=d.id)
        for d in world.procedure.documents.filter(mandatory=True)
    ]
    return services.dossier_submit(
        actor=world.citizen,
        procedure=world.procedure,
        office=world.center,
        intake=Intake(applicant=applicant(), files=files),
    )


def text(response) -> str:
    return response.content.decode()


def received_count() -> int:
    return sum(DailyFigure.objects.filter(bucket="received").values_list("n", flat=True))


# --- online, before acceptance -------------------------------------------------------------------


@freeze_time(NOW)
def test_an_online_submission_is_sent_back_once_with_the_full_list(world):
    dossier = submit(world)
    request = services.dossier_request_intake_supplement(
        actor=world.clerk,
        dossier=dossier,
        items=["Bản vẽ mặt bằng móng", " ", "Bản vẽ mặt bằng móng", "Đơn ký"],
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.INTAKE_SUPPLEMENT and dossier.status_code == 5
    assert dossier.received_at is None and dossier.due_at is None  # not received: no clock
    assert request.at_intake and request.items == ["Bản vẽ mặt bằng móng", "Đơn ký"]
    # the applicant is told, by SMS and e-mail, with the list
    told = Notification.objects.filter(
        dossier_code=dossier.code, template_code="dossier.supplement_requested"
    )
    assert {n.channel for n in told} == {"sms", "email"}
    assert all("Bản vẽ mặt bằng móng" in n.body for n in told)

    services.dossier_supply_intake(
        actor=world.citizen,
        dossier=dossier,
        note="Đã bổ sung",
        files=[FileUpload(name="mong.pdf", content=PDF_BYTES)],
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.supplement_requests.get().supplied_at is not None

    # a second request is refused, naming the rule, and changes nothing
    events = Event.objects.count()
    with pytest.raises(TransitionRefused) as refused:
        services.dossier_request_intake_supplement(actor=world.clerk, dossier=dossier, items=["Thêm nữa"])
    assert "một lần" in refused.value.message
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert SupplementRequest.objects.count() == 1 and Event.objects.count() == events

    services.dossier_accept(actor=world.clerk, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.received_at is not None


@freeze_time(NOW)
def test_only_the_desk_of_the_office_asks_and_only_the_applicant_supplies(world):
    dossier = submit(world)
    with pytest.raises(DossierError):
        services.dossier_request_intake_supplement(actor=world.clerk, dossier=dossier, items=["  "])
    for stranger in (world.commune_clerk, world.citizen, world.reviewer_a):
        with pytest.raises(TransitionRefused):
            services.dossier_request_intake_supplement(actor=stranger, dossier=dossier, items=["Đơn"])
    services.dossier_request_intake_supplement(actor=world.clerk, dossier=dossier, items=["Đơn"])
    for stranger in (world.other_citizen, world.clerk):
        with pytest.raises(TransitionRefused):
            services.dossier_supply_intake(actor=stranger, dossier=dossier, note="x")
    with pytest.raises(TransitionRefused):  # not accepted while it waits for the applicant
        services.dossier_accept(actor=world.clerk, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.INTAKE_SUPPLEMENT and SupplementRequest.objects.count() == 1


@freeze_time(NOW)
def test_a_refused_submission_is_told_printable_and_never_received(world, client):
    dossier = submit(world)
    services.dossier_refuse_intake(actor=world.clerk, dossier=dossier, reason="Không thuộc thẩm quyền")
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED and dossier.received_at is None
    told = Notification.objects.filter(dossier_code=dossier.code, template_code="dossier.refused")
    assert told.count() == 2 and all("Không thuộc thẩm quyền" in n.body for n in told)
    assert received_count() == 0  # a refused submission was never received
    client.force_login(world.clerk)
    paper = client.get(reverse("receipts:paper", args=[dossier.code, "tu-choi"]))
    assert paper.status_code == 200
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text(paper) and "Không thuộc thẩm quyền" in text(
        paper
    )


@freeze_time(NOW)
def test_the_queue_offers_the_request_once_and_form_02_prints(world, client):
    dossier = submit(world)
    client.force_login(world.clerk)
    ask = reverse("dossiers:desk_request_intake_supplement", args=[dossier.code])
    assert ask in text(client.get(QUEUE))
    refused = client.post(ask, {"items": "\n  \n"})
    assert refused.status_code == 200 and Dossier.objects.get().status == Status.SUBMITTED
    client.post(ask, {"items": "Bản vẽ mặt bằng móng\n- Đơn có chữ ký"})
    dossier.refresh_from_db()
    assert dossier.status == Status.INTAKE_SUPPLEMENT
    assert dossier.supplement_requests.get().items == ["Bản vẽ mặt bằng móng", "Đơn có chữ ký"]
    form_02 = text(client.get(reverse("receipts:paper", args=[dossier.code, "yeu-cau-bo-sung"])))
    assert "Đơn có chữ ký" in form_02 and "Hồ sơ chưa được tiếp nhận" in form_02
    assert "BỘ PHẬN MỘT CỬA" in form_02  # issued by the desk

    # the applicant sees it and supplies online
    client.force_login(world.citizen)
    mine = text(client.get(reverse("dossiers:my_dossiers")))
    supply = reverse("dossiers:my_supply", args=[dossier.code])
    assert supply in mine
    page = text(client.get(supply))
    assert "Bản vẽ mặt bằng móng" in page and "chưa được tiếp nhận" in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(supply, {"files": [SimpleUploadedFile("mong.pdf", PDF_BYTES, "application/pdf")], "note": ""})
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED

    # back in the queue: accept and refuse offered, a second request neither offered nor accepted
    client.force_login(world.clerk)
    queue = text(client.get(QUEUE))
    assert ask not in queue and reverse("dossiers:desk_accept", args=[dossier.code]) in queue
    assert "Người nộp đã bổ sung" in queue
    assert not may(actor=world.clerk, dossier=dossier, action=Action.REQUEST_INTAKE_SUPPLEMENT)
    client.post(ask, {"items": "Thêm"})
    assert SupplementRequest.objects.count() == 1 and Dossier.objects.get().status == Status.SUBMITTED


# --- walk-in at the desk: no dossier, form 02 or 03 ----------------------------------------------


@freeze_time(NOW)
def test_a_walk_in_guidance_is_recorded_not_received(world):
    record = services.intake_guidance_record(
        actor=world.clerk,
        procedure=world.procedure,
        kind=GuidanceKind.SUPPLEMENT,
        applicant=applicant(),
        items=["Bản vẽ thiết kế", "Đơn đề nghị có chữ ký"],
    )
    assert record.code == "TTPVHCC-HD-261207-001" and record.items == [
        "Bản vẽ thiết kế",
        "Đơn đề nghị có chữ ký",
    ]
    second = services.intake_guidance_record(
        actor=world.clerk,
        procedure=world.procedure,
        kind=GuidanceKind.REFUSAL,
        applicant=applicant(id_number=""),
        reason="Thủ tục không còn áp dụng",
    )
    assert second.code == "TTPVHCC-HD-261207-002"
    assert Dossier.objects.count() == 0 and received_count() == 0 and Event.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "items", "reason", "field"),
    [
        (GuidanceKind.SUPPLEMENT, [], "", "items"),
        (GuidanceKind.SUPPLEMENT, ["  "], "", "items"),
        (GuidanceKind.REFUSAL, [], " ", "reason"),
        ("other", ["x"], "", "kind"),
    ],
)
@freeze_time(NOW)
def test_a_guidance_without_its_content_is_refused(world, kind, items, reason, field):
    with pytest.raises(DossierError) as refused:
        services.intake_guidance_record(
            actor=world.clerk,
            procedure=world.procedure,
            kind=kind,
            applicant=applicant(),
            items=items,
            reason=reason,
        )
    assert field in refused.value.message_dict
    assert IntakeGuidance.objects.count() == 0


@freeze_time(NOW)
def test_only_desk_staff_record_guidance(world):
    for stranger in (world.citizen, world.reviewer_a, world.manager):
        with pytest.raises(TransitionRefused):
            services.intake_guidance_record(
                actor=stranger,
                procedure=world.procedure,
                kind="supplement",
                applicant=applicant(),
                items=["x"],
            )
    assert IntakeGuidance.objects.count() == 0


@freeze_time(NOW)
def test_the_desk_prints_form_02_for_a_walk_in_and_no_dossier_is_made(world, client):
    client.force_login(world.clerk)
    intake_page = text(client.get(reverse("dossiers:desk_intake") + f"?procedure={world.procedure.code}"))
    page_url = f"{GUIDANCE}?procedure={world.procedure.code}"
    assert page_url in intake_page
    page = text(client.get(page_url))
    drawing = world.procedure.documents.get(name="Bản vẽ thiết kế")
    assert 'name="missing"' in page and "Bản vẽ thiết kế" in page

    nothing = client.post(page_url, {"kind": "supplement", "name": "Nguyễn Văn An"})
    assert nothing.status_code == 200 and IntakeGuidance.objects.count() == 0
    no_reason = client.post(page_url, {"kind": "refusal", "name": "Nguyễn Văn An"})
    assert no_reason.status_code == 200 and IntakeGuidance.objects.count() == 0

    done = client.post(
        page_url,
        {
            "kind": "supplement",
            "name": "Nguyễn Văn An",
            "phone": "0912 345 678",
            "missing": [str(drawing.id)],
            "other_items": "Giấy ủy quyền có công chứng",
        },
    )
    record = IntakeGuidance.objects.get()
    assert done.status_code == 302 and done.url == reverse("receipts:guidance", args=[record.code])
    form_02 = text(client.get(done.url))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in form_02
    assert "Bản vẽ thiết kế" in form_02 and "Giấy ủy quyền có công chứng" in form_02
    assert "Ngày 07/12/2026" in form_02 and record.code in form_02
    assert Dossier.objects.count() == 0

    refusal = client.post(
        page_url, {"kind": "refusal", "name": "Trần Thị B", "reason": "Không thuộc thẩm quyền"}
    )
    form_03 = text(client.get(refusal.url))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in form_03 and "Không thuộc thẩm quyền" in form_03

    # another office's desk does not see it
    client.force_login(world.commune_clerk)
    assert client.get(reverse("receipts:guidance", args=[record.code])).status_code == 404


@freeze_time(NOW)
def test_the_api_sends_back_once_and_the_applicant_supplies(world, client):
    dossier = submit(world)
    client.force_login(world.clerk)
    url = f"/api/v1/dossiers/{dossier.code}/request-intake-supplement/"
    done = client.post(url, {"items": ["Bản vẽ"]}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "intake_supplement" and done.json()["supplement_requests"][0]["at_intake"]
    client.force_login(world.citizen)
    supplied = client.post(f"/api/v1/dossiers/{dossier.code}/supply-intake/", {"note": "Đã bổ sung"})
    assert supplied.status_code == 200 and supplied.json()["status"] == "submitted"
    client.force_login(world.clerk)
    assert (
        "request_intake_supplement" not in client.get(f"/api/v1/dossiers/{dossier.code}/").json()["actions"]
    )
    again = client.post(url, {"items": ["Thêm"]}, content_type="application/json")
    assert again.status_code == 409 and "một lần" in again.content.decode()
    assert SupplementRequest.objects.count() == 1


@freeze_time(NOW)
def test_the_desk_lists_what_waits_for_the_applicant_and_may_still_refuse_it(world, client):
    dossier = submit(world)
    services.dossier_request_intake_supplement(actor=world.clerk, dossier=dossier, items=["Bản vẽ"])
    client.force_login(world.clerk)
    queue = text(client.get(QUEUE))
    assert "Chờ người nộp bổ sung trước khi tiếp nhận" in queue and "Bản vẽ" in queue
    refuse = reverse("dossiers:desk_refuse_intake", args=[dossier.code])
    assert refuse in queue
    # another office's clerk sees nothing of it
    client.force_login(world.commune_clerk)
    assert "Chờ người nộp bổ sung" not in text(client.get(QUEUE))
    client.force_login(world.clerk)
    client.post(refuse, {"reason": "Quá thời hạn bổ sung mà người nộp không bổ sung"})
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED and dossier.received_at is None

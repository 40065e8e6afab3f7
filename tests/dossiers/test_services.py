from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import DocumentReceived, Dossier, DossierFile, Event, StepStatus
from dossiers.selectors import dossier_for_tracking, dossiers_visible_to, inbox, online_queue
from dossiers.services import DossierError, Intake
from dossiers.workflow import Status, TransitionRefused
from tests.factories import JPEG_BYTES, PDF_BYTES, applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day, hour, minute=0):
    """A moment in December 2026 (Monday 7 to Friday 11, then Monday 14 …; no holiday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def local(value):
    return value.astimezone(VN)


def receive(world, actor=None, **kwargs):
    intake = Intake(
        applicant=applicant(),
        documents={d.id: (d.originals, d.copies) for d in world.procedure.documents.all()},
        **kwargs,
    )
    return services.dossier_receive(actor=actor or world.clerk, procedure=world.procedure, intake=intake)


def submit_online(world):
    docs = list(world.procedure.documents.order_by("order"))
    intake = Intake(
        applicant=applicant(),
        files=[
            FileUpload(name="don.pdf", content=PDF_BYTES, document_id=docs[0].id),
            FileUpload(name="ban-ve.jpg", content=JPEG_BYTES, document_id=docs[1].id),
        ],
    )
    return services.dossier_submit(
        actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
    )


@freeze_time(at(7, 8))  # Monday
def test_counter_intake_gives_code_due_date_and_steps(world):
    dossier = receive(world)
    assert dossier.code == "TTPVHCC-261207-0001"
    assert dossier.status == Status.RECEIVED
    assert dossier.status_code == 2
    assert local(dossier.due_at) == at(21, 8)  # 10 working days
    assert dossier.resolving_agency == world.construction
    assert dossier.intake_office == world.center
    assert len(dossier.secret) == 8
    assert len(dossier.tracking_token) >= 22  # ≥ 128 bits, URL-safe
    steps = list(dossier.steps.order_by("order"))
    assert [(s.agency.code, s.status) for s in steps] == [
        ("STP", StepStatus.ACTIVE),
        ("SXD", StepStatus.WAITING),
    ]
    assert local(steps[0].due_at) == at(10, 8)
    assert DocumentReceived.objects.filter(dossier=dossier).count() == 3
    event = dossier.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "receive",
        "",
        "received",
        world.clerk,
    )
    assert receive(world).code == "TTPVHCC-261207-0002"


@freeze_time(at(7, 8))
def test_bad_applicant_changes_nothing(world):
    intake = Intake(applicant=applicant(id_number="12345", address=""))
    with pytest.raises(DossierError) as info:
        services.dossier_receive(actor=world.clerk, procedure=world.procedure, intake=intake)
    assert {"id_number", "address"} <= set(info.value.message_dict)
    assert Dossier.objects.count() == 0
    # the number was not used up
    assert receive(world).code.endswith("-0001")


@freeze_time(at(7, 8))
def test_counter_intake_needs_the_mandatory_documents_ticked(world):
    optional = world.procedure.documents.get(mandatory=False)
    intake = Intake(applicant=applicant(), documents={optional.id: (1, 0)})
    with pytest.raises(DossierError) as info:
        services.dossier_receive(actor=world.clerk, procedure=world.procedure, intake=intake)
    assert "Đơn đề nghị" in info.value.messages[0]
    assert Dossier.objects.count() == 0


@freeze_time(at(7, 8))
def test_post_return_needs_an_address(world):
    with pytest.raises(DossierError) as info:
        receive(world, return_method="post")
    assert "return_address" in info.value.message_dict


@freeze_time(at(7, 8))
def test_only_desk_staff_receive(world):
    with pytest.raises(TransitionRefused):
        receive(world, actor=world.reviewer_a)


@freeze_time(at(7, 8))
def test_postal_intake(world):
    intake = Intake(
        applicant=applicant(),
        return_method="post",
        return_address="Số 2 Lê Lợi",
        documents={d.id: (1, 0) for d in world.procedure.documents.all()},
    )
    dossier = services.dossier_receive(
        actor=world.postal, procedure=world.procedure, intake=intake, channel="postal"
    )
    assert dossier.channel == "postal"
    assert dossier.status == Status.RECEIVED


def test_online_dossier_through_two_agencies_a_supplement_and_return(world):
    with freeze_time(at(4, 16)):  # Friday afternoon
        dossier = submit_online(world)
        assert dossier.status == Status.SUBMITTED
        assert dossier.due_at is None
        assert DossierFile.objects.filter(dossier=dossier).count() == 2
        assert list(online_queue(world.clerk)) == [dossier]

    with freeze_time(at(7, 7, 30)):  # accepted Monday 07:30: the clock starts now
        services.dossier_accept(actor=world.clerk, dossier=dossier)
        dossier.refresh_from_db()
        assert dossier.status == Status.RECEIVED
        assert local(dossier.due_at) == datetime(2026, 12, 21, 7, 30, tzinfo=VN)
        step_a = dossier.steps.get(order=1)
        assert list(inbox(world.reviewer_a)) == [step_a]
        assert list(inbox(world.reviewer_b)) == []

    with freeze_time(at(7, 9)):
        services.step_claim(actor=world.reviewer_a, step=step_a)
        services.step_forward(actor=world.reviewer_a, step=step_a, note="Hồ sơ hợp lệ")
        step_b = dossier.steps.get(order=2)
        assert step_b.status == StepStatus.ACTIVE
        assert list(inbox(world.reviewer_b)) == [step_b]

    with freeze_time(at(8, 9)):  # Tuesday 09:00: the supplement request pauses the clock
        services.step_claim(actor=world.reviewer_b, step=step_b)
        services.dossier_request_supplement(
            actor=world.reviewer_b, step=step_b, items=["Bản vẽ mặt bằng móng", "Ảnh hiện trạng"]
        )
        dossier.refresh_from_db()
        assert dossier.status == Status.SUPPLEMENT_REQUESTED
        assert dossier.status_code == 5

    with freeze_time(at(9, 9)):  # Wednesday 09:00: supplied after one working day paused
        services.dossier_supply(
            actor=world.citizen,
            dossier=dossier,
            note="Đã bổ sung",
            files=[FileUpload(name="mat-bang.pdf", content=PDF_BYTES)],
        )
        dossier.refresh_from_db()
        assert dossier.status == Status.PROCESSING
        assert local(dossier.due_at) == datetime(2026, 12, 22, 7, 30, tzinfo=VN)
        step_b.refresh_from_db()
        assert step_b.status == StepStatus.CLAIMED

    with freeze_time(at(10, 10)):
        services.step_approve(actor=world.reviewer_b, step=step_b, result_note="Cấp giấy phép số 12/GPXD")
        dossier.refresh_from_db()
        assert dossier.status == Status.RESULT_READY
        assert services.punctuality(dossier) == "early"

    with freeze_time(at(11, 14)):
        services.dossier_return(
            actor=world.clerk, dossier=dossier, collected_by="Nguyễn Văn An", id_checked=True
        )
        dossier.refresh_from_db()
        assert dossier.status == Status.RETURNED

    actions = list(dossier.events.values_list("action", flat=True))
    assert actions == [
        "submit",
        "accept",
        "claim",
        "forward",
        "claim",
        "request_supplement",
        "supply",
        "approve",
        "return_result",
    ]


@freeze_time(at(7, 8))
def test_clerk_refuses_an_online_dossier_with_a_reason(world):
    dossier = submit_online(world)
    with pytest.raises(DossierError):
        services.dossier_refuse_intake(actor=world.clerk, dossier=dossier, reason=" ")
    services.dossier_refuse_intake(actor=world.clerk, dossier=dossier, reason="Sai thủ tục")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.closing_reason) == (Status.REFUSED, "Sai thủ tục")


@freeze_time(at(7, 8))
def test_online_submission_needs_the_mandatory_files(world):
    intake = Intake(applicant=applicant(), files=[FileUpload(name="x.pdf", content=PDF_BYTES)])
    with pytest.raises(DossierError) as info:
        services.dossier_submit(
            actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
        )
    assert "Đơn đề nghị" in info.value.message_dict["files"][0]
    assert Dossier.objects.count() == 0


@freeze_time(at(7, 8))
def test_a_file_that_lies_about_its_type_is_refused(world):
    docs = list(world.procedure.documents.order_by("order"))
    intake = Intake(
        applicant=applicant(),
        files=[
            FileUpload(name="don.pdf", content=b"MZ\x90\x00 not a pdf", document_id=docs[0].id),
            FileUpload(name="b.jpg", content=JPEG_BYTES, document_id=docs[1].id),
        ],
    )
    with pytest.raises(Exception, match="không phải PDF"):
        services.dossier_submit(
            actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
        )
    assert Dossier.objects.count() == 0


@freeze_time(at(7, 8))
def test_reviewers_only_act_on_their_agencys_steps(world):
    dossier = receive(world)
    step_a = dossier.steps.get(order=1)
    with pytest.raises(TransitionRefused):
        services.step_claim(actor=world.reviewer_b, step=step_a)
    services.step_claim(actor=world.reviewer_a, step=step_a)
    with pytest.raises(TransitionRefused):
        services.step_approve(actor=world.reviewer_a, step=step_a, result_note="x")  # not the last step
    with pytest.raises(TransitionRefused):
        services.step_send_back(actor=world.reviewer_a, step=step_a, reason="x")  # nothing before


@freeze_time(at(7, 8))
def test_send_back_reopens_the_previous_step(world):
    dossier = receive(world)
    step_a = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=step_a)
    services.step_forward(actor=world.reviewer_a, step=step_a)
    step_b = dossier.steps.get(order=2)
    services.step_claim(actor=world.reviewer_b, step=step_b)
    services.step_send_back(actor=world.reviewer_b, step=step_b, reason="Thiếu ý kiến pháp lý")
    step_a.refresh_from_db()
    step_b.refresh_from_db()
    assert (step_a.status, step_b.status) == (StepStatus.ACTIVE, StepStatus.WAITING)
    assert dossier.events.last().note == "Thiếu ý kiến pháp lý"


@freeze_time(at(7, 8))
def test_on_the_spot_at_a_commune_desk(world):
    intake = Intake(applicant=applicant(), documents={world.on_the_spot.documents.get().id: (1, 0)})
    dossier = services.dossier_receive(actor=world.commune_clerk, procedure=world.on_the_spot, intake=intake)
    assert dossier.resolving_agency == world.commune
    assert local(dossier.due_at) == at(7, 17)  # same day, received before 15:00
    services.dossier_resolve_on_the_spot(
        actor=world.commune_clerk, dossier=dossier, result_note="Đã chứng thực 3 bản"
    )
    services.dossier_return(
        actor=world.commune_clerk, dossier=dossier, collected_by="Nguyễn Văn An", id_checked=True
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert services.punctuality(dossier) == "on_time"


@freeze_time(at(7, 8))
def test_on_the_spot_refused_for_other_procedures(world):
    dossier = receive(world)
    with pytest.raises(TransitionRefused):
        services.dossier_resolve_on_the_spot(actor=world.clerk, dossier=dossier, result_note="x")


@freeze_time(at(7, 8))
def test_withdraw_only_own_dossier(world):
    dossier = submit_online(world)
    with pytest.raises(TransitionRefused):
        services.dossier_withdraw(actor=world.other_citizen, dossier=dossier, reason="x")
    services.dossier_withdraw(actor=world.citizen, dossier=dossier, reason="Nộp nhầm")
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN


@freeze_time(at(7, 8))
def test_apology_sets_a_new_date_and_keeps_the_legal_one(world):
    dossier = receive(world)
    due = dossier.due_at
    with pytest.raises(DossierError):
        services.dossier_apologize(actor=world.reviewer_a, dossier=dossier, reason="Chậm", new_date=due)
    new_date = datetime(2026, 12, 24, 8, tzinfo=VN)
    services.dossier_apologize(
        actor=world.reviewer_a, dossier=dossier, reason="Chờ ý kiến liên ngành", new_date=new_date
    )
    dossier.refresh_from_db()
    assert dossier.due_at == due
    assert dossier.promised_at == new_date


@freeze_time(at(7, 8))
def test_stop_needs_the_current_agency(world):
    dossier = receive(world)
    with pytest.raises(TransitionRefused):
        services.dossier_stop(actor=world.reviewer_a, dossier=dossier, reason="x")  # received, not processing
    step_a = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=step_a)
    with pytest.raises(TransitionRefused):
        services.dossier_stop(actor=world.reviewer_b, dossier=dossier, reason="x")
    services.dossier_stop(actor=world.reviewer_a, dossier=dossier, reason="Đối tượng không thuộc phạm vi")
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED


@freeze_time(at(7, 8))
def test_visibility(world):
    dossier = submit_online(world)
    services.dossier_accept(actor=world.clerk, dossier=dossier)
    can_see = [
        world.citizen,
        world.clerk,
        world.postal,
        world.reviewer_a,
        world.reviewer_b,
        world.manager,
        world.admin,
    ]
    cannot = [world.other_citizen, world.commune_clerk, world.reviewer_other]
    for user in can_see:
        assert dossiers_visible_to(user).filter(pk=dossier.pk).exists(), user.role
    for user in cannot:
        assert not dossiers_visible_to(user).filter(pk=dossier.pk).exists(), user.role


@freeze_time(at(7, 8))
def test_tracking_needs_code_and_secret(world):
    dossier = receive(world)
    assert dossier_for_tracking(dossier.code, dossier.secret) == dossier
    assert dossier_for_tracking(dossier.code.lower(), dossier.secret.lower()) == dossier
    assert dossier_for_tracking(dossier.code, "WRONG123") is None
    assert dossier_for_tracking("TTPVHCC-261207-9999", dossier.secret) is None


@freeze_time(at(7, 8))
def test_events_cannot_be_edited_or_deleted(world):
    dossier = receive(world)
    event = dossier.events.get()
    event.note = "sửa"
    with pytest.raises(Exception, match="không được sửa"):
        event.save()
    with pytest.raises(Exception, match="không được xóa"):
        event.delete()
    with pytest.raises(Exception, match="không được sửa"):
        Event.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(Exception, match="không được xóa"):
        Event.objects.all().delete()


@freeze_time(at(7, 8))
def test_parallel_steps_of_the_last_order(world):
    from decimal import Decimal

    from procedures.services import ProcedureData, StepData, procedure_upsert

    procedure, _ = procedure_upsert(
        data=ProcedureData(
            code="9.999001",
            name="Thủ tục liên thông song song",
            field_code="XD",
            field_name="Xây dựng",
            agency_code="SXD",
            level="province",
            processing_days=Decimal(5),
            steps=[
                StepData(order=1, agency_code="STP", name="Ý kiến pháp lý", working_days=Decimal(3)),
                StepData(order=1, agency_code="SXD", name="Thẩm định, cấp phép", working_days=Decimal(3)),
            ],
        )
    )
    dossier = services.dossier_receive(
        actor=world.clerk, procedure=procedure, intake=Intake(applicant=applicant())
    )
    legal, permit = dossier.steps.get(agency=world.justice), dossier.steps.get(agency=world.construction)
    assert legal.status == permit.status == StepStatus.ACTIVE
    services.step_claim(actor=world.reviewer_b, step=permit)
    with pytest.raises(TransitionRefused):  # the parallel step is not done yet
        services.step_approve(actor=world.reviewer_b, step=permit, result_note="x")
    services.step_claim(actor=world.reviewer_a, step=legal)
    services.step_forward(actor=world.reviewer_a, step=legal, note="Đủ điều kiện")
    services.step_approve(actor=world.reviewer_b, step=permit, result_note="Cấp phép")
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY


@freeze_time(at(7, 8))
def test_admin_shows_dossiers_and_their_log_read_only(client, world):
    dossier = receive(world)
    client.force_login(world.admin)
    page = client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/")
    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    assert dossier.id_number not in page.content.decode()
    assert client.get("/admin/dossiers/event/add/").status_code == 403
    event = dossier.events.get()
    assert client.post(f"/admin/dossiers/event/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert dossier.events.count() == 1


@freeze_time(at(7, 8))
@pytest.mark.parametrize(
    "name, content",
    [
        ("don.pdf", b"<html><script>alert(1)</script></html>"),
        ("anh.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("don.pdf", b"PK\x03\x04 a word document or a zip"),
        ("don.pdf", b" %PDF-1.4 a signature that is not at the start"),
        ("anh.jpg", b"GIF89a\x01\x00\x01\x00"),
        ("rong.pdf", b""),
    ],
)
def test_files_whose_content_is_not_pdf_jpeg_or_png_are_refused(world, name, content):
    docs = list(world.procedure.documents.order_by("order"))
    intake = Intake(
        applicant=applicant(),
        files=[
            FileUpload(name=name, content=content, document_id=docs[0].id),
            FileUpload(name="b.jpg", content=JPEG_BYTES, document_id=docs[1].id),
        ],
    )
    with pytest.raises(ValidationError, match=name):
        services.dossier_submit(
            actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
        )
    assert Dossier.objects.count() == 0

"""The reviewers' inbox, step actions and the dossier page, used the way a reviewer would."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import Dossier, DossierFile, FileKind, StepStatus
from dossiers.services import Intake
from dossiers.workflow import Action, Status
from tests.factories import PDF_BYTES, PNG_BYTES, VALID_ID_NUMBER, applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
INBOX = reverse("dossiers:inbox")


def at(day, hour, minute=0):
    """A moment in December 2026 (Monday 7 to Friday 11, then Monday 14 …; no holiday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def receive(world, procedure=None):
    procedure = procedure or world.procedure
    intake = Intake(
        applicant=applicant(),
        documents={d.id: (d.originals, d.copies) for d in procedure.documents.all()},
    )
    return services.dossier_receive(actor=world.clerk, procedure=procedure, intake=intake)


def detail_url(dossier):
    return reverse("dossiers:detail", args=[dossier.code])


def step_url(step, action):
    return reverse("dossiers:step_action", args=[step.pk, action])


def text(response) -> str:
    """The page's text with tags and runs of white space collapsed, for reading like a user."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def first_step(dossier):
    return dossier.steps.get(order=1)


def second_step(dossier):
    return dossier.steps.get(order=2)


def claimed_by_b(world, dossier):
    """Step 1 done by reviewer A, step 2 claimed by reviewer B."""
    step = first_step(dossier)
    services.step_claim(actor=world.reviewer_a, step=step)
    services.step_forward(actor=world.reviewer_a, step=step, note="Hợp lệ")
    step = second_step(dossier)
    services.step_claim(actor=world.reviewer_b, step=step)
    return step


# --- the inbox -----------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_inbox_shows_the_active_step_to_its_agency_only(world, as_user):
    dossier = receive(world)
    page = as_user(world.reviewer_a).get(INBOX)
    assert page.status_code == 200
    assert dossier.code in text(page)
    assert "Thẩm định pháp lý" in text(page)
    assert "Nhận xử lý" in text(page)

    page = as_user(world.reviewer_b).get(INBOX)
    assert dossier.code not in text(page)
    assert "Không có hồ sơ nào" in text(page)


def test_inbox_is_only_for_reviewers(world, as_user):
    assert as_user(world.clerk).get(INBOX).status_code == 403
    assert as_user(world.citizen).get(INBOX).status_code == 403


def _urgency_by_code(content: str) -> dict[str, str]:
    """Each inbox row's dossier code → its data-urgency mark."""
    return {
        code: urgency
        for urgency, code in re.findall(
            r'data-urgency="(\w+)">\s*<th scope="row"><a href="[^"]+">([\w-]+)</a>', content
        )
    }


def test_inbox_sorted_by_due_with_overdue_and_due_today_marked(world, as_user):
    with freeze_time(at(7, 8)):
        # one step of 10 working days at STP, received first: due last
        late = receive(world, world.single)
        early = receive(world)  # step 1 (3 working days) due Thursday 10 08:00
    with freeze_time(at(7, 14)):
        today = receive(world)  # due Thursday 10 14:00
    with freeze_time(at(8, 8)):
        soon = receive(world)  # due Friday 11 08:00
    with freeze_time(at(10, 9)):  # Thursday 09:00
        page = as_user(world.reviewer_a).get(INBOX)
    content = page.content.decode()
    positions = [content.index(d.code) for d in (early, today, soon, late)]
    assert positions == sorted(positions)
    assert _urgency_by_code(content) == {
        early.code: "overdue",
        today.code: "due_today",
        soon.code: "due_soon",
        late.code: "ok",
    }
    # marked in words, not by colour alone
    page_text = text(page)
    assert "Quá hạn" in page_text
    assert "Đến hạn hôm nay" in page_text
    assert "Sắp đến hạn" in page_text

    with freeze_time(at(10, 9)):
        overdue_only = as_user(world.reviewer_a).get(INBOX, {"filter": "overdue"})
    assert list(_urgency_by_code(overdue_only.content.decode())) == [early.code]


@freeze_time(at(7, 8))
def test_inbox_filters_mine_and_unclaimed(world, as_user):
    mine, other = receive(world), receive(world)
    services.step_claim(actor=world.reviewer_a, step=first_step(mine))
    client = as_user(world.reviewer_a)
    assert list(_urgency_by_code(client.get(INBOX, {"filter": "mine"}).content.decode())) == [mine.code]
    assert list(_urgency_by_code(client.get(INBOX, {"filter": "unclaimed"}).content.decode())) == [other.code]
    everything = client.get(INBOX, {"filter": "nonsense"})
    assert set(_urgency_by_code(everything.content.decode())) == {mine.code, other.code}


@freeze_time(at(7, 8))
def test_inbox_query_count_is_bounded(world, as_user, django_assert_max_num_queries):
    for _ in range(30):
        dossier = receive(world)
    services.step_claim(actor=world.reviewer_a, step=first_step(dossier))
    client = as_user(world.reviewer_a)
    with django_assert_max_num_queries(8):
        page = client.get(INBOX)
    first = _urgency_by_code(page.content.decode())
    assert len(first) == 25  # a page; the rest on the next
    assert "Trang 1/2" in text(page)
    with django_assert_max_num_queries(8):
        second = _urgency_by_code(client.get(INBOX, {"page": 2}).content.decode())
    assert len(second) == 5
    assert not set(first) & set(second)


# --- claim, forward, supplement, approve, send back, refuse --------------------------------------


@freeze_time(at(7, 8))
def test_claim_then_forward_moves_the_dossier_to_the_next_agency(world, as_user):
    dossier = receive(world)
    step = first_step(dossier)
    client = as_user(world.reviewer_a)

    page = client.post(step_url(step, "claim"), follow=True)
    assert page.redirect_chain[-1][0] == detail_url(dossier)
    assert any("Bạn đã nhận xử lý" in m for m in messages_of(page))
    step.refresh_from_db()
    assert (step.status, step.claimed_by) == (StepStatus.CLAIMED, world.reviewer_a)
    # the panel now offers the claimed step's actions; not approval, it is not the last step
    assert step_url(step, "forward") in page.content.decode()
    assert step_url(step, "approve") not in page.content.decode()

    form = client.get(step_url(step, "forward"))
    assert form.status_code == 200
    page = client.post(step_url(step, "forward"), {"note": "Hồ sơ hợp lệ về pháp lý"}, follow=True)
    assert page.redirect_chain[-1][0] == detail_url(dossier)
    assert "Hồ sơ hợp lệ về pháp lý" in text(page)

    assert dossier.code not in text(client.get(INBOX))
    inbox_b = as_user(world.reviewer_b).get(INBOX)
    assert dossier.code in text(inbox_b)
    assert "Thẩm định kỹ thuật, cấp phép" in text(inbox_b)


def test_claim_is_post_only_and_unknown_actions_are_not_found(world, as_user):
    with freeze_time(at(7, 8)):
        step = first_step(receive(world))
    client = as_user(world.reviewer_a)
    assert client.get(step_url(step, "claim")).status_code == 405
    assert client.get(step_url(step, "explode")).status_code == 404
    assert client.post(step_url(step, "receive")).status_code == 404


@freeze_time(at(7, 8))
def test_another_agencys_reviewer_cannot_claim(world, as_user):
    dossier = receive(world)
    step = first_step(dossier)
    # B sees the dossier (SXD has step 2) but step 1 is not theirs
    page = as_user(world.reviewer_b).post(step_url(step, "claim"), follow=True)
    assert page.redirect_chain[-1][0] == detail_url(dossier)
    assert any("Nhận xử lý" in m for m in messages_of(page))
    step.refresh_from_db()
    assert step.status == StepStatus.ACTIVE


@freeze_time(at(7, 8))
def test_supplement_request_with_two_items(world, as_user):
    dossier = receive(world)
    step = claimed_by_b(world, dossier)
    client = as_user(world.reviewer_b)
    page = client.post(
        step_url(step, "request_supplement"),
        {
            "items": "Bản sao giấy chứng nhận quyền sử dụng đất\n\n- Bản vẽ mặt bằng có chữ ký\n",
            "note": "Nộp trong 5 ngày",
        },
        follow=True,
    )
    assert page.redirect_chain[-1][0] == detail_url(dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    request = dossier.supplement_requests.get()
    assert request.items == ["Bản sao giấy chứng nhận quyền sử dụng đất", "Bản vẽ mặt bằng có chữ ký"]
    page_text = text(page)
    assert "Yêu cầu bổ sung" in page_text
    assert "Bản sao giấy chứng nhận quyền sử dụng đất" in page_text
    assert "Bản vẽ mặt bằng có chữ ký" in page_text
    assert "Chưa bổ sung" in page_text
    assert "Tạm dừng tính thời hạn" in page_text


@freeze_time(at(7, 8))
def test_supplement_request_needs_an_item(world, as_user):
    dossier = receive(world)
    step = claimed_by_b(world, dossier)
    page = as_user(world.reviewer_b).post(step_url(step, "request_supplement"), {"items": " \n  \n"})
    assert page.status_code == 200
    assert "Có lỗi cần sửa" in text(page)
    assert "ít nhất một nội dung" in text(page)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


@freeze_time(at(7, 8))
def test_approve_with_a_result_pdf(world, as_user):
    dossier = receive(world)
    step = claimed_by_b(world, dossier)
    client = as_user(world.reviewer_b)
    assert step_url(step, "approve") in client.get(detail_url(dossier)).content.decode()
    page = client.post(
        step_url(step, "approve"),
        {
            "result_note": "Giấy phép xây dựng số 12/GPXD ngày 07/12/2026",
            "result_files": SimpleUploadedFile("giay phep.pdf", PDF_BYTES, content_type="application/pdf"),
        },
        follow=True,
    )
    assert page.redirect_chain[-1][0] == detail_url(dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    assert dossier.result_note.startswith("Giấy phép xây dựng số 12/GPXD")
    result = DossierFile.objects.get(dossier=dossier, kind=FileKind.RESULT)
    assert result.content_type == "application/pdf"
    page_text = text(page)
    assert "Đã có kết quả" in page_text
    assert "Kết quả" in page_text and "giay phep.pdf" in page_text
    assert reverse("dossiers:file", args=[result.pk]) in page.content.decode()

    download = client.get(reverse("dossiers:file", args=[result.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == f'attachment; filename="{dossier.code}-{result.pk}.pdf"'
    assert b"".join(download.streaming_content) == PDF_BYTES


@freeze_time(at(7, 8))
def test_approve_refuses_a_file_that_is_not_a_pdf_or_image(world, as_user):
    dossier = receive(world)
    step = claimed_by_b(world, dossier)
    page = as_user(world.reviewer_b).post(
        step_url(step, "approve"),
        {
            "result_note": "Giấy phép",
            "result_files": SimpleUploadedFile(
                "ket-qua.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
            ),
        },
    )
    assert page.status_code == 200
    assert "không phải PDF, JPEG hay PNG" in text(page)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert not DossierFile.objects.filter(dossier=dossier).exists()


@freeze_time(at(7, 8))
def test_approve_needs_a_result_note(world, as_user):
    dossier = receive(world)
    step = claimed_by_b(world, dossier)
    page = as_user(world.reviewer_b).post(step_url(step, "approve"), {"result_note": "  "})
    assert page.status_code == 200
    assert "Vui lòng ghi kết quả giải quyết" in text(page)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


@freeze_time(at(7, 8))
def test_send_back_reopens_the_previous_step(world, as_user):
    dossier = receive(world)
    step = claimed_by_b(world, dossier)
    client = as_user(world.reviewer_b)

    page = client.post(step_url(step, "send_back"), {"reason": ""})
    assert page.status_code == 200
    assert "Vui lòng nêu lý do" in text(page)

    page = client.post(
        step_url(step, "send_back"), {"reason": "Thiếu ý kiến pháp lý về ranh giới"}, follow=True
    )
    assert page.redirect_chain[-1][0] == detail_url(dossier)
    assert (first_step(dossier).status, second_step(dossier).status) == (
        StepStatus.ACTIVE,
        StepStatus.WAITING,
    )
    assert dossier.code in text(as_user(world.reviewer_a).get(INBOX))
    assert "Thiếu ý kiến pháp lý về ranh giới" in text(as_user(world.reviewer_a).get(detail_url(dossier)))


@freeze_time(at(7, 8))
def test_refuse_needs_a_reason(world, as_user):
    dossier = receive(world)
    step = claimed_by_b(world, dossier)
    client = as_user(world.reviewer_b)
    page = client.post(step_url(step, "refuse"), {"reason": "   "})
    assert page.status_code == 200
    assert "Có lỗi cần sửa" in text(page)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING

    page = client.post(
        step_url(step, "refuse"), {"reason": "Công trình không phù hợp quy hoạch"}, follow=True
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert dossier.closing_reason == "Công trình không phù hợp quy hoạch"
    assert "Từ chối giải quyết" in text(page)


@freeze_time(at(7, 8))
def test_request_and_confirm_payment(world, as_user):
    dossier = receive(world)
    step = claimed_by_b(world, dossier)
    client = as_user(world.reviewer_b)
    page = client.post(step_url(step, "request_payment"), {"amount": "abc"})
    assert "chỉ gồm chữ số" in text(page)

    page = client.post(
        step_url(step, "request_payment"),
        {
            "kind": "registration_fee",
            "amount": "1.500.000",
            "notice_number": "TB-2026/123",
            "issuing_authority": "Thuế cơ sở 1 tỉnh Sơn Hà",
            "due_date": "20/12/2026",
            "note": "Nộp tại Kho bạc",
        },
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT
    assert dossier.events.get(action=Action.REQUEST_PAYMENT).data["amount"] == 1_500_000
    obligation = dossier.obligations.get()
    assert (obligation.kind, obligation.notice_number, obligation.due_date) == (
        "registration_fee",
        "TB-2026/123",
        date(2026, 12, 20),
    )
    assert "1.500.000" in text(page)
    assert "TB-2026/123" in text(page)
    assert "chờ thực hiện nghĩa vụ tài chính" in text(page)
    confirm = reverse("dossiers:confirm_payment", args=[dossier.code])
    assert confirm in page.content.decode()

    page = client.post(confirm, {"note": "x"})
    assert "số chứng từ" in text(page)
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT

    page = client.post(confirm, {"proof": "GNT 0001234"}, follow=True)
    assert page.redirect_chain[-1][0] == detail_url(dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.obligations.get().payment_proof == "GNT 0001234"


# --- stop and apology ----------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_stop_needs_a_reason_and_the_current_agency(world, as_user):
    dossier = receive(world)
    stop = reverse("dossiers:stop", args=[dossier.code])
    # step 1 is at STP: SXD's reviewer may not stop it yet
    page = as_user(world.reviewer_b).post(stop, {"reason": "x"}, follow=True)
    assert page.redirect_chain[-1][0] == detail_url(dossier)
    assert messages_of(page)

    client = as_user(world.reviewer_a)
    services.step_claim(actor=world.reviewer_a, step=first_step(dossier))
    assert client.post(stop, {"reason": ""}).status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING

    client.post(stop, {"reason": "Người nộp đề nghị dừng"})
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED


def test_apology_with_a_new_date(world, as_user):
    with freeze_time(at(7, 8)):
        dossier = receive(world)  # due Monday 21 08:00
    apologize = reverse("dossiers:apologize", args=[dossier.code])
    with freeze_time(at(18, 15)):  # Friday 18, 15:00: due within one working day
        client = as_user(world.reviewer_a)
        page = client.get(detail_url(dossier))
        assert "Sắp đến hạn" in text(page)
        assert "sắp trễ hạn" in text(page)
        assert apologize in page.content.decode()

        page = client.get(apologize)
        assert "08:00 21/12/2026" in text(page)

        page = client.post(apologize, {"reason": "Chờ ý kiến liên ngành", "new_date": "20/12/2026"})
        assert page.status_code == 200
        assert "Ngày hẹn mới phải sau hạn trả kết quả" in text(page)

        page = client.post(apologize, {"reason": "", "new_date": "31/02/2026"})
        assert "Ngày không hợp lệ" in text(page)

        page = client.post(
            apologize,
            {"reason": "Chờ ý kiến liên ngành", "new_date": "28/12/2026", "new_time": "10:00"},
            follow=True,
        )
    assert page.redirect_chain[-1][0] == detail_url(dossier)
    dossier.refresh_from_db()
    assert dossier.promised_at == at(28, 10)
    assert dossier.due_at == at(21, 8)
    page_text = text(page)
    assert "Hẹn lại (văn bản xin lỗi)" in page_text
    assert "10:00 28/12/2026" in page_text
    assert "Xin lỗi và hẹn lại" in page_text


def test_apology_date_alone_means_the_end_of_the_working_day(world, as_user):
    with freeze_time(at(7, 8)):
        dossier = receive(world)
    with freeze_time(at(18, 15)):
        as_user(world.reviewer_a).post(
            reverse("dossiers:apologize", args=[dossier.code]),
            {"reason": "Chờ ý kiến", "new_date": "2026-12-23"},
        )
    dossier.refresh_from_db()
    assert dossier.promised_at == at(23, 17)


# --- the dossier page ----------------------------------------------------------------------------


def test_the_dossier_page_shows_every_event_in_the_timeline(world, as_user):
    with freeze_time(at(7, 8)):
        dossier = receive(world)
        step = first_step(dossier)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.step_forward(actor=world.reviewer_a, step=step, note="Hợp lệ")
    with freeze_time(at(8, 9, 15)):
        step = second_step(dossier)
        services.step_claim(actor=world.reviewer_b, step=step)
        services.dossier_request_supplement(actor=world.reviewer_b, step=step, items=["Bản vẽ"])
    with freeze_time(at(9, 10)):
        services.dossier_supply(actor=world.clerk, dossier=dossier, note="Đã nộp bản vẽ")
    with freeze_time(at(10, 10)):
        services.step_approve(actor=world.reviewer_b, step=step, result_note="Cấp phép")
        page = as_user(world.manager).get(detail_url(dossier))
    assert page.status_code == 200
    page_text = text(page)
    events = list(dossier.events.all())
    assert len(events) == 7
    timeline = page_text[page_text.index("Quá trình giải quyết") :]
    for event in events:
        assert str(Action(event.action).label) in timeline
    assert "09:15 08/12/2026" in timeline
    assert world.reviewer_b.display_name in timeline
    assert "Sở Xây dựng" in timeline
    # order: receive first, approve last
    assert timeline.index("Tiếp nhận tại quầy") < timeline.index("Phê duyệt, có kết quả")
    # the manager only reads
    assert "Hiện không có thao tác nào" in page_text


@freeze_time(at(7, 8))
def test_the_dossier_page_header_steps_and_masked_id(world, as_user):
    dossier = receive(world)
    page = as_user(world.reviewer_a).get(detail_url(dossier))
    page_text = text(page)
    assert page.content.decode().count("<h1") == 1
    assert f"Hồ sơ {dossier.code}" in page_text
    assert "Đã tiếp nhận" in page_text and "Mã trạng thái: 2" in page_text
    assert "Sở Xây dựng" in page_text and "Trung tâm PVHCC" in page_text
    assert "Trực tiếp" in page_text
    assert "08:00 21/12/2026" in page_text
    assert "Thẩm định pháp lý" in page_text and "Thẩm định kỹ thuật, cấp phép" in page_text
    assert "Đơn đề nghị" in page_text
    # the ID number is masked for staff; the contact is shown to them
    assert VALID_ID_NUMBER not in page.content.decode()
    assert "********4567" in page_text
    assert "0912 345 678" in page_text
    # reviewer A may claim step 1
    assert step_url(first_step(dossier), "claim") in page.content.decode()
    # reviewer B's step is waiting: nothing to claim
    page_b = as_user(world.reviewer_b).get(detail_url(dossier))
    assert step_url(second_step(dossier), "claim") not in page_b.content.decode()
    assert step_url(first_step(dossier), "claim") not in page_b.content.decode()


@freeze_time(at(7, 8))
def test_the_applicant_sees_the_full_id_number_and_their_files(world, as_user):
    docs = list(world.procedure.documents.order_by("order"))
    intake = Intake(
        applicant=applicant(),
        files=[
            FileUpload(name="don.pdf", content=PDF_BYTES, document_id=docs[0].id),
            FileUpload(name="ban-ve.png", content=PNG_BYTES, document_id=docs[1].id),
        ],
    )
    dossier = services.dossier_submit(
        actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
    )
    page = as_user(world.citizen).get(detail_url(dossier))
    page_text = text(page)
    assert VALID_ID_NUMBER in page_text
    assert "Thành phần hồ sơ" in page_text and "don.pdf" in page_text and "ban-ve.png" in page_text
    assert "Mới nộp trực tuyến, chờ tiếp nhận" in page_text
    png = dossier.files.get(original_name="ban-ve.png")
    download = as_user(world.citizen).get(reverse("dossiers:file", args=[png.pk]))
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == f'attachment; filename="{dossier.code}-{png.pk}.png"'


def test_the_dossier_page_query_count_is_bounded(world, as_user, django_assert_max_num_queries):
    with freeze_time(at(7, 8)):
        dossier = receive(world)
        step = first_step(dossier)
        services.step_claim(actor=world.reviewer_a, step=step)
        for _ in range(10):
            services.dossier_request_payment(
                actor=world.reviewer_a,
                step=step,
                amount=1000,
                kind="land_use_levy",
                notice_number="TB-1",
                issuing_authority="Thuế cơ sở 1",
            )
            services.dossier_confirm_payment(actor=world.reviewer_a, dossier=dossier, proof="GNT-1")
        services.step_forward(actor=world.reviewer_a, step=step)
        step = second_step(dossier)
        services.step_claim(actor=world.reviewer_b, step=step)
        services.step_approve(
            actor=world.reviewer_b,
            step=step,
            result_note="Cấp phép",
            files=[FileUpload(name=f"kq{i}.pdf", content=PDF_BYTES) for i in range(5)],
        )
    assert dossier.events.count() > 20
    with freeze_time(at(8, 8)):
        client = as_user(world.manager)
        # 11 + obligations + receipts, fee lines, fees, signed results (receipts) + payments + the
        # dossier's digitised and reused papers (documents) + the access record's insert (privacy) +
        # its sync messages (national)
        with django_assert_max_num_queries(21):
            page = client.get(detail_url(dossier))
    assert page.status_code == 200
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RESULT_READY


@freeze_time(at(7, 8))
def test_every_step_form_page_renders_for_the_reviewer_who_claimed(world, as_user):
    dossier = receive(world)
    step = claimed_by_b(world, dossier)
    client = as_user(world.reviewer_b)
    for action in ("send_back", "request_supplement", "approve", "refuse", "request_payment"):
        page = client.get(step_url(step, action))
        assert page.status_code == 200, action
        assert f'<h1 class="h2 mb-3">{Action(action).label}</h1>' in page.content.decode()
        assert "Thẩm định kỹ thuật, cấp phép" in text(page)
    assert 'enctype="multipart/form-data"' in client.get(step_url(step, "approve")).content.decode()
    # the last step is approved, not forwarded
    assert client.get(step_url(step, "forward")).url == detail_url(dossier)


@freeze_time(at(7, 8))
def test_forward_without_a_note(world, as_user):
    dossier = receive(world)
    step = first_step(dossier)
    services.step_claim(actor=world.reviewer_a, step=step)
    response = as_user(world.reviewer_a).post(step_url(step, "forward"))
    assert response.url == detail_url(dossier)
    assert second_step(dossier).status == StepStatus.ACTIVE


def test_staff_see_a_pdf_or_an_image_inline_in_a_sandboxed_viewer(world, as_user):
    docs = list(world.procedure.documents.order_by("order"))
    intake = Intake(
        applicant=applicant(),
        files=[
            FileUpload(name="don.pdf", content=PDF_BYTES, document_id=docs[0].id),
            FileUpload(name="ban-ve.png", content=PNG_BYTES, document_id=docs[1].id),
        ],
    )
    dossier = services.dossier_submit(
        actor=world.citizen, procedure=world.procedure, office=world.center, intake=intake
    )
    png = dossier.files.get(original_name="ban-ve.png")
    pdf = dossier.files.get(original_name="don.pdf")
    clerk = as_user(world.clerk)
    assert reverse("dossiers:file_preview", args=[png.pk]) in clerk.get(detail_url(dossier)).content.decode()

    page = clerk.get(reverse("dossiers:file_preview", args=[png.pk])).content.decode()
    assert f'<iframe src="{reverse("dossiers:file_inline", args=[png.pk])}" sandbox=""' in page
    image = clerk.get(reverse("dossiers:file_inline", args=[png.pk]))
    assert image["Content-Type"] == "image/png" and image["Content-Disposition"].startswith("inline")
    assert image["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert image["X-Frame-Options"] == "SAMEORIGIN" and image["X-Content-Type-Options"] == "nosniff"

    page = clerk.get(reverse("dossiers:file_preview", args=[pdf.pk]))
    assert "object-src 'self'" in page["Content-Security-Policy"]  # the viewer page may embed it
    assert "'none' 'self'" not in page["Content-Security-Policy"]
    assert f'<object data="{reverse("dossiers:file_inline", args=[pdf.pk])}" type="application/pdf"' in (
        page.content.decode()
    )
    document = clerk.get(reverse("dossiers:file_inline", args=[pdf.pk]))
    assert (
        document["Content-Security-Policy"] == "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
    )

    # the applicant downloads their files but has no staff viewer; other agencies see nothing
    citizen = as_user(world.citizen)
    assert (
        reverse("dossiers:file_preview", args=[png.pk])
        not in citizen.get(detail_url(dossier)).content.decode()
    )
    for who in (world.citizen, world.commune_clerk):
        user = as_user(who)
        for name in ("file_preview", "file_inline"):
            assert user.get(reverse(f"dossiers:{name}", args=[png.pk])).status_code == 404

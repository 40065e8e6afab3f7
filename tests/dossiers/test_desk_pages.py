"""The one-stop desk pages, used the way a clerk or postal staff member uses them."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import DocumentReceived, Dossier, DossierFile, Event
from dossiers.services import Intake
from dossiers.workflow import Status
from tests.factories import JPEG_BYTES, PDF_BYTES, VALID_ID_NUMBER, applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
INTAKE = reverse("dossiers:desk_intake")
QUEUE = reverse("dossiers:desk_online_queue")
RETURNS = reverse("dossiers:desk_returns")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def at(day, hour, minute=0):
    """A moment in December 2026 (Monday 7 to Friday 11, then Monday 14 …; no holiday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def url(name, code):
    return reverse(f"dossiers:{name}", args=[code])


def pdf(name="don.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def intake_data(procedure, *, tick=True, **overrides):
    """The intake form as a clerk fills it: every document ticked with the procedure's counts."""
    data = {
        "action": "receive",
        "kind": "person",
        "name": "Nguyễn Văn An",
        "id_number": VALID_ID_NUMBER,
        "organisation_name": "",
        "tax_code": "",
        "phone": "0912 345 678",
        "email": "an@example.vn",
        "address": "Số 1 đường Trần Phú, phường Hà Đông",
        "request_summary": "Xây nhà ở riêng lẻ 3 tầng",
        "sets_count": "1",
        "return_method": "counter",
        "return_address": "",
    }
    for document in procedure.documents.all():
        if tick:
            data[f"doc_{document.id}"] = "on"
        data[f"doc_{document.id}_originals"] = str(document.originals)
        data[f"doc_{document.id}_copies"] = str(document.copies)
    data.update(overrides)
    return data


def documents(procedure):
    return list(procedure.documents.order_by("order", "id"))


def receive(world, actor=None, procedure=None, **kwargs):
    procedure = procedure or world.procedure
    intake = Intake(
        applicant=applicant(),
        documents={d.id: (d.originals, d.copies) for d in procedure.documents.all()},
        **kwargs,
    )
    return services.dossier_receive(actor=actor or world.clerk, procedure=procedure, intake=intake)


def submit_online(world):
    docs = documents(world.procedure)
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


def result_ready(world, **kwargs):
    """A dossier of the single-step procedure, received at the center and approved by STP."""
    dossier = receive(world, procedure=world.single, **kwargs)
    step = dossier.steps.get()
    services.step_claim(actor=world.reviewer_a, step=step)
    services.step_approve(actor=world.reviewer_a, step=step, result_note="Phiếu lý lịch tư pháp số 125")
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    return dossier


# --- intake ---------------------------------------------------------------------------------------


@freeze_time(at(7, 8))  # Monday
def test_clerk_finds_the_procedure_without_diacritics_and_receives_a_dossier(client, world):
    client.force_login(world.clerk)

    page = client.get(INTAKE)
    assert page.status_code == 200
    assert 'name="q"' in page.content.decode()
    assert "autofocus" in page.content.decode()

    found = client.get(INTAKE, {"q": "giay phep"}).content.decode()
    assert "Cấp giấy phép xây dựng" in found
    assert "?procedure=1.009994" in found
    assert "Cấp phiếu lý lịch tư pháp" not in found

    form_page = client.get(INTAKE, {"procedure": "1.009994"})
    body = form_page.content.decode()
    assert form_page.status_code == 200
    for document in documents(world.procedure):
        assert document.name in body
    assert "75.000" in body  # the fee, read-only, with the total

    docs = documents(world.procedure)
    data = intake_data(world.procedure, **{f"doc_{docs[0].id}_files": [pdf(), pdf("don-trang-2.pdf")]})
    response = client.post(f"{INTAKE}?procedure=1.009994", data, follow=True)

    dossier = Dossier.objects.get()
    assert response.redirect_chain == [(url("desk_confirmation", dossier.code), 302)]
    body = response.content.decode()
    assert dossier.code == "TTPVHCC-261207-0001"
    assert dossier.code in body
    assert dossier.secret in body
    assert "21/12/2026" in body  # 10 working days
    assert "Sở Tư pháp" in body and "Sở Xây dựng" in body  # the steps with their agencies
    assert "75.000" in body
    assert f"/giay-to/ho-so/{dossier.code}/giay-tiep-nhan/pdf/" in body  # the intake receipt to print
    assert f"/giay-to/ho-so/{dossier.code}/thu-phi/" in body  # and the fee desk
    assert "data-print" in body and "js/dossiers/print.js" in body  # a print button
    assert 'href="#"' not in body
    assert VALID_ID_NUMBER in body  # the desk's own confirmation shows the full number

    assert dossier.channel == "counter"
    assert dossier.status == Status.RECEIVED
    assert dossier.received_by == world.clerk
    assert dossier.phone == "+84912345678"
    assert {
        (r.document_id, r.originals, r.copies) for r in DocumentReceived.objects.filter(dossier=dossier)
    } == {
        (docs[0].id, 1, 0),
        (docs[1].id, 0, 2),
        (docs[2].id, 1, 0),
    }
    files = list(DossierFile.objects.filter(dossier=dossier))
    assert [(f.original_name, f.document_id, f.content_type) for f in files] == [
        ("don.pdf", docs[0].id, "application/pdf"),
        ("don-trang-2.pdf", docs[0].id, "application/pdf"),
    ]


@freeze_time(at(7, 8))
def test_a_code_typed_in_the_search_finds_its_procedure(client, world):
    client.force_login(world.clerk)
    body = client.get(INTAKE, {"q": "2.000001"}).content.decode()
    assert "Cấp phiếu lý lịch tư pháp" in body
    assert "Cấp giấy phép xây dựng" not in body


@freeze_time(at(7, 8))
def test_unknown_procedure_code_goes_back_to_the_search(client, world):
    client.force_login(world.clerk)
    response = client.get(INTAKE, {"procedure": "9.999999"})
    assert response.status_code == 200
    assert "Không tìm thấy thủ tục có mã 9.999999" in response.content.decode()


@freeze_time(at(7, 8))
def test_a_missing_mandatory_document_shows_the_error_summary_and_creates_nothing(client, world):
    client.force_login(world.clerk)
    docs = documents(world.procedure)
    data = intake_data(world.procedure)
    del data[f"doc_{docs[1].id}"]  # the drawings were not brought
    response = client.post(f"{INTAKE}?procedure=1.009994", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Có lỗi cần sửa" in body
    assert "Giấy tờ bắt buộc chưa được đánh dấu đã nhận." in body
    assert f'href="#id_doc_{docs[1].id}"' in body  # the summary links to the row's checkbox
    assert not Dossier.objects.exists()
    assert not Event.objects.exists()


@freeze_time(at(7, 8))
def test_a_ticked_document_needs_a_count(client, world):
    client.force_login(world.clerk)
    docs = documents(world.procedure)
    data = intake_data(world.procedure, **{f"doc_{docs[0].id}_originals": "0"})
    response = client.post(f"{INTAKE}?procedure=1.009994", data)
    assert "Ghi số bản chính hoặc số bản sao đã nhận." in response.content.decode()
    assert not Dossier.objects.exists()


@freeze_time(at(7, 8))
@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("12345", "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."),
        ("999203004567", "Số định danh cá nhân (CCCD) có mã tỉnh không hợp lệ."),
    ],
)
def test_a_bad_id_number_shows_the_error_summary_and_creates_nothing(client, world, id_number, message):
    client.force_login(world.clerk)
    response = client.post(f"{INTAKE}?procedure=1.009994", intake_data(world.procedure, id_number=id_number))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Có lỗi cần sửa" in body
    assert message in body
    assert 'href="#id_id_number"' in body
    assert not Dossier.objects.exists()


@freeze_time(at(7, 8))
def test_an_exe_named_pdf_is_refused(client, world):
    client.force_login(world.clerk)
    docs = documents(world.procedure)
    fake = SimpleUploadedFile("don.pdf", EXE_BYTES, content_type="application/pdf")
    response = client.post(
        f"{INTAKE}?procedure=1.009994", intake_data(world.procedure, **{f"doc_{docs[0].id}_files": fake})
    )
    body = response.content.decode()
    assert "Có lỗi cần sửa" in body
    assert "không phải PDF, JPEG hay PNG" in body
    assert not Dossier.objects.exists()
    assert not DossierFile.objects.exists()


@freeze_time(at(7, 8))
def test_an_organisation_needs_its_name_and_a_valid_tax_code(client, world):
    client.force_login(world.clerk)
    data = intake_data(world.procedure, kind="organisation", tax_code="0101234568")
    body = client.post(f"{INTAKE}?procedure=1.009994", data).content.decode()
    assert "Vui lòng nhập tên tổ chức." in body
    assert "Mã số thuế không đúng (sai số kiểm tra)." in body
    assert not Dossier.objects.exists()

    data.update(
        organisation_name="Công ty TNHH Xây dựng An Phát", tax_code="0100109106", id_number="001 203 004 567"
    )
    response = client.post(f"{INTAKE}?procedure=1.009994", data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.applicant_kind, dossier.organisation_name, dossier.tax_code, dossier.id_number) == (
        "organisation",
        "Công ty TNHH Xây dựng An Phát",
        "0100109106",
        VALID_ID_NUMBER,
    )


@freeze_time(at(7, 8))
def test_postal_intake_makes_a_postal_dossier_and_post_return_needs_an_address(client, world):
    client.force_login(world.postal)
    form_page = client.get(INTAKE, {"procedure": "1.009994"}).content.decode()
    assert re.search(r'value="post"[^>]*checked', form_page)  # postal staff: return by post first

    data = intake_data(world.procedure, return_method="post", return_address="")
    body = client.post(f"{INTAKE}?procedure=1.009994", data).content.decode()
    assert "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính." in body
    assert not Dossier.objects.exists()

    data["return_address"] = "Số 5 phố Huế, phường Hai Bà Trưng"
    response = client.post(f"{INTAKE}?procedure=1.009994", data, follow=True)
    dossier = Dossier.objects.get()
    assert dossier.channel == "postal"
    assert dossier.return_method == "post"
    assert dossier.received_by == world.postal
    assert "Bưu chính công ích" in response.content.decode()


@freeze_time(at(7, 8))
def test_previous_applicant_is_found_by_id_number_or_phone_without_putting_it_in_the_url(client, world):
    receive(world)  # an earlier dossier of Nguyễn Văn An at the center
    client.force_login(world.clerk)
    target = f"{INTAKE}?procedure=2.000001"

    response = client.post(target, {"action": "lookup", "find": VALID_ID_NUMBER})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đã điền sẵn thông tin từ hồ sơ TTPVHCC-261207-0001" in body
    form = response.context["form"]
    assert form["name"].value() == "Nguyễn Văn An"
    assert form["address"].value() == "Số 1 đường Trần Phú, phường Hà Đông"
    assert form["email"].value() == "an@example.vn"
    assert form["phone"].value() == "0912 345 678"
    assert form["id_number"].value() == VALID_ID_NUMBER

    by_phone = client.post(target, {"action": "lookup", "find": "0912345678"}).context["form"]
    assert by_phone["name"].value() == "Nguyễn Văn An"
    assert not by_phone["id_number"].value()  # found by phone: the clerk reads the ID card

    nobody = client.post(target, {"action": "lookup", "find": "0987654321"})
    assert "Không tìm thấy hồ sơ trước đây" in nobody.content.decode()
    assert not nobody.context["form"]["name"].value()
    assert Dossier.objects.count() == 1


@freeze_time(at(7, 8))
def test_previous_applicant_of_another_office_is_not_found(client, world):
    receive(world)
    client.force_login(world.commune_clerk)
    response = client.post(f"{INTAKE}?procedure=2.000815", {"action": "lookup", "find": VALID_ID_NUMBER})
    assert "Không tìm thấy hồ sơ trước đây" in response.content.decode()
    assert not response.context["form"]["name"].value()


# --- online queue ---------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_clerk_accepts_an_online_dossier_from_the_queue(client, world):
    dossier = submit_online(world)
    client.force_login(world.clerk)
    body = client.get(QUEUE).content.decode()
    assert dossier.code in body
    assert "don.pdf" in body and "ban-ve.jpg" in body
    assert "Đơn đề nghị" in body and "Bản vẽ thiết kế" in body
    assert VALID_ID_NUMBER not in body  # masked

    # the queue's button asks first: a page with what is accepted and a confirm button
    assert f'href="{url("desk_accept", dossier.code)}"' in body
    confirm = client.get(url("desk_accept", dossier.code)).content.decode()
    assert "Xác nhận tiếp nhận" in confirm and "don.pdf" in confirm
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED  # nothing done by looking

    response = client.post(url("desk_accept", dossier.code), follow=True)
    # then the dossier's page of papers, with its intake receipt to print
    assert response.redirect_chain == [(url("desk_confirmation", dossier.code), 302)]
    body = response.content.decode()
    assert f"Đã tiếp nhận hồ sơ {dossier.code}. Hẹn trả kết quả: 08:00 21/12/2026." in body
    assert reverse("receipts:paper", args=[dossier.code, "giay-tiep-nhan"]) in body
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.received_by == world.clerk
    assert "Không có hồ sơ trực tuyến nào đang chờ tiếp nhận." in client.get(QUEUE).content.decode()

    again = client.post(url("desk_accept", dossier.code), follow=True)
    assert "Không thể" in again.content.decode()


@freeze_time(at(7, 8))
def test_clerk_refuses_an_online_dossier_with_a_reason(client, world):
    dossier = submit_online(world)
    client.force_login(world.clerk)

    empty = client.post(url("desk_refuse_intake", dossier.code), {"reason": "  "})
    assert empty.status_code == 200
    assert "Có lỗi cần sửa" in empty.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED

    reason = "Bản vẽ thiết kế không có chữ ký của chủ nhiệm thiết kế."
    response = client.post(url("desk_refuse_intake", dossier.code), {"reason": reason}, follow=True)
    assert response.redirect_chain == [(QUEUE, 302)]
    assert f"Đã từ chối tiếp nhận hồ sơ {dossier.code}" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert dossier.closing_reason == reason
    assert dossier.events.last().note == reason


@freeze_time(at(7, 8))
def test_online_queue_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.clerk)
    submit_online(world)
    with CaptureQueriesContext(connection) as few:
        assert client.get(QUEUE).status_code == 200
    for _ in range(12):
        submit_online(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(QUEUE).content.decode()
    assert body.count(">ban-ve.jpg</a>") == 13
    assert len(few.captured_queries) <= 8


def test_online_queue_pages_oldest_first_and_a_page_past_the_end_shows_the_last(client, world, monkeypatch):
    monkeypatch.setattr("dossiers.views.desk.online_queue.PAGE_SIZE", 2)
    codes = []
    for minute in (30, 10, 20):  # submitted out of order
        with freeze_time(at(7, 8, minute)):
            codes.append(submit_online(world).code)
    oldest, middle, newest = codes[1], codes[2], codes[0]
    client.force_login(world.clerk)

    def listed(page=None):
        body = client.get(QUEUE, {"page": page} if page else {}).content.decode()
        assert "3 hồ sơ đang chờ" in body
        return [code for code in (oldest, middle, newest) if code in body], body

    first, body = listed()
    assert first == [oldest, middle]
    assert body.index(oldest) < body.index(middle)
    assert "Trang 1 / 2" in body
    assert listed("2")[0] == [newest]
    assert listed("9")[0] == [newest]  # past the end: the last page
    assert listed("x")[0] == [oldest, middle]  # not a number: the first


def test_postal_staff_has_no_online_queue(client, world):
    client.force_login(world.postal)
    assert client.get(QUEUE).status_code == 403


# --- returning results ----------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_return_at_the_counter_needs_the_collector_and_an_id_check(client, world):
    dossier = result_ready(world)
    client.force_login(world.clerk)
    listed = client.get(RETURNS).content.decode()
    assert dossier.code in listed
    assert client.get(RETURNS, {"q": "khong-co"}).context["page"].paginator.count == 0
    assert client.get(RETURNS, {"q": dossier.code[-4:]}).context["page"].paginator.count == 1

    form = client.get(url("desk_return", dossier.code))
    body = form.content.decode()
    assert "Phiếu lý lịch tư pháp số 125" in body
    assert "postal_tracking" not in body

    response = client.post(url("desk_return", dossier.code), {"collected_by": "Nguyễn Văn An"})
    assert "Có lỗi cần sửa" in response.content.decode()
    response = client.post(url("desk_return", dossier.code), {"collected_by": "", "id_checked": "on"})
    assert "Có lỗi cần sửa" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY

    response = client.post(
        url("desk_return", dossier.code), {"collected_by": "Trần Thị Bình", "id_checked": "on"}, follow=True
    )
    assert response.redirect_chain == [(RETURNS, 302)]
    assert f"Đã trả kết quả hồ sơ {dossier.code}." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert dossier.returned_to == "Trần Thị Bình"
    assert dossier.events.last().data["id_checked"] is True


@freeze_time(at(7, 8))
def test_returns_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.clerk)
    result_ready(world)
    with CaptureQueriesContext(connection) as few:
        assert client.get(RETURNS).status_code == 200
    for _ in range(10):
        result_ready(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(RETURNS)
    assert page.context["page"].paginator.count == 11
    # a statement prepared on a connection's first use (PREPARE, then EXECUTE: web.prepared) is
    # the connection's, not the page's
    assert len([q for q in few.captured_queries if not q["sql"].startswith("PREPARE")]) <= 6


@freeze_time(at(7, 8))
def test_return_by_post_needs_a_tracking_number(client, world):
    dossier = result_ready(world, return_method="post", return_address="Số 5 phố Huế, Hà Nội")
    client.force_login(world.postal)
    body = client.get(url("desk_return", dossier.code)).content.decode()
    assert "Số 5 phố Huế, Hà Nội" in body
    assert "id_checked" not in body

    response = client.post(url("desk_return", dossier.code), {"postal_tracking": ""})
    assert "Có lỗi cần sửa" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY

    client.post(url("desk_return", dossier.code), {"postal_tracking": "EB123456789VN"})
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert dossier.postal_tracking == "EB123456789VN"
    assert dossier.events.last().actor == world.postal


@freeze_time(at(7, 8))
def test_return_form_of_a_dossier_without_result_sends_back_with_a_message(client, world):
    dossier = receive(world)
    client.force_login(world.clerk)
    response = client.get(url("desk_return", dossier.code), follow=True)
    assert response.redirect_chain == [(RETURNS, 302)]
    assert "Không thể “Trả kết quả”" in response.content.decode()


# --- on the spot, supplement, withdrawal ----------------------------------------------------------


@freeze_time(at(7, 9))
def test_on_the_spot_from_intake_to_return_in_one_sitting(client, world):
    client.force_login(world.commune_clerk)
    found = client.get(INTAKE, {"q": "chung thuc ban sao"}).content.decode()
    assert "?procedure=2.000815" in found

    response = client.post(f"{INTAKE}?procedure=2.000815", intake_data(world.on_the_spot), follow=True)
    dossier = Dossier.objects.get()
    assert dossier.code.startswith("XA1-261207-")
    body = response.content.decode()
    on_the_spot_url = url("desk_on_the_spot", dossier.code)
    assert f'href="{on_the_spot_url}"' in body
    assert "07/12/2026" in body  # same day

    form = client.get(on_the_spot_url).content.decode()
    # the clerk is authorised to sign here: chosen already
    assert f'<option value="{world.commune_clerk.pk}" selected>' in form
    empty = client.post(on_the_spot_url, {"result_note": "", "signed_by": world.commune_clerk.pk})
    assert "Có lỗi cần sửa" in empty.content.decode()

    response = client.post(
        on_the_spot_url,
        {"result_note": "Đã chứng thực 3 bản sao, số 125", "signed_by": world.commune_clerk.pk},
        follow=True,
    )
    assert response.redirect_chain == [(url("desk_return", dossier.code), 302)]
    assert "Đã chứng thực 3 bản sao, số 125" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY

    client.post(url("desk_return", dossier.code), {"collected_by": "Nguyễn Văn An", "id_checked": "on"})
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert [e.action for e in dossier.events.all()] == ["receive", "approve_on_the_spot", "return_result"]


@freeze_time(at(7, 8))
def test_no_on_the_spot_button_or_page_for_an_ordinary_procedure(client, world):
    dossier = receive(world)
    client.force_login(world.clerk)
    body = client.get(url("desk_confirmation", dossier.code)).content.decode()
    assert url("desk_on_the_spot", dossier.code) not in body
    response = client.post(url("desk_on_the_spot", dossier.code), {"result_note": "x"}, follow=True)
    assert "Thủ tục này không giải quyết tại chỗ." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


@freeze_time(at(7, 8))
def test_clerk_records_a_supplement_brought_to_the_desk(client, world):
    dossier = receive(world)
    step = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=step)
    services.dossier_request_supplement(
        actor=world.reviewer_a, step=step, items=["Bản sao sổ đỏ có chứng thực"]
    )
    client.force_login(world.clerk)

    page = client.get(url("desk_confirmation", dossier.code)).content.decode()
    assert url("desk_supply", dossier.code) in page
    form = client.get(url("desk_supply", dossier.code)).content.decode()
    assert "Bản sao sổ đỏ có chứng thực" in form

    empty = client.post(url("desk_supply", dossier.code), {"note": ""})
    assert "Có lỗi cần sửa" in empty.content.decode()

    client.post(
        url("desk_supply", dossier.code), {"note": "Đã nộp bản sao sổ đỏ", "files": [pdf("so-do.pdf")]}
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.files.get().original_name == "so-do.pdf"
    assert dossier.supplement_requests.get().supplied_note == "Đã nộp bản sao sổ đỏ"


@freeze_time(at(7, 8))
def test_clerk_withdraws_a_dossier_at_the_applicants_request(client, world):
    dossier = receive(world)
    client.force_login(world.clerk)
    empty = client.post(url("desk_withdraw", dossier.code), {"reason": ""})
    assert "Có lỗi cần sửa" in empty.content.decode()

    response = client.post(url("desk_withdraw", dossier.code), {"reason": "Người nộp xin rút để bổ sung"})
    assert response.status_code == 302
    assert dossier.code in response["Location"]  # to the dossier page
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.closing_reason == "Người nộp xin rút để bổ sung"


# --- access ---------------------------------------------------------------------------------------


@freeze_time(at(7, 8))
def test_a_clerk_of_another_office_gets_404_on_the_centers_dossiers(client, world):
    received = receive(world)
    online = submit_online(world)
    client.force_login(world.commune_clerk)
    for name in ("desk_confirmation", "desk_on_the_spot", "desk_supply", "desk_withdraw"):
        assert client.get(url(name, received.code)).status_code == 404, name
    assert client.get(url("desk_refuse_intake", online.code)).status_code == 404
    assert client.post(url("desk_accept", online.code)).status_code == 404
    assert client.post(url("desk_refuse_intake", online.code), {"reason": "x"}).status_code == 404
    online.refresh_from_db()
    assert online.status == Status.SUBMITTED
    assert online.code not in client.get(QUEUE).content.decode()

    ready = result_ready(world)
    assert client.get(url("desk_return", ready.code)).status_code == 404
    assert (
        client.post(url("desk_return", ready.code), {"collected_by": "X", "id_checked": "on"}).status_code
        == 404
    )
    assert ready.code not in client.get(RETURNS).content.decode()
    ready.refresh_from_db()
    assert ready.status == Status.RESULT_READY


@freeze_time(at(7, 8))
def test_a_reviewer_on_the_route_is_no_desk(client, world):
    dossier = result_ready(world)
    client.force_login(world.reviewer_a)  # sees the dossier, but is no desk: a desk page of it is 404
    assert client.get(url("desk_return", dossier.code)).status_code == 404


@freeze_time(at(7, 8))
def test_citizens_are_refused_and_visitors_sent_to_log_in(client, world):
    dossier = submit_online(world)
    pages = [INTAKE, QUEUE, RETURNS, url("desk_confirmation", dossier.code), url("desk_return", dossier.code)]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(world.citizen)
    for page in pages[:3]:  # desk lists: refused
        assert client.get(page).status_code == 403, page
    for page in pages[3:]:  # desk pages naming a dossier: as if it did not exist
        assert client.get(page).status_code == 404, page
    assert client.post(url("desk_accept", dossier.code)).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED

"""The citizen's online submission, page by page, and the citizen's own dossiers."""

import hashlib
import re
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import Dossier, DossierFile
from dossiers.services import Intake
from dossiers.validators import tax_check_digit
from dossiers.workflow import Status
from notifications.models import Notification
from procedures.services import agency_upsert
from tests.factories import JPEG_BYTES, PDF_BYTES, VALID_ID_NUMBER, applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_8AM = datetime(2026, 12, 7, 8, tzinfo=VN)
MY_DOSSIERS = "/ho-so/cua-toi/"
CONSENT = {"consent": settings.PRIVACY_NOTICE_VERSION}  # the box ticked under the notice shown


@pytest.fixture(autouse=True)
def frozen():
    """Monday 7 December 2026, 08:00 (the sessions are made in the same frozen time)."""
    with freeze_time(MONDAY_8AM) as frozen:
        yield frozen


@pytest.fixture
def citizen(world, client):
    world.citizen.full_name = "Nguyễn Văn An"
    world.citizen.phone = "+84912345678"
    world.citizen.email = "an@example.vn"
    world.citizen.save()
    client.force_login(world.citizen)
    return world.citizen


def documents(world):
    return list(world.procedure.documents.order_by("order", "id"))


def pdf(name="don-de-nghi.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def phone_photo(name="IMG_20261207_0801.jpg"):
    return SimpleUploadedFile(name, JPEG_BYTES, content_type="image/jpeg")


def text(response) -> str:
    return response.content.decode()


def error_summary(response) -> str:
    match = re.search(r'<div class="error-summary.*?</div>', text(response), re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def start(client, world, procedure=None):
    response = client.get(reverse("dossiers:submit_start", args=[(procedure or world.procedure).code]))
    assert response.status_code == 302
    return response.url


APPLICANT = {"kind": "person", "name": "Nguyễn Văn An", "id_number": "0012 0300 4567"}
CONTACT = {"phone": "0912 345 678", "email": "an@example.vn", "address": "Số 1 Trần Phú, phường Hà Đông"}


def office(world, **overrides):
    return {"office": world.center.pk, "return_method": "counter", "return_address": ""} | overrides


def to_check_page(client, world) -> str:
    """Walk pages 1 to 4 with good answers; returns the check page's address."""
    response = client.post(start(client, world), APPLICANT)
    response = client.post(response.url, CONTACT)
    response = client.post(response.url, office(world))
    main, drawing, _ = documents(world)
    response = client.post(
        response.url, {f"document_{main.pk}": pdf(), f"document_{drawing.pk}": phone_photo()}
    )
    assert response.status_code == 302, error_summary(response)
    assert response.url.endswith("/kiem-tra/")
    return response.url


def send(client, url, data, **kwargs):
    """The final post, with what the view leaves for after its commit run as after a real one
    (the test's own transaction never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data, **kwargs)


def temp_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "tmp"
    return (
        [p for p in root.rglob("*") if p.is_file() and p.parent.name != ".submitting"]
        if root.exists()
        else []
    )


# --- the wizard ----------------------------------------------------------------------------------


def test_a_citizen_walks_every_page_and_gets_the_code(world, client, citizen):
    detail = client.get(reverse("procedures:detail", args=[world.procedure.code]))
    assert reverse("dossiers:submit_start", args=[world.procedure.code]) in text(detail)

    applicant_url = start(client, world)
    assert applicant_url.endswith("/nguoi-nop/")
    page = client.get(applicant_url)
    assert page.status_code == 200
    assert text(page).count("<h1") == 1
    assert "Bước 1 trên 5" in text(page)
    assert 'value="Nguyễn Văn An"' in text(page)  # from the account
    assert reverse("procedures:detail", args=[world.procedure.code]) in text(page)  # Back
    response = client.post(applicant_url, APPLICANT)
    assert response.status_code == 302

    contact_url = response.url
    page = client.get(contact_url)
    assert "Bước 2 trên 5" in text(page)
    assert 'value="0912 345 678"' in text(page)
    assert 'value="an@example.vn"' in text(page)
    assert f'href="{applicant_url}"' in text(page)  # Back
    response = client.post(contact_url, CONTACT)

    office_url = response.url
    page = client.get(office_url)
    assert "Bước 3 trên 5" in text(page)
    assert re.search(rf'<option value="{world.center.pk}" selected>', text(page))  # the center first
    assert text(page).index("Trung tâm PVHCC") < text(page).index("UBND xã Một")
    response = client.post(office_url, office(world, return_method="post", return_address="Số 2 Lê Lợi"))

    documents_url = response.url
    page = client.get(documents_url)
    assert "Bước 4 trên 5" in text(page)
    assert 'accept=".pdf,.jpg,.jpeg,.png,image/*,application/pdf"' in text(page)
    assert "capture" not in text(page)
    assert "10,0\xa0MB" in text(page) or "10.0\xa0MB" in text(page)
    assert "tối đa 30 tệp" in text(page)
    assert text(page).count("(bắt buộc)") == 2
    assert "(không bắt buộc)" in text(page)
    main, drawing, _ = documents(world)
    response = client.post(
        documents_url, {f"document_{main.pk}": pdf(), f"document_{drawing.pk}": phone_photo()}
    )
    check_url = response.url

    page = client.get(check_url)
    assert "Bước 5 trên 5" in text(page)
    for shown in ["Nguyễn Văn An", VALID_ID_NUMBER, "0912 345 678", "Trung tâm PVHCC", "Số 2 Lê Lợi"]:
        assert shown in text(page)
    assert "don-de-nghi.pdf" in text(page)
    assert "IMG_20261207_0801.jpg" in text(page)
    assert text(page).count("?change=1") == 4
    assert Dossier.objects.count() == 0

    done = send(client, check_url, CONSENT, follow=True)
    dossier = Dossier.objects.get()
    assert done.redirect_chain[-1][0] == reverse("dossiers:submit_done", args=[dossier.code])
    assert dossier.code == "TTPVHCC-261207-0001"
    assert dossier.code in text(done)
    assert dossier.secret in text(done)
    assert "Trung tâm PVHCC" in text(done)
    assert "10 ngày làm việc" in text(done)
    assert "no-store" in done["Cache-Control"]  # the secret is not kept in caches

    assert dossier.status == Status.SUBMITTED
    assert (dossier.channel, dossier.intake_office, dossier.applicant_user) == (
        "online",
        world.center,
        citizen,
    )
    assert (dossier.applicant_name, dossier.id_number, dossier.phone) == (
        "Nguyễn Văn An",
        VALID_ID_NUMBER,
        "+84912345678",
    )
    assert (dossier.return_method, dossier.return_address) == ("post", "Số 2 Lê Lợi")
    stored = {f.document_id: f for f in DossierFile.objects.filter(dossier=dossier)}
    assert set(stored) == {main.pk, drawing.pk}
    assert (stored[main.pk].content_type, stored[main.pk].size) == ("application/pdf", len(PDF_BYTES))
    assert stored[main.pk].sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert stored[main.pk].original_name == "don-de-nghi.pdf"
    assert (stored[drawing.pk].content_type, stored[drawing.pk].sha256) == (
        "image/jpeg",
        hashlib.sha256(JPEG_BYTES).hexdigest(),
    )
    assert stored[drawing.pk].file.read() == JPEG_BYTES
    assert temp_files() == []  # the uploaded copies are gone


def test_going_back_and_changing_answers(world, client, citizen):
    check_url = to_check_page(client, world)
    page = client.get(check_url)
    contact_change = re.search(r'href="([^"]*/lien-he/\?change=1)"', text(page)).group(1)

    page = client.get(contact_change)
    assert f'href="{check_url}"' in text(page)  # Back goes to the check page
    assert "Lưu và quay lại trang kiểm tra" in text(page)
    response = client.post(contact_change, CONTACT | {"phone": "0987 654 321"})
    assert response.url == check_url

    applicant_change = re.search(r'href="([^"]*/nguoi-nop/\?change=1)"', text(page := client.get(check_url)))
    tax_code = "010123456" + str(tax_check_digit("010123456"))
    response = client.post(
        applicant_change.group(1),
        APPLICANT
        | {"kind": "organisation", "organisation_name": "Công ty TNHH An Bình", "tax_code": tax_code},
    )
    assert response.url == check_url

    page = client.get(check_url)
    assert "0987 654 321" in text(page)
    assert "Công ty TNHH An Bình" in text(page)
    send(client, check_url, CONSENT)
    dossier = Dossier.objects.get()
    assert (dossier.phone, dossier.applicant_kind, dossier.tax_code) == (
        "+84987654321",
        "organisation",
        tax_code,
    )

    # The pages walked in order also go back one by one.
    applicant_url = start(client, world)
    response = client.post(applicant_url, APPLICANT)
    page = client.get(response.url)
    assert f'href="{applicant_url}"' in text(page)


def test_a_bad_id_number_is_refused_and_nothing_changes(world, client, citizen):
    applicant_url = start(client, world)
    response = client.post(applicant_url, APPLICANT | {"id_number": "12345"})
    assert response.status_code == 200
    assert "12 chữ số" in error_summary(response)
    assert 'href="#id_id_number"' in error_summary(response)
    assert "<title>Lỗi:" in text(response)
    # the next page is not open yet
    contact_url = applicant_url.replace("/nguoi-nop/", "/lien-he/")
    assert client.get(contact_url).url == applicant_url

    response = client.post(applicant_url, APPLICANT | {"id_number": "999203004567"})
    assert "mã tỉnh" in error_summary(response)

    response = client.post(applicant_url, APPLICANT | {"kind": "organisation", "tax_code": "0101234567"})
    assert "tên tổ chức" in error_summary(response)
    assert "Mã số thuế" in error_summary(response)
    assert Dossier.objects.count() == 0


def test_contact_and_office_pages_check_their_answers(world, client, citizen):
    response = client.post(start(client, world), APPLICANT)
    contact_url = response.url
    response = client.post(contact_url, {"phone": "", "email": "", "address": ""})
    summary = error_summary(response)
    assert "số điện thoại hoặc email" in summary
    assert "Địa chỉ liên hệ" in summary
    response = client.post(contact_url, CONTACT | {"phone": "12"})
    assert "Số điện thoại không hợp lệ" in error_summary(response)

    response = client.post(contact_url, CONTACT)
    response = client.post(response.url, office(world, return_method="post"))
    assert "địa chỉ nhận kết quả qua bưu chính" in error_summary(response)
    response = client.post(response.request["PATH_INFO"], office(world, office=world.justice.pk))
    assert 'href="#id_office"' in error_summary(response)  # not a one-stop desk


def test_a_missing_mandatory_file_is_asked_for_and_the_uploaded_one_is_kept(world, client, citizen):
    response = client.post(start(client, world), APPLICANT)
    response = client.post(response.url, CONTACT)
    response = client.post(response.url, office(world))
    documents_url = response.url
    main, drawing, _ = documents(world)

    response = client.post(documents_url, {f"document_{main.pk}": pdf()})
    assert response.status_code == 200
    assert "Vui lòng tải lên Bản vẽ thiết kế" in error_summary(response)
    assert "don-de-nghi.pdf" in text(response)  # kept: no need to upload it again
    check_url = documents_url.replace("/giay-to/", "/kiem-tra/")
    assert client.get(check_url).url == documents_url

    response = client.post(documents_url, {f"document_{drawing.pk}": phone_photo()})
    assert response.url == check_url
    page = client.get(check_url)
    assert "don-de-nghi.pdf" in text(page)
    assert Dossier.objects.count() == 0


def test_a_pdf_that_is_really_a_program_is_refused(world, client, citizen):
    response = client.post(start(client, world), APPLICANT)
    response = client.post(response.url, CONTACT)
    response = client.post(response.url, office(world))
    documents_url = response.url
    main, drawing, _ = documents(world)
    fake = pdf("don.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00PNG\r\n\x1a\nThis program cannot be run in DOS")

    response = client.post(
        documents_url, {f"document_{main.pk}": fake, f"document_{drawing.pk}": phone_photo()}
    )
    assert response.status_code == 200
    assert "don.pdf không phải PDF, JPEG hay PNG" in error_summary(response)
    assert Dossier.objects.count() == 0
    assert client.get(documents_url.replace("/giay-to/", "/kiem-tra/")).url == documents_url
    assert len([p for p in temp_files() if p.suffix != ".json"]) == 1  # only the good photo is kept


def test_a_kept_file_can_be_removed(world, client, citizen):
    check_url = to_check_page(client, world)
    documents_url = check_url.replace("/kiem-tra/", "/giay-to/")
    page = client.get(documents_url)
    token = re.search(r'name="remove" value="([0-9a-f]{32})"', text(page)).group(1)
    response = client.post(documents_url, {"remove": token}, follow=True)
    assert "Đã xóa tệp" in text(response)
    assert "don-de-nghi.pdf" not in text(response)
    assert client.get(check_url).url == documents_url  # the mandatory one is missing again


def test_the_final_submit_is_checked_again_by_the_service(world, client, citizen):
    check_url = to_check_page(client, world)
    session = client.session
    (wizard,) = session["online_submissions"].values()
    wizard["applicant"]["id_number"] = "12345"  # e.g. a rule that changed since page 1
    session.save()

    response = send(client, check_url, CONSENT)
    assert response.status_code == 200
    assert "12 chữ số" in error_summary(response)
    assert "/nguoi-nop/?change=1" in error_summary(response)
    assert Dossier.objects.count() == 0
    assert "IMG_20261207_0801.jpg" in text(response)  # nothing lost

    session = client.session
    next(iter(session["online_submissions"].values()))["applicant"]["id_number"] = VALID_ID_NUMBER
    session.save()
    send(client, check_url, CONSENT)
    assert Dossier.objects.count() == 1


def test_posting_the_final_page_twice_makes_one_dossier(world, client, citizen):
    check_url = to_check_page(client, world)
    stale = dict(client.session.items())

    first = send(client, check_url, CONSENT)
    second = send(client, check_url, CONSENT)
    assert Dossier.objects.count() == 1
    assert first.url == second.url == reverse("dossiers:submit_done", args=[Dossier.objects.get().code])

    # A second post that read the session before the first one finished.
    session = client.session
    session.clear()
    session.update(stale)
    session.save()
    third = send(client, check_url, CONSENT)
    assert third.url == first.url
    assert Dossier.objects.count() == 1


def test_start_resumes_an_unfinished_submission(world, client, citizen):
    check_url = to_check_page(client, world)
    assert start(client, world) == check_url


def test_anonymous_people_are_sent_to_login(world, client):
    for url in [reverse("dossiers:submit_start", args=[world.procedure.code]), MY_DOSSIERS]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_staff_get_a_clear_refusal(world, client):
    for user in [world.clerk, world.reviewer_a, world.admin]:
        client.force_login(user)
        response = client.get(reverse("dossiers:submit_start", args=[world.procedure.code]))
        assert response.status_code == 403
        assert "dành cho công dân, tổ chức" in text(response)
        assert client.get(MY_DOSSIERS).status_code == 403


def test_a_procedure_without_online_submission_is_refused(world, client, citizen):
    response = client.get(reverse("dossiers:submit_start", args=[world.single.code]))
    assert response.status_code == 200
    assert "chưa nhận hồ sơ trực tuyến" in text(response)
    assert "online_submissions" not in client.session
    assert client.get(reverse("dossiers:submit_start", args=["0.000000"])).status_code == 404


def test_an_unknown_submission_sends_back_to_the_catalog(world, client, citizen):
    response = client.get(reverse("dossiers:submit_contact", args=["0123456789abcdef"]), follow=True)
    assert "Vui lòng bắt đầu lại" in text(response)


# --- own dossiers --------------------------------------------------------------------------------


def submit_online(world, actor=None):
    main, drawing, _ = documents(world)
    intake = Intake(
        applicant=applicant(),
        files=[
            FileUpload(name="don.pdf", content=PDF_BYTES, document_id=main.id),
            FileUpload(name="ban-ve.jpg", content=JPEG_BYTES, document_id=drawing.id),
        ],
    )
    return services.dossier_submit(
        actor=actor or world.citizen, procedure=world.procedure, office=world.center, intake=intake
    )


def ask_for_supplement(world, dossier):
    services.dossier_accept(actor=world.clerk, dossier=dossier)
    step = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=step)
    services.dossier_request_supplement(
        actor=world.reviewer_a, step=step, items=["Bản vẽ mặt bằng móng", "Ảnh hiện trạng"]
    )


def test_my_dossiers_shows_only_own_dossiers(world, client, citizen):
    mine = submit_online(world)
    theirs = submit_online(world, actor=world.other_citizen)
    ask_for_supplement(world, theirs)

    page = client.get(MY_DOSSIERS)
    assert mine.code in text(page)
    assert theirs.code not in text(page)
    assert "Mới nộp trực tuyến, chờ tiếp nhận" in text(page)
    assert "mã 1" not in text(page)  # the national portal's status code is not for citizens
    assert reverse("dossiers:my_withdraw", args=[mine.code]) in text(page)
    for name in ["my_supply", "my_withdraw"]:
        assert client.get(reverse(f"dossiers:{name}", args=[theirs.code])).status_code == 404
        assert (
            client.post(reverse(f"dossiers:{name}", args=[theirs.code]), {"reason": "x"}).status_code == 404
        )
    theirs.refresh_from_db()
    assert theirs.status == Status.SUPPLEMENT_REQUESTED


def test_supplying_what_the_reviewer_asked_resumes_processing(world, client, citizen, frozen):
    dossier = submit_online(world)
    ask_for_supplement(world, dossier)
    due = Dossier.objects.get(pk=dossier.pk).due_at

    frozen.move_to(datetime(2026, 12, 8, 8, tzinfo=VN))  # one working day later
    page = client.get(MY_DOSSIERS)
    assert "Cần bổ sung" in text(page)
    supply_url = reverse("dossiers:my_supply", args=[dossier.code])
    assert supply_url in text(page)

    page = client.get(supply_url)
    assert "Bản vẽ mặt bằng móng" in text(page)
    assert "Ảnh hiện trạng" in text(page)
    assert "Sở Tư pháp" in text(page)
    assert 'accept=".pdf,.jpg,.jpeg,.png,image/*,application/pdf"' in text(page)

    response = client.post(supply_url, {"note": ""})
    assert "đính kèm giấy tờ bổ sung" in error_summary(response)
    response = client.post(supply_url, {"files": pdf("mat-bang.pdf", b"MZ not a pdf"), "note": "x"})
    assert "không phải PDF" in error_summary(response)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT_REQUESTED

    response = client.post(
        supply_url,
        {"files": [pdf("mat-bang.pdf"), phone_photo("hien-trang.jpg")], "note": "Đã bổ sung bản vẽ"},
        follow=True,
    )
    assert "tiếp tục được giải quyết" in text(response)

    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at > due  # moved by the paused working time
    supplied = dossier.files.filter(kind="supplement")
    assert sorted(supplied.values_list("original_name", flat=True)) == ["hien-trang.jpg", "mat-bang.pdf"]
    assert dossier.supplement_requests.get().supplied_note == "Đã bổ sung bản vẽ"
    # nothing more to supply
    assert client.get(supply_url).url == MY_DOSSIERS


def test_withdrawing_a_dossier(world, client, citizen):
    dossier = submit_online(world)
    withdraw_url = reverse("dossiers:my_withdraw", args=[dossier.code])
    page = client.get(withdraw_url)
    assert page.status_code == 200
    assert dossier.code in text(page)

    response = client.post(withdraw_url, {"reason": "Nộp nhầm thủ tục"})
    assert "xác nhận" in error_summary(response)
    response = client.post(withdraw_url, {"reason": " ", "confirm": "on"})
    assert "Lý do rút hồ sơ" in error_summary(response)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED

    response = client.post(withdraw_url, {"reason": "Nộp nhầm thủ tục", "confirm": "on"}, follow=True)
    assert f"Đã rút hồ sơ {dossier.code}" in text(response)
    assert "Công dân rút hồ sơ" in text(response)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.closing_reason) == (Status.WITHDRAWN, "Nộp nhầm thủ tục")
    # a withdrawn dossier cannot be withdrawn again
    response = client.post(withdraw_url, {"reason": "x", "confirm": "on"}, follow=True)
    assert "Không thể rút hồ sơ" in text(response)


def test_my_dossiers_query_count_is_bounded(world, client, citizen, django_assert_max_num_queries):
    other_desk, _ = agency_upsert(
        code="BD", name="Bưu điện tỉnh", level="province", kind="other", has_one_stop_desk=True
    )
    for _ in range(25):
        submit_online(world)
    ask_for_supplement(world, Dossier.objects.first())
    with django_assert_max_num_queries(6):
        page = client.get(MY_DOSSIERS)
    assert page.status_code == 200
    assert text(page).count("TTPVHCC-261207-") >= 20
    assert "Trang 1/2" in text(page)
    assert other_desk.name not in text(page)


def test_a_submission_being_sent_is_not_sent_twice(world, client, citizen, frozen):
    check_url = to_check_page(client, world)
    (wizard,) = client.session["online_submissions"].values()
    lock = Path(settings.MEDIA_ROOT) / "tmp" / wizard["folder"] / ".submitting"
    lock.mkdir()
    (lock / "started").write_text(str(time.time()))  # another request is sending it now

    response = client.post(check_url, CONSENT, follow=True)
    assert "đang được gửi" in text(response)
    assert Dossier.objects.count() == 0

    frozen.tick(15 * 60)  # that request died half-way: its lock is taken over
    response = send(client, check_url, CONSENT)
    assert Dossier.objects.count() == 1


def test_a_submission_resent_after_its_process_died_past_the_commit_makes_no_second_dossier(
    world, client, citizen, frozen
):
    """Issue 26, 2: a process that committed the dossier and died before it could say so (its
    lock in the folder left without the code, the uploads not yet cleaned, the session not
    saved) is taken over after the stale-lock time by a resend, with whatever form token: the
    resend finds the committed dossier (recorded with the submission in its transaction) instead
    of making a second one."""
    check_url = to_check_page(client, world)
    (wizard,) = client.session["online_submissions"].values()
    folder = Path(settings.MEDIA_ROOT) / "tmp" / wizard["folder"]
    before = dict(client.session.items())
    uploads = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    first = send(client, check_url, CONSENT)
    dossier = Dossier.objects.get()
    assert first.url == reverse("dossiers:submit_done", args=[dossier.code]) and temp_files() == []
    notices = Notification.objects.filter(dossier_code=dossier.code).count()

    # What the dying process left: the lock without the code, the uploads, the old session.
    (folder / ".submitting" / "code").unlink()
    for name, content in uploads.items():
        (folder / name).write_bytes(content)
    session = client.session
    session.clear()
    session.update(before)
    session.save()

    response = client.post(check_url, CONSENT, follow=True)  # within the stale-lock time
    assert "đang được gửi" in text(response) and Dossier.objects.count() == 1
    frozen.tick(15 * 60)  # past it: the lock is taken over
    page = client.get(check_url)
    token = re.search(r'name="form_token" value="([^"]+)"', text(page))[1]  # a new one
    again = send(client, check_url, {**CONSENT, "form_token": token})
    assert again.status_code == 302 and again.url == first.url
    assert Dossier.objects.count() == 1
    assert Notification.objects.filter(dossier_code=dossier.code).count() == notices
    assert temp_files() == []  # the folder is cleaned as the first process would have


def test_a_file_over_10_mb_is_refused_and_not_kept(world, client, citizen):
    response = client.post(start(client, world), APPLICANT)
    response = client.post(response.url, CONTACT)
    response = client.post(response.url, office(world))
    main, drawing, _ = documents(world)
    big = pdf("ban-scan.pdf", PDF_BYTES + b"\0" * (10 * 1024 * 1024))
    response = client.post(
        response.url, {f"document_{main.pk}": big, f"document_{drawing.pk}": phone_photo()}
    )
    assert response.status_code == 200
    assert "ban-scan.pdf lớn hơn 10 MB" in error_summary(response)
    assert len([p for p in temp_files() if p.suffix != ".json"]) == 1  # only the photo


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../../../etc/cron.d/x.pdf", "x.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("/var/www/html/shell.pdf", "shell.pdf"),
        (".htaccess", "htaccess"),
        ("don\x00.php\n.pdf", "don.php.pdf"),
    ],
)
def test_path_tricks_in_a_file_name_stay_in_the_name(world, client, citizen, name, shown):
    response = client.post(start(client, world), APPLICANT)
    response = client.post(response.url, CONTACT)
    response = client.post(response.url, office(world))
    main, drawing, _ = documents(world)
    response = client.post(
        response.url, {f"document_{main.pk}": pdf(name), f"document_{drawing.pk}": phone_photo()}
    )
    assert response.status_code == 302
    send(client, response.url, CONSENT)  # send it
    dossier = Dossier.objects.get()
    stored = dossier.files.get(document_id=main.pk)
    assert stored.original_name == shown
    # on disk: a server-made name under the dossier's folder, nothing of the uploader's
    path = Path(stored.file.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "dossiers" / str(dossier.pk))
    assert path.name.endswith(".pdf") and shown.split(".")[0] not in path.name
    download = client.get(reverse("dossiers:file", args=[stored.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="{dossier.code}-{stored.pk}.pdf"'


def test_the_applicant_sees_the_cost_on_every_page_before_and_after_sending(world, client, citizen):
    """Issue 18 item 3: the fee (with its exemptions) and how to pay, from the procedure page to
    the dossier page."""
    fee = world.procedure.fees.get()
    fee.note = "Miễn cho hộ nghèo"
    fee.save()
    cost = "Phí, lệ phí và cách nộp"

    def shows_cost(page) -> None:
        body = re.sub(r"\s+", " ", text(page))
        assert cost in body and "75.000" in body and "Miễn cho hộ nghèo" in body, page.request["PATH_INFO"]
        assert "Cách nộp" in body

    shows_cost(client.get(reverse("procedures:detail", args=[world.procedure.code])))
    url = start(client, world)
    for answers in (APPLICANT, CONTACT, office(world)):
        shows_cost(client.get(url))
        url = client.post(url, answers).url
    shows_cost(client.get(url))  # the documents page
    main, drawing, _ = documents(world)
    check_url = client.post(url, {f"document_{main.pk}": pdf(), f"document_{drawing.pk}": phone_photo()}).url
    shows_cost(client.get(check_url))
    done = send(client, check_url, CONSENT, follow=True)
    shows_cost(done)
    dossier = Dossier.objects.get()
    page = re.sub(r"<[^>]+>", " ", text(client.get(reverse("dossiers:detail", args=[dossier.code]))))
    page = re.sub(r"\s+", " ", page)
    assert "Phí, lệ phí của hồ sơ" in page and "Lệ phí: 75.000" in page
    assert "Còn phải nộp: 75.000" in page
    assert "Chưa nộp" in page


def test_an_uploaded_scan_is_streamed_to_disk_not_held_in_memory(world, client, citizen):
    """A 9 MB scan: the request's own body (built by the test client) is the only whole copy in
    memory; the upload handler streams the file to a temporary file and the submission copies it
    from there in chunks (issue 25). Held in memory, the peak would be two or three copies."""
    import tracemalloc

    response = client.post(start(client, world), APPLICANT)
    response = client.post(response.url, CONTACT)
    response = client.post(response.url, office(world))
    documents_url = response.url
    main, drawing, _ = documents(world)
    scan = PDF_BYTES + b"%" + bytes(range(256)) * (9 * 1024 * 4)
    boundary = "streamed-scan-boundary"
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="document_{main.pk}"; '
            f'filename="ban-quet.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode(),
            scan,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )

    tracemalloc.start()
    try:
        response = client.post(documents_url, body, content_type=f"multipart/form-data; boundary={boundary}")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response.status_code == 200  # the drawing is still missing
    assert "ban-quet.pdf" in text(response)
    kept = list((Path(settings.MEDIA_ROOT) / "tmp").rglob("*.pdf"))
    assert [p.read_bytes() == scan for p in kept] == [True]
    assert peak < 1.5 * len(scan), f"peak {peak:,} bytes for a {len(scan):,}-byte upload"


def test_no_submission_without_consent_to_the_notice_and_the_consent_is_recorded(
    world, client, citizen, settings
):
    """Law 91/2025: the processing notice is shown before sending; without the box ticked nothing
    is sent; the version agreed to and the time are recorded with the dossier's code and are in
    the citizen's data download."""
    import io
    import json
    import zipfile

    from accounts.models import Consent

    check_url = to_check_page(client, world)
    page = text(client.get(check_url))
    assert "Thông báo xử lý dữ liệu cá nhân" in page and 'href="/du-lieu-ca-nhan/thong-bao-xu-ly/"' in page
    assert f"phiên bản {settings.PRIVACY_NOTICE_VERSION}" in page

    refused = client.post(check_url)
    assert refused.status_code == 200
    assert "đồng ý với Thông báo xử lý dữ liệu cá nhân" in error_summary(refused)
    assert 'href="#id_consent"' in error_summary(refused)
    assert Dossier.objects.count() == 0 and not Consent.objects.exists()

    # a notice changed since the page was shown is asked for again
    stale = client.post(check_url, {"consent": "0.9"})
    assert "đồng ý" in error_summary(stale) and Dossier.objects.count() == 0

    send(client, check_url, CONSENT)
    dossier = Dossier.objects.get()
    consent = Consent.objects.get()
    assert (consent.user, consent.purpose, consent.dossier_code) == (
        world.citizen,
        "submission",
        dossier.code,
    )
    assert consent.notice_version == settings.PRIVACY_NOTICE_VERSION
    assert consent.given_at == dossier.submitted_at

    archive = zipfile.ZipFile(io.BytesIO(client.get("/du-lieu-ca-nhan/tai-ve/").content))
    data = json.loads(archive.read("du-lieu.json"))
    assert [(c["purpose"], c["notice_version"], c["dossier_code"]) for c in data["consents"]] == [
        ("submission", settings.PRIVACY_NOTICE_VERSION, dossier.code)
    ]


# --- issue 21: the smaller points ------------------------------------------------------------------


def test_the_confirmation_says_it_once_and_points_up_to_the_tracking_link(world, client, citizen):
    done = client.post(to_check_page(client, world), CONSENT, follow=True)
    page = text(done)
    assert page.count("Đã gửi hồ sơ") == 2  # the title and the heading; no flash message besides
    assert not list(done.context["messages"])
    assert "dưới đây" not in page and "đường dẫn tra cứu ở trên" in page
    assert page.index("Đường dẫn tra cứu") < page.index("đường dẫn tra cứu ở trên")


def test_the_id_number_and_address_of_the_last_submission_are_offered_again(world, client, citizen):
    client.post(to_check_page(client, world), CONSENT, follow=True)
    applicant_url = start(client, world)
    page = text(client.get(applicant_url))
    assert 'value="001203004567"' in page
    response = client.post(
        applicant_url, {"kind": "person", "name": "Nguyễn Văn An", "id_number": "001203004567"}
    )
    assert "Số 1 Trần Phú, phường Hà Đông</textarea>" in text(client.get(response.url))


def test_nothing_is_offered_from_someone_elses_dossier(world, client, citizen):
    client.post(to_check_page(client, world), CONSENT, follow=True)
    client.force_login(world.other_citizen)
    page = text(client.get(start(client, world)))
    assert "001203004567" not in page


def test_the_reviewers_note_is_on_the_citizens_supplement_form(world, client, citizen):
    dossier = submit_online(world)
    services.dossier_accept(actor=world.clerk, dossier=dossier)
    step = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=step)
    services.dossier_request_supplement(
        actor=world.reviewer_a, step=step, items=["Bản vẽ mặt bằng móng"], note="Bản vẽ cần có chữ ký."
    )
    page = text(client.get(reverse("dossiers:my_supply", args=[dossier.code])))
    assert "Ghi chú của cán bộ" in page and "Bản vẽ cần có chữ ký." in page
    assert page.index("Bản vẽ mặt bằng móng") < page.index("Bản vẽ cần có chữ ký.")


# --- what a page costs ---------------------------------------------------------------------------

# Session, user, the procedure, and the page's own reads (issue 25): the documents and fees come
# from the process's copy (procedures.versioned), the office page's lists are read once.
STATEMENTS = {"nguoi-nop": 5, "lien-he": 4, "noi-nop": 5, "giay-to": 5, "kiem-tra": 4}


def test_each_page_reads_what_it_shows_once(world, client, citizen):
    check_url = to_check_page(client, world)
    client.get(check_url)  # the documents and fees of this version, read once for the process
    for slug, limit in STATEMENTS.items():
        url = check_url.replace("kiem-tra", slug)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        tables = " ".join(q["sql"] for q in queries.captured_queries)
        assert len(queries) <= limit, (slug, [q["sql"][:80] for q in queries.captured_queries])
        assert "procedures_requireddocument" not in tables and "procedures_fee" not in tables, slug


def test_a_desk_closed_since_it_was_chosen_is_asked_again_on_the_check_page(world, client, citizen):
    check_url = to_check_page(client, world)
    world.center.has_one_stop_desk = False
    world.center.save()
    page = client.get(check_url)
    assert "Nơi đã chọn không còn nhận hồ sơ, vui lòng chọn lại." in text(page)
    response = send(client, check_url, CONSENT)
    assert Dossier.objects.count() == 0
    assert "Nơi tiếp nhận đã chọn không còn nhận hồ sơ" in text(response)
    assert check_url.replace("kiem-tra", "noi-nop") + "?change=1" in text(response)  # the way back


def test_a_change_to_the_procedure_is_seen_at_the_next_page(world, client, citizen):
    """Its statement is compiled once a connection, its row read at every request: nothing kept."""
    contact_url = client.post(start(client, world), APPLICANT).url
    world.procedure.name = "Thủ tục đã đổi tên"
    world.procedure.save()
    assert "Thủ tục đã đổi tên" in text(client.get(contact_url))
    world.procedure.accepts_online = False
    world.procedure.save()
    response = client.get(contact_url)
    assert "chưa nhận hồ sơ trực tuyến" in text(response)


def test_a_desk_closed_between_the_office_page_and_its_post_is_refused(world, client, citizen):
    response = client.post(start(client, world), APPLICANT)
    office_url = client.post(response.url, CONTACT).url
    assert f'value="{world.center.pk}"' in text(client.get(office_url))
    world.center.has_one_stop_desk = False
    world.center.save()
    response = client.post(office_url, office(world))
    assert response.status_code == 200
    assert "Nơi đã chọn không nhận hồ sơ; vui lòng chọn một nơi trong danh sách." in error_summary(response)
    assert "office" not in client.session["online_submissions"][office_url.split("/")[-3]]
    for bad in ("", "abc", "999999", "1.5"):
        response = client.post(office_url, office(world, office=bad))
        assert 'href="#id_office"' in error_summary(response), bad


def test_the_nationalities_are_the_list_of_the_pages_language(world, client, citizen):
    from django.utils import translation

    from dossiers.forms.online import ApplicantForm
    from dossiers.validators import nationality_options

    for language in ("vi", "en", "vi"):
        with translation.override(language):
            field = ApplicantForm()["nationality"]
            assert list(field.field.choices) == list(nationality_options())
            assert list(field.field.widget.choices) == list(nationality_options())
            assert (
                ApplicantForm({"kind": "person", "name": "A", "nationality": "FR"})
                .fields["nationality"]
                .valid_value("FR")
            )

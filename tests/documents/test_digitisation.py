"""Digitisation at intake: scans received at the desk become one searchable PDF/A (OCR in
Vietnamese, in a task, never in the request); without Tesseract the scan is kept as it is and the
page says OCR is off; each document received is digitised (by whom) or paper-only; the result too."""

import shutil

import pytest
from django.urls import reverse
from freezegun import freeze_time

from documents import ocr
from documents.models import Digitisation, DigitisationState, StoredDocument, StoredSource
from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import StepStatus
from receipts import signing
from tests.documents.conftest import desk_intake, drawing, scan_page
from tests.receipts.conftest import pdf_text

needs_tesseract = pytest.mark.skipif(
    not (shutil.which("tesseract") and shutil.which("gs")),
    reason="needs tesseract-ocr, tesseract-ocr-vie and ghostscript (Debian packages, see .ci/run)",
)


def _text(value: str) -> str:
    return " ".join(value.split())


@needs_tesseract
def test_a_two_page_scan_at_the_desk_becomes_a_searchable_pdfa(
    world, two_page_scan, django_capture_on_commit_callbacks, as_user
):
    assert ocr.ocr_available()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = desk_intake(world, two_page_scan)
    scanned = Digitisation.objects.get(dossier=dossier, document=drawing(world.procedure))
    assert scanned.state == DigitisationState.DONE, scanned.error
    assert scanned.digitised_by == world.clerk and scanned.pages == 2
    pdf = scanned.output.open("rb").read()
    assert ocr.is_pdfa(pdf).startswith("2")  # PDF/A-2
    text = pdf_text(pdf)  # the text layer: the paper is found by what it says
    assert "BẢN VẼ THIẾT KẾ" in _text(text) and "125/2026" in text
    assert "Nguyễn Văn An" in _text(scanned.text)
    # The other document was handed over on paper only.
    paper_only = Digitisation.objects.get(dossier=dossier, name="Đơn đề nghị")
    assert paper_only.state == DigitisationState.PAPER_ONLY and paper_only.digitised_by is None
    # Into the applicant's store, and on the dossier page with who digitised it.
    stored = StoredDocument.objects.get(digitisation=scanned)
    assert stored.owner_id_number == dossier.id_number and stored.kind == "Bản vẽ thiết kế"
    page = as_user(world.clerk).get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Đã số hóa, tìm được theo nội dung" in page and "Chỉ có bản giấy" in page
    assert world.clerk.display_name in page
    download = as_user(world.clerk).get(reverse("documents:digitised", args=[dossier.code, scanned.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf


def test_without_ocr_the_scan_is_kept_as_it_is_and_the_page_says_so(
    world, two_page_scan, settings, django_capture_on_commit_callbacks, as_user
):
    settings.HCC_OCR = False
    with django_capture_on_commit_callbacks(execute=True):
        dossier = desk_intake(world, [two_page_scan[0], scan_page(["Trang hai"], kind="PNG")])
    scanned = Digitisation.objects.get(dossier=dossier, document=drawing(world.procedure))
    assert scanned.state == DigitisationState.OCR_OFF and scanned.pages == 2 and scanned.text == ""
    assert scanned.output.open("rb").read().startswith(b"%PDF")
    page = as_user(world.clerk).get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Nhận dạng chữ (OCR) đang tắt" in page
    assert "Đã số hóa, chưa nhận dạng chữ (OCR tắt)" in page


def test_the_request_only_queues_the_work(world, two_page_scan, settings, django_capture_on_commit_callbacks):
    """The intake transaction records the scan as queued; OCR runs after commit, in the task."""
    settings.HCC_OCR = False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = desk_intake(world, two_page_scan)
    row = Digitisation.objects.get(dossier=dossier, document=drawing(world.procedure))
    assert row.state == DigitisationState.QUEUED and not row.output
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.state == DigitisationState.OCR_OFF
    # Delivered twice, the task does nothing the second time.
    from documents.tasks import digitise

    digitise.apply(args=[row.pk], throw=True)
    assert Digitisation.objects.get(pk=row.pk).finished_at == row.finished_at


def test_online_uploads_are_not_desk_digitisation(world, django_capture_on_commit_callbacks):
    from dossiers.services import Intake
    from tests.factories import applicant

    docs = list(world.procedure.documents.order_by("order"))
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_submit(
            actor=world.citizen,
            procedure=world.procedure,
            office=world.center,
            intake=Intake(
                applicant=applicant(),
                files=[
                    FileUpload(name="a.jpg", content=scan_page(["Đơn"]), document_id=docs[0].id),
                    FileUpload(name="b.jpg", content=scan_page(["Bản vẽ"]), document_id=docs[1].id),
                ],
            ),
        )
    assert not Digitisation.objects.exists()


def _to_result(world, dossier, files):
    first = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=first)
    services.step_forward(actor=world.reviewer_a, step=first, note="Đủ điều kiện")
    last = dossier.steps.get(order=2, status=StepStatus.ACTIVE)
    services.step_claim(actor=world.reviewer_b, step=last)
    services.step_approve(
        actor=world.reviewer_b, step=last, result_note="Cấp giấy phép số 12/GPXD", files=files
    )


def test_a_result_received_as_a_file_is_signed_and_kept_in_the_store(
    world, two_page_scan, certificates, settings, django_capture_on_commit_callbacks, as_user, client
):
    from receipts.pdf import html_to_pdf

    settings.HCC_OCR = False
    result = html_to_pdf("<p>Giấy phép xây dựng số 12/GPXD</p>")[0]
    with django_capture_on_commit_callbacks(execute=True):
        dossier = desk_intake(world, two_page_scan)
        _to_result(world, dossier, [FileUpload(name="giay-phep.pdf", content=result)])
    row = Digitisation.objects.get(dossier=dossier, is_result=True)
    assert row.state == DigitisationState.DONE and row.digitised_by == world.reviewer_b
    stored = StoredDocument.objects.get(dossier=dossier, source=StoredSource.RESULT)
    assert stored.signed_paper is not None and stored.issuer == world.construction.name
    assert signing.check_pdf(stored.file.open("rb").read()).status == "valid"
    verify = client.get(reverse("receipts:verify", args=[stored.signed_paper.token])).content.decode()
    assert 'data-signature="valid"' in verify


def test_a_result_without_a_file_is_paper_only(
    world, two_page_scan, settings, django_capture_on_commit_callbacks
):
    settings.HCC_OCR = False
    with django_capture_on_commit_callbacks(execute=True):
        dossier = desk_intake(world, two_page_scan)
        _to_result(world, dossier, [])
    row = Digitisation.objects.get(dossier=dossier, is_result=True)
    assert row.state == DigitisationState.PAPER_ONLY
    assert not StoredDocument.objects.filter(source=StoredSource.RESULT).exists()


def test_ocr_failure_keeps_the_scan_and_a_clerk_retries(
    world, settings, django_capture_on_commit_callbacks, as_user, monkeypatch
):
    """A broken scan (a PDF that is not one) cannot even be joined: the row says failed with the
    reason and nothing else changes; the clerk's retry queues it again."""
    settings.HCC_OCR = False
    with django_capture_on_commit_callbacks(execute=True):
        dossier = desk_intake(world, [b"%PDF-1.4 broken"])
    row = Digitisation.objects.get(dossier=dossier, document=drawing(world.procedure))
    assert row.state == DigitisationState.FAILED and "PDF" in row.error
    client = as_user(world.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:retry", args=[dossier.code, row.pk]))
    assert response.status_code == 302
    assert Digitisation.objects.get(pk=row.pk).attempts == 2
    # Someone outside the dossier gets 404.
    assert (
        as_user(world.commune_clerk).post(reverse("documents:retry", args=[dossier.code, row.pk])).status_code
        == 404
    )


@freeze_time("2026-12-07 09:00:00+07:00")
def test_progress_is_reported_while_a_paper_is_being_digitised(
    world, two_page_scan, settings, django_capture_on_commit_callbacks, as_user
):
    settings.HCC_OCR = False
    with django_capture_on_commit_callbacks(execute=False):
        dossier = desk_intake(world, two_page_scan)
    client = as_user(world.clerk)
    assert client.get(reverse("documents:progress", args=[dossier.code])).json() == {"in_progress": True}
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Chờ số hóa" in page and "data-digitising" in page
    assert (
        as_user(world.commune_clerk).get(reverse("documents:progress", args=[dossier.code])).status_code
        == 404
    )


def test_a_supplement_brought_to_the_desk_is_digitised_even_for_an_online_dossier(
    world, settings, django_capture_on_commit_callbacks
):
    from dossiers.services import Intake
    from tests.factories import PDF_BYTES, applicant

    settings.HCC_OCR = False
    docs = list(world.procedure.documents.order_by("order"))
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_submit(
            actor=world.citizen,
            procedure=world.procedure,
            office=world.center,
            intake=Intake(
                applicant=applicant(),
                files=[
                    FileUpload(name="a.pdf", content=PDF_BYTES, document_id=docs[0].id),
                    FileUpload(name="b.pdf", content=PDF_BYTES, document_id=docs[1].id),
                ],
            ),
        )
        services.dossier_accept(actor=world.clerk, dossier=dossier)
        step = dossier.steps.get(status=StepStatus.ACTIVE)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.dossier_request_supplement(actor=world.reviewer_a, step=step, items=["Bản vẽ mặt bằng móng"])
        services.dossier_supply(
            actor=world.clerk,
            dossier=dossier,
            note="Bổ sung tại quầy",
            files=[FileUpload(name="mong.jpg", content=scan_page(["Mặt bằng móng"]))],
        )
    row = Digitisation.objects.get(dossier=dossier)
    assert row.state == DigitisationState.OCR_OFF and row.digitised_by == world.clerk
    assert row.name == "Giấy tờ bổ sung"

"""Digital papers in a real browser: a counter clerk receives a dossier with a two-page JPEG scan
of the design drawing; it is OCRed in the background to a searchable PDF/A and the dossier page
follows its progress. The Construction department resolves it with a result file; the result is
signed with the department's certificate and its verification page (the QR code's address) says
the signature is valid. The same citizen's next online submission offers the drawing from their
document store; ticked, it is reused instead of uploaded again.

Pages are found the way people find them: links, buttons and labelled fields by their Vietnamese
text.
"""

import re
import shutil

import pytest

from accounts.phones import normalize_phone
from tests.documents.conftest import PAGES, scan_page
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_counters import field
from tests.e2e.test_journey import continue_, log_in, scanned_pdf, upload
from tests.e2e.test_surveys import in_thread
from tests.factories import VALID_ID_NUMBER
from tests.receipts.test_signing import certificates  # noqa: F401 (the fixture)

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (shutil.which("tesseract") and shutil.which("gs")),
        reason="needs tesseract-ocr, tesseract-ocr-vie and ghostscript (see .ci/run)",
    ),
]

APPLICANT = "Nguyễn Văn An"
PHONE = "0912 345 678"
OCR_TIMEOUT = 120_000  # milliseconds: OCR of two A4 pages takes ~11 s here, longer on a busy machine


@pytest.fixture
def papers_world(world, certificates, settings):  # noqa: F811 (the fixture)
    """The province, with certificates for its agencies, OCR in the background as with make run,
    and the citizen's account holding the phone the clerk will record."""
    settings.HCC_DIGITISE_IN_BACKGROUND = True
    world.citizen.phone = normalize_phone(PHONE)
    world.citizen.full_name = APPLICANT
    world.citizen.save()
    return world


def _resolve_with_a_result_file(world, code: str) -> None:
    """The two departments do their part (their pages are the main journey's): the second one
    approves with the signed permit as a PDF."""
    from dossiers import services
    from dossiers.files import FileUpload
    from dossiers.models import Dossier, StepStatus

    dossier = Dossier.objects.get(code=code)
    first = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=first)
    services.step_forward(actor=world.reviewer_a, step=first, note="Hợp lệ về pháp lý.")
    last = dossier.steps.get(order=2, status=StepStatus.ACTIVE)
    services.step_claim(actor=world.reviewer_b, step=last)
    services.step_approve(
        actor=world.reviewer_b,
        step=last,
        result_note="Giấy phép xây dựng số 125/GPXD",
        files=[FileUpload(name="giay-phep.pdf", content=scanned_pdf("Giay phep xay dung so 125/GPXD"))],
    )


def test_a_scan_is_digitised_the_result_signed_and_the_paper_reused(papers_world, open_page):
    world = papers_world
    from tests.receipts.conftest import pdf_text

    # The clerk receives the dossier at the counter, the drawing scanned as two JPEG pages.
    clerk = open_page("clerk")
    clerk.goto("/tai-khoan/dang-nhap/")
    log_in(clerk, world.clerk.username)
    clerk.goto(f"/ho-so/quay/tiep-nhan/?procedure={world.procedure.code}")
    expect(clerk.get_by_role("heading", level=2, name="Cấp giấy phép xây dựng")).to_be_visible()
    field(clerk, "Họ và tên người nộp").fill(APPLICANT)
    field(clerk, "Số định danh cá nhân (CCCD) hoặc số hộ chiếu").fill(VALID_ID_NUMBER)
    field(clerk, "Số điện thoại").fill(PHONE)
    field(clerk, "Địa chỉ").fill("Số 1 đường Trần Phú, phường Hà Đông")
    clerk.get_by_role("checkbox", name=re.compile(r"^Đơn đề nghị")).check()
    clerk.get_by_role("checkbox", name=re.compile(r"^Bản vẽ thiết kế")).check()
    clerk.get_by_label("Bản quét: Bản vẽ thiết kế").set_input_files(
        [upload(f"ban-ve-trang-{n}.jpg", "image/jpeg", scan_page(lines)) for n, lines in enumerate(PAGES, 1)]
    )
    clerk.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    code = clerk.get_by_role("main").locator("dd").first.inner_text().strip()
    assert re.fullmatch(r"TTPVHCC-\d{6}-\d{4}", code), code

    # The dossier page follows the OCR, done in the background, and names who digitised the scan.
    clerk.goto(f"/ho-so/xem/{code}/")
    section = clerk.get_by_role("region", name="Số hóa giấy tờ, kho dữ liệu")
    drawing_row = section.get_by_role("row", name=re.compile("Bản vẽ thiết kế"))
    expect(drawing_row).to_contain_text("Đã số hóa, tìm được theo nội dung", timeout=OCR_TIMEOUT)
    expect(drawing_row).to_contain_text(world.clerk.display_name)
    expect(drawing_row).to_contain_text("2 trang")
    expect(section.get_by_role("row", name=re.compile("Đơn đề nghị"))).to_contain_text("Chỉ có bản giấy")
    assert_accessible(clerk)
    # The digitised PDF is a PDF/A whose text is searchable.
    href = drawing_row.get_by_role("link", name="Tải PDF").get_attribute("href")
    searchable = clerk.request.get(href).body()
    from documents.ocr import is_pdfa

    assert is_pdfa(searchable).startswith("2")
    text = " ".join(pdf_text(searchable).split())
    assert "BẢN VẼ THIẾT KẾ" in text and "Nguyễn Văn An" in text

    # The department resolves it; the result is signed with its certificate.
    in_thread(lambda: _resolve_with_a_result_file(world, code))

    def signed_result() -> bool:
        from receipts.models import SignedPaper

        return SignedPaper.objects.filter(dossier__code=code, kind="result").exists()

    for _ in range(OCR_TIMEOUT // 1000):  # signed in the background, after the approval
        if in_thread(signed_result):
            break
        clerk.wait_for_timeout(1000)
    clerk.reload()
    papers = clerk.get_by_role("region", name="Giấy tờ in, phí và biên lai")
    expect(papers.get_by_role("link", name=re.compile("đã ký số"))).to_be_visible(timeout=OCR_TIMEOUT)
    assert_accessible(clerk)
    verify_href = papers.get_by_role("link", name="xác minh chữ ký").first.get_attribute("href")

    # Anyone holding the paper scans its QR code: the signature is valid, by the department.
    public = open_page("public")
    public.goto(verify_href)
    expect(public.get_by_role("heading", level=1, name="Xác minh giấy tờ đã ký số")).to_be_visible()
    expect(public.get_by_role("status").filter(has_text="Chữ ký số hợp lệ.")).to_be_visible()
    expect(public.get_by_role("main")).to_contain_text("Sở Xây dựng")
    assert APPLICANT not in public.content() and VALID_ID_NUMBER not in public.content()
    assert_accessible(public)

    # The citizen finds the drawing in their store and reuses it in the next online submission.
    citizen = open_page("citizen")
    citizen.goto("/tai-khoan/dang-nhap/")
    log_in(citizen, PHONE)  # a citizen lands on "Hồ sơ của tôi"; the store is on "Trang của tôi"
    citizen.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Trang của tôi"
    ).click()
    citizen.get_by_role("link", name=re.compile("Kho dữ liệu giấy tờ của tôi")).click()
    expect(citizen.get_by_role("heading", level=1, name="Kho dữ liệu giấy tờ của tôi")).to_be_visible()
    expect(citizen.get_by_role("main")).to_contain_text("Bản vẽ thiết kế")
    assert_accessible(citizen)
    citizen.goto(f"/thu-tuc/{world.procedure.code}/")
    citizen.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    citizen.get_by_label("Số định danh cá nhân (CCCD)").fill(VALID_ID_NUMBER)
    continue_(citizen)
    citizen.get_by_label("Địa chỉ liên hệ").fill("Số 1 đường Trần Phú, phường Hà Đông")
    continue_(citizen)
    citizen.get_by_label("Nơi tiếp nhận hồ sơ").select_option(label="Trung tâm PVHCC")
    citizen.get_by_role("radio", name="Nhận tại bộ phận một cửa").check()
    continue_(citizen)
    expect(citizen.get_by_role("heading", level=1, name="Tải lên giấy tờ")).to_be_visible()
    reuse = citizen.get_by_role("group", name="Dùng lại giấy tờ trong kho dữ liệu của bạn")
    reuse.get_by_role("radio", name=re.compile("^Bản vẽ thiết kế")).check()
    assert_accessible(citizen)
    citizen.get_by_label("Đơn đề nghị").set_input_files(
        upload("don-de-nghi.pdf", "application/pdf", scanned_pdf("Don de nghi cap giay phep"))
    )
    continue_(citizen)
    expect(citizen.get_by_role("main")).to_contain_text("Dùng lại từ kho dữ liệu: Bản vẽ thiết kế")
    citizen.get_by_label("Tôi đã đọc và đồng ý với Thông báo xử lý dữ liệu cá nhân").check()
    citizen.get_by_role("button", name="Gửi hồ sơ").click()
    expect(citizen.get_by_role("heading", level=1, name="Đã gửi hồ sơ")).to_be_visible()
    online_code = citizen.get_by_text(re.compile(r"^TTPVHCC-\d{6}-\d{4}$")).inner_text().strip()

    def reused():
        from documents.models import DocumentReuse

        reuse = DocumentReuse.objects.select_related("stored__dossier").get(dossier__code=online_code)
        return reuse.name, reuse.stored.dossier.code

    assert in_thread(reused) == ("Bản vẽ thiết kế", code)

"""Online payment in a real browser (issue 18, "Done when"): an online applicant sees the fee on
the procedure page and on every page of the online form before sending, pays on our loopback
gateway once the desk has received the dossier, the receipt PDF names the department the fee
belongs to, and the manager's reconciliation shows the amount under that department for the
month."""

import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from dossiers import services as dossier_services
from tests.e2e.accessibility import assert_accessible
from tests.factories import JPEG_BYTES, PASSWORD, PDF_BYTES
from tests.payments.conftest import gateway  # noqa: F401 (the gateway fixture)

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

COST = "Phí, lệ phí và cách nộp"
CODE = re.compile(r"^TTPVHCC-\d{6}-\d{4}$")


def in_thread(read):
    """Read the database off the test's thread: Playwright's loop makes it "async" (conftest)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(read).result()


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def log_in(page, username: str) -> None:
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))  # on the person's work page


def shows_the_cost(page) -> None:
    """The page's cost panel: the fee, the total and how to pay, online included."""
    cost = page.get_by_role("region", name=COST)
    expect(cost).to_contain_text("75.000")
    expect(cost).to_contain_text("Cách nộp")
    expect(cost).to_contain_text("thanh toán trực tuyến")


def continue_(page) -> None:
    page.get_by_role("button", name="Tiếp tục").click()


def upload(name: str, mime_type: str, content: bytes) -> dict:
    return {"name": name, "mimeType": mime_type, "buffer": content}


def submit_online(page, world) -> str:
    """The citizen finds the procedure, walks the online form and sends it: the cost is on every
    page before sending and on the confirmation. Returns the dossier code."""
    page.goto(f"/thu-tuc/{world.procedure.code}/")
    expect(page.get_by_role("heading", level=1, name=world.procedure.name)).to_be_visible()
    shows_the_cost(page)
    page.get_by_role("region", name="Nộp hồ sơ").get_by_role("link", name="Nộp hồ sơ trực tuyến").click()

    expect(page.get_by_role("heading", level=1, name="Người nộp hồ sơ")).to_be_visible()
    shows_the_cost(page)
    page.get_by_label("Họ và tên người nộp").fill("Nguyễn Văn An")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("0012 0300 4567")
    continue_(page)

    expect(page.get_by_role("heading", level=1, name="Thông tin liên hệ")).to_be_visible()
    shows_the_cost(page)
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.get_by_label("Địa chỉ liên hệ").fill("Số 1 Trần Phú, phường Hà Đông")
    continue_(page)

    expect(page.get_by_role("heading", level=1, name="Nơi nộp và cách nhận kết quả")).to_be_visible()
    shows_the_cost(page)
    page.get_by_label("Nơi tiếp nhận hồ sơ").select_option(label=world.center.name)
    page.get_by_role("radio", name="Nhận tại bộ phận một cửa").check()
    continue_(page)

    expect(page.get_by_role("heading", level=1, name="Tải lên giấy tờ")).to_be_visible()
    shows_the_cost(page)
    page.get_by_label("Đơn đề nghị").set_input_files(upload("don.pdf", "application/pdf", PDF_BYTES))
    page.get_by_label("Bản vẽ thiết kế").set_input_files(upload("ban-ve.jpg", "image/jpeg", JPEG_BYTES))
    continue_(page)

    expect(page.get_by_role("heading", level=1, name="Kiểm tra thông tin trước khi gửi")).to_be_visible()
    shows_the_cost(page)
    assert_accessible(page)
    page.get_by_label("Tôi đã đọc và đồng ý với Thông báo xử lý dữ liệu cá nhân").check()
    page.get_by_role("button", name="Gửi hồ sơ").click()

    expect(page.get_by_role("heading", level=1, name="Đã gửi hồ sơ")).to_be_visible()
    shows_the_cost(page)
    return page.get_by_text(CODE).inner_text().strip()


def test_see_the_fee_pay_online_and_find_the_receipt_and_the_transfer(world, gateway, open_page):  # noqa: F811
    citizen = open_page("citizen")
    log_in(citizen, world.citizen.username)
    code = submit_online(citizen, world)

    # The desk receives it (the clerk's pages are the journey of tests/e2e/test_journey.py).
    def accept():
        dossier = dossier_services.dossier_accept(
            actor=world.clerk, dossier=world.procedure.dossiers.get(code=code)
        )
        return dossier.status

    assert in_thread(accept) == "received"

    citizen.goto(f"/ho-so/xem/{code}/")
    expect(citizen.get_by_text("Còn phải nộp:")).to_contain_text("75.000")
    citizen.get_by_role("link", name="Thanh toán trực tuyến").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Thanh toán phí, lệ phí trực tuyến")
    assert_accessible(citizen)
    citizen.get_by_role("button", name="Thanh toán ngay").click()
    # the gateway's own page, on another loopback port
    expect(citizen.locator("#amount")).to_have_text("75.000 VND")
    citizen.get_by_role("button", name="Thanh toán", exact=True).click()
    expect(citizen.get_by_role("status")).to_contain_text("Đã thanh toán")
    assert_accessible(citizen)
    citizen.get_by_role("link", name="Về trang hồ sơ").click()
    expect(citizen.locator(".dossier-fees")).to_contain_text("Đã nộp")

    # The receipt, as the PDF the citizen downloads, names the department the fee belongs to.
    citizen.locator(".payments-list").get_by_role("link").first.click()
    expect(citizen.locator("body")).to_contain_text(f"thu hộ {world.construction.name}")
    # The browser shows a PDF inline: fetch the link with the citizen's session, as "Save as" would.
    pdf_url = citizen.get_by_role("link", name="Tải PDF").get_attribute("href")
    response = citizen.request.get(pdf_url)
    assert response.ok and response.headers["content-type"] == "application/pdf", pdf_url
    receipt = " ".join(pdf_text(response.body()).split())
    for printed in ("BIÊN LAI THU PHÍ, LỆ PHÍ", code, "75.000", "Thanh toán trực tuyến"):
        assert printed in receipt, f"the receipt PDF does not print {printed!r}"
    assert f"Tên tổ chức thu phí, lệ phí: {world.construction.name}" in receipt
    assert f"thu hộ {world.construction.name}" in receipt

    manager = open_page("manager")
    log_in(manager, world.manager.username)
    manager.goto("/giay-to/doi-soat/")
    row = manager.locator(f'.reconcile-owner tr[data-owner="{world.construction.pk}"]')
    expect(row).to_contain_text(world.construction.name)
    expect(row).to_contain_text("75.000")
    assert in_thread(lambda: world.procedure.dossiers.get(code=code).receipts.get().method) == "online"

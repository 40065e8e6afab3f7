"""A queue ticket's life in real browsers: the kiosk at the entrance, the TV board and the clerk.

A citizen takes an ordinary ticket for "Tư pháp – hộ tịch" on the kiosk's touch screen; the
ticket page prints itself (the kiosk browser's print is recorded here). The clerk opens counter 1
from "Gọi số" and calls the next ticket; the board, open all along, shows and announces A001 at
counter 1 without being reloaded. The clerk serves it by taking in a dossier at the desk; anyone
who scans the receipt's QR link sees the dossier's status and nothing personal. The clerk finishes
the ticket; the board clears the counter.

Pages are found the way people find them: by role and Vietnamese text, not CSS classes.
"""

import re

import pytest

from tests.e2e.accessibility import assert_accessible
from tests.factories import VALID_ID_NUMBER, CounterFactory, QueueServiceFactory

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

from tests.e2e.test_journey import log_in, main_menu

pytestmark = pytest.mark.django_db(transaction=True)

APPLICANT = "Phạm Thị Thu Hà"
# The kiosk browser prints silently; here printing is counted instead.
# Each print() counted on the page's root element, read back with expect(): a string polled by
# wait_for_function would be evaluated in the page, which its CSP (no 'unsafe-eval') refuses.
RECORD_PRINT = (
    "window.print = function () { const root = document.documentElement;"
    " root.dataset.printed = String(Number(root.dataset.printed || 0) + 1); };"
)


def field(page, label: str):
    """The field labelled exactly ``label`` (a required field's label ends with "*")."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


@pytest.fixture
def queue(world):
    civil = QueueServiceFactory(office=world.center, letter="A", name="Tư pháp – hộ tịch", position=1)
    land = QueueServiceFactory(office=world.center, letter="B", name="Đất đai – xây dựng", position=2)
    CounterFactory(office=world.center, number=1, services=[civil])
    CounterFactory(office=world.center, number=2, services=[land])
    return world


def test_ticket_from_kiosk_to_board_and_counter(queue, open_page):
    world = queue
    office = world.center.code

    # The TV board is on before anyone comes; it will never be reloaded.
    board = open_page("board")
    board.goto(f"/xep-hang/{office}/man-hinh/")
    expect(board.get_by_role("heading", level=1, name="Màn hình gọi số")).to_be_visible()
    board.evaluate("window.__sameBoard = true")
    sound = board.get_by_role("button", name="Bật âm thanh đọc số")
    sound.click()
    expect(board.get_by_role("button", name="Tắt âm thanh")).to_have_attribute("aria-pressed", "true")
    waiting = board.get_by_role("table", name="Số người đang chờ ở mỗi dịch vụ")
    expect(waiting.get_by_role("row", name="A – Tư pháp – hộ tịch")).to_contain_text("0")

    # A citizen takes an ordinary ticket on the kiosk's touch screen; it prints itself.
    kiosk = open_page("kiosk")
    kiosk.add_init_script(RECORD_PRINT)
    kiosk.goto(f"/xep-hang/{office}/lay-so/")
    expect(kiosk.get_by_role("heading", level=1, name="Mời chọn dịch vụ để lấy số thứ tự")).to_be_visible()
    kiosk.get_by_role("button", name="Lấy số thường: Tư pháp – hộ tịch").click()
    expect(kiosk.get_by_role("heading", level=1, name="A001")).to_be_visible()
    expect(kiosk.get_by_text("Trước bạn còn 0 người")).to_be_visible()
    expect(kiosk.locator("html")).to_have_attribute("data-printed", "1")

    expect(waiting.get_by_role("row", name="A – Tư pháp – hộ tịch")).to_contain_text("1")

    # The clerk opens counter 1 and calls the next ticket.
    clerk = open_page("clerk")
    clerk.goto("/tai-khoan/dang-nhap/")
    log_in(clerk, world.clerk.username)
    main_menu(clerk, "Gọi số")
    clerk.get_by_role("button", name="Mở Quầy 1").click()
    expect(clerk.get_by_role("heading", level=1, name="Gọi số: Quầy 1")).to_be_visible()
    clerk.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(clerk.get_by_role("status").filter(has_text="Đã gọi số A001.")).to_be_visible()

    # The board follows without reloading, and announces the call.
    expect(board.get_by_role("status").filter(has_text="Số A001 mời đến quầy 1")).to_be_visible()
    serving = board.get_by_role("table", name="Số đang được gọi hoặc phục vụ tại mỗi quầy")
    expect(serving.get_by_role("row", name="Quầy 1")).to_contain_text("A001")
    expect(waiting.get_by_role("row", name="A – Tư pháp – hộ tịch")).to_contain_text("0")
    assert board.evaluate("window.__sameBoard") is True

    # The clerk serves the ticket by taking in a dossier at the desk.
    clerk.get_by_role("button", name="Bắt đầu phục vụ, tiếp nhận hồ sơ").click()
    expect(clerk.get_by_role("heading", level=1, name="Tiếp nhận hồ sơ tại quầy")).to_be_visible()
    assert_accessible(clerk)
    clerk.get_by_label("Bước 1: tìm thủ tục theo tên hoặc mã").fill("ly lich tu phap")
    clerk.get_by_role("button", name="Tìm", exact=True).click()
    clerk.get_by_role("link", name="Cấp phiếu lý lịch tư pháp").click()
    expect(clerk.get_by_role("heading", level=2, name="Cấp phiếu lý lịch tư pháp")).to_be_visible()
    assert_accessible(clerk)
    field(clerk, "Họ và tên người nộp").fill(APPLICANT)
    field(clerk, "Số định danh cá nhân (CCCD) hoặc số hộ chiếu").fill(VALID_ID_NUMBER)
    field(clerk, "Số điện thoại").fill("0912 345 678")
    field(clerk, "Địa chỉ").fill("Số 5 đường Lê Lợi, phường Hội Phụ")
    clerk.get_by_role("checkbox", name=re.compile(r"^Tờ khai")).check()  # received
    clerk.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    code = clerk.get_by_role("main").locator("dd").first.inner_text().strip()
    assert re.fullmatch(r"TTPVHCC-\d{6}-\d{4}", code), code
    assert_accessible(clerk)
    tracking_link = clerk.get_by_role("region", name="Theo dõi hồ sơ").get_by_role("link")
    track_url = tracking_link.inner_text().strip()  # what the QR code on the receipt holds

    # Anyone who scans the receipt's QR code sees where the dossier is, and nothing personal.
    public = open_page("public")
    public.goto(track_url)
    expect(public.get_by_role("main")).to_contain_text(code)
    expect(public.get_by_role("main")).to_contain_text("Cấp phiếu lý lịch tư pháp")
    assert APPLICANT not in public.content() and VALID_ID_NUMBER not in public.content()
    assert_accessible(public)

    # Back at the console, the ticket is being served; the clerk finishes it.
    main_menu(clerk, "Gọi số")
    expect(clerk.get_by_text("Đang phục vụ", exact=True)).to_be_visible()
    clerk.get_by_role("button", name="Xong", exact=True).click()
    expect(clerk.get_by_role("status").filter(has_text="Đã phục vụ xong số A001.")).to_be_visible()
    expect(clerk.get_by_role("region", name="Đã phục vụ hôm nay")).to_contain_text("A001")

    expect(serving.get_by_role("row", name="Quầy 1")).to_contain_text("—")
    assert board.evaluate("window.__sameBoard") is True

"""One dossier's whole life in a real browser, across every part of the portal, as the people
involved see it.

A citizen registers with a phone number, finds "Cấp giấy phép xây dựng" in the catalog by typing
without diacritics, submits online through the guided form (a scanned PDF and a phone photo), and
reads the dossier code. A counter clerk accepts it from the online queue, collects the fee and
downloads the receipt as PDF; a reviewer of the Justice department claims and forwards the first
step; a reviewer of the Construction department claims the second, asks for a supplement, and once
the citizen has supplied it from "Hồ sơ của tôi", approves with a result note. The clerk returns
the result at the counter, the citizen rates the service, and the manager, whose dashboard was
open from the start, sees the figures change. Anyone with the code and the secret then sees "Đã
trả kết quả" and the timeline on the public tracking page, and no personal data.

Pages are found the way people find them: links, buttons and labelled fields by their Vietnamese
text, never by CSS classes or ids.
"""

import base64
import io
import re

import pytest

from tests.accounts.test_views import sent_code
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_surveys import in_thread
from tests.factories import PASSWORD, VALID_ID_NUMBER

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

CITIZEN_PHONE = "0987 654 321"
APPLICANT_NAME = "Lê Thị Hồng Nhung"
ADDRESS = "Số 12 ngõ 34 phố Quang Trung, phường Hà Đông"
CODE = re.compile(r"^TTPVHCC-\d{6}-\d{4}$")
SUPPLEMENT_ITEM = "Bản vẽ mặt bằng móng có chữ ký của chủ đầu tư"
RESULT_NOTE = "Giấy phép xây dựng số 125/GPXD ngày ký"


def figure(page, label: str) -> str:
    """A headline figure of the dashboard: the value under its label."""
    term = page.get_by_role("main").locator("dt", has_text=re.compile(f"^{re.escape(label)}$"))
    return term.locator("xpath=following-sibling::dd[1]").inner_text().strip()


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- what people upload -------------------------------------------------------------------------


def scanned_pdf(title: str) -> bytes:
    """A real one-page PDF (catalog, page tree, a text page, cross-reference table)."""
    text = title.encode("ascii")
    content = b"BT /F1 18 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def phone_photo(page) -> bytes:
    """A real JPEG, as a phone camera makes one: drawn on a canvas and encoded by the browser."""
    data_url = page.evaluate(
        """() => {
            const canvas = document.createElement("canvas");
            canvas.width = 640;
            canvas.height = 480;
            const g = canvas.getContext("2d");
            g.fillStyle = "#efe9dc";
            g.fillRect(0, 0, 640, 480);
            g.strokeStyle = "#223355";
            g.lineWidth = 3;
            for (let x = 80; x <= 560; x += 80) { g.strokeRect(x - 60, 120, 60, 240); }
            g.fillStyle = "#223355";
            g.font = "28px sans-serif";
            g.fillText("Ban ve thiet ke - mat bang tang 1", 40, 70);
            return canvas.toDataURL("image/jpeg", 0.85);
        }"""
    )
    photo = base64.b64decode(data_url.split(",", 1)[1])
    assert photo.startswith(b"\xff\xd8\xff")
    return photo


def upload(name: str, mime_type: str, content: bytes) -> dict:
    return {"name": name, "mimeType": mime_type, "buffer": content}


# --- what people do -----------------------------------------------------------------------------


def log_in(page, identifier: str) -> None:
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill(identifier)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()


def staff_page(open_page, who: str, username: str):
    """A staff member's own browser, logged in through the login page."""
    page = open_page(who)
    page.goto("/tai-khoan/dang-nhap/")
    log_in(page, username)
    # each role lands on its work page (accounts.landing), not on the login page again
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    return page


def open_menu(page) -> None:
    """On a phone the menu is collapsed behind its "Danh mục" button: open it."""
    page.wait_for_load_state("load")  # the style sheet decides whether the button shows
    toggler = page.get_by_role("button", name="Danh mục")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(toggler).to_have_attribute("aria-expanded", "true")
    # Bootstrap's collapse ends its height transition with the class "show" (no "collapsing"):
    # a click on a link while it is still sliding open can be lost (CI, stop 18).
    if toggler.is_visible():
        expect(page.locator("#site-menu")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        expect(page.locator("#site-menu.collapsing")).to_have_count(0)


def main_menu(page, name: str) -> None:
    open_menu(page)
    menu = page.get_by_role("navigation", name="Điều hướng chính")
    target = menu.get_by_role("link", name=name, exact=True)
    href = target.get_attribute("href")
    target.click()
    expect(page).to_have_url(re.compile(re.escape(href) + r"(\?|#|$)"))
    # the new page is there (on a phone its menu is collapsed again: the link is hidden)
    link = menu.get_by_role("link", name=name, exact=True, include_hidden=True)
    expect(link).to_have_attribute("aria-current", "page")


def continue_(page) -> None:
    page.get_by_role("button", name="Tiếp tục").click()


def expect_message(page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


# --- the journey ----------------------------------------------------------------------------------


@pytest.mark.both_screens
def test_one_dossier_across_every_part_of_the_portal(world, open_page):
    # Data first (world), then the browser: see the ``browser`` fixture.

    # The manager's dashboard of this month, before anything happens.
    manager = staff_page(open_page, "manager", world.manager.username)
    main_menu(manager, "Thống kê")
    expect(manager.get_by_role("heading", level=1, name="Thống kê giải quyết hồ sơ")).to_be_visible()
    assert_accessible(manager)
    before = {label: figure(manager, label) for label in ("Tiếp nhận trong kỳ", "Đã giải quyết")}
    assert before == {"Tiếp nhận trong kỳ": "0", "Đã giải quyết": "0"}
    assert figure(manager, "Phí, lệ phí đã thu").startswith("0")

    # The citizen registers with a phone number.
    home = open_page("citizen")
    home.goto("/")
    main_menu(home, "Đăng ký")
    assert_accessible(home)
    home.get_by_label("Họ và tên").fill(APPLICANT_NAME)
    home.get_by_label("Số điện thoại").fill(CITIZEN_PHONE)
    home.get_by_label(re.compile(r"^\s*Mật khẩu")).fill(PASSWORD)
    home.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    home.get_by_label("Tôi đã đọc và đồng ý với Thông báo xử lý dữ liệu cá nhân").check()
    home.get_by_role("button", name="Đăng ký", exact=True).click()
    # The phone is proven by the one-time code the outbox sent to it.
    expect(home.get_by_role("heading", level=1, name="Nhập mã xác nhận")).to_be_visible()
    assert_accessible(home)
    home.get_by_label("Mã xác nhận").fill(in_thread(lambda: sent_code(CITIZEN_PHONE)))
    home.get_by_role("button", name="Xác nhận", exact=True).click()
    expect_message(home, f"Đăng ký thành công. Chào mừng {APPLICANT_NAME}!")
    assert_accessible(home)

    # The citizen finds the procedure without typing diacritics.
    home.goto("/")
    home.get_by_role("searchbox", name="Tìm thủ tục hành chính").fill("giay phep xay dung")
    home.get_by_role("button", name="Tìm", exact=True).click()
    expect(home.get_by_role("heading", name="Tìm thấy 1 thủ tục")).to_be_visible()
    assert_accessible(home)
    home.get_by_role("link", name="Cấp giấy phép xây dựng", exact=True).click()
    expect(home.get_by_role("heading", level=1, name="Cấp giấy phép xây dựng")).to_be_visible()
    assert_accessible(home)

    home.get_by_role("region", name="Nộp hồ sơ").get_by_role("link", name="Nộp hồ sơ trực tuyến").click()

    # The guided form starts: one question group per page.
    page = home
    expect(page.get_by_role("button", name="Đăng xuất", include_hidden=True)).to_have_count(1)
    expect(page.get_by_role("heading", level=1, name="Người nộp hồ sơ")).to_be_visible()
    expect(page.get_by_text("Bước 1 trên 5")).to_be_visible()
    expect(page.get_by_role("radio", name="Cá nhân")).to_be_checked()
    expect(page.get_by_label("Họ và tên người nộp")).to_have_value(APPLICANT_NAME)
    assert_accessible(page)
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("0012 0300 4567")  # as read off the card
    continue_(page)

    expect(page.get_by_role("heading", level=1, name="Thông tin liên hệ")).to_be_visible()
    expect(page.get_by_label("Số điện thoại")).to_have_value(CITIZEN_PHONE)
    assert_accessible(page)
    page.get_by_label("Địa chỉ liên hệ").fill(ADDRESS)
    continue_(page)

    expect(page.get_by_role("heading", level=1, name="Nơi nộp và cách nhận kết quả")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nơi tiếp nhận hồ sơ").select_option(label="Trung tâm PVHCC")
    page.get_by_role("radio", name="Nhận tại bộ phận một cửa").check()
    continue_(page)

    expect(page.get_by_role("heading", level=1, name="Tải lên giấy tờ")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Đơn đề nghị").set_input_files(
        upload("don-de-nghi-cap-gpxd.pdf", "application/pdf", scanned_pdf("Don de nghi cap giay phep"))
    )
    page.get_by_label("Bản vẽ thiết kế").set_input_files(
        upload("IMG_20261207_080112.jpg", "image/jpeg", phone_photo(page))
    )
    continue_(page)

    expect(page.get_by_role("heading", level=1, name="Kiểm tra thông tin trước khi gửi")).to_be_visible()
    answers = page.get_by_role("main")
    for shown in (APPLICANT_NAME, VALID_ID_NUMBER, CITIZEN_PHONE, ADDRESS, "Trung tâm PVHCC"):
        expect(answers).to_contain_text(shown)
    expect(answers).to_contain_text("don-de-nghi-cap-gpxd.pdf")
    expect(answers).to_contain_text("IMG_20261207_080112.jpg")
    assert_accessible(page)
    page.get_by_label("Tôi đã đọc và đồng ý với Thông báo xử lý dữ liệu cá nhân").check()
    page.get_by_role("button", name="Gửi hồ sơ").click()

    expect(page.get_by_role("heading", level=1, name="Đã gửi hồ sơ")).to_be_visible()
    assert_accessible(page)
    code = page.get_by_text(CODE).inner_text().strip()
    secret_line = page.get_by_text(re.compile(r"Mã tra cứu: [A-Z0-9]{8}")).inner_text()
    secret = re.search(r"Mã tra cứu: ([A-Z0-9]{8})", secret_line).group(1)
    citizen_page = page

    # The counter clerk accepts it from the online queue.
    clerk = staff_page(open_page, "clerk", world.clerk.username)
    main_menu(clerk, "Hồ sơ trực tuyến")
    expect(clerk.get_by_role("heading", level=1, name="Hồ sơ trực tuyến chờ tiếp nhận")).to_be_visible()
    assert_accessible(clerk)
    queued = clerk.get_by_role("article").filter(has=clerk.get_by_role("heading", name=code))
    expect(queued).to_contain_text(APPLICANT_NAME)
    expect(queued.get_by_role("link", name="don-de-nghi-cap-gpxd.pdf", exact=True)).to_be_visible()
    expect(queued.get_by_role("link", name="IMG_20261207_080112.jpg", exact=True)).to_be_visible()
    queued.get_by_role("link", name=f"Tiếp nhận {code}").click()
    # accepting asks first, then leads to the intake receipt to print
    expect(clerk.get_by_role("heading", level=1, name=f"Tiếp nhận hồ sơ {code}")).to_be_visible()
    assert_accessible(clerk)
    clerk.get_by_role("button", name="Xác nhận tiếp nhận").click()
    expect_message(clerk, f"Đã tiếp nhận hồ sơ {code}")
    expect(clerk.get_by_role("link", name=re.compile("Giấy tiếp nhận hồ sơ")).first).to_be_visible()
    assert_accessible(clerk)

    # The clerk scans the receipt's barcode into the search box: the dossier opens; the fee is
    # collected and the receipt downloaded.
    main_menu(clerk, "Tìm hồ sơ")
    clerk.get_by_label("Mã hồ sơ, số CCCD, số điện thoại hoặc họ tên").press_sequentially(code)
    clerk.keyboard.press("Enter")
    expect(clerk).to_have_url(re.compile(rf"/ho-so/xem/{code}/$"))
    clerk.get_by_role("link", name="Thu phí, lệ phí").click()
    expect(clerk.get_by_role("heading", level=1, name=f"Thu phí, lệ phí hồ sơ {code}")).to_be_visible()
    expect(clerk.get_by_label("Tên người nộp tiền")).to_have_value(APPLICANT_NAME)
    assert_accessible(clerk)
    clerk.get_by_role("button", name="Thu tiền, lập biên lai").click()
    expect(clerk.get_by_role("status")).to_contain_text("75.000")
    assert_accessible(clerk)
    # The browser shows a PDF inline: fetch the link with the clerk's session, as "Save as" would.
    link = clerk.get_by_role("region", name="Biên lai đã lập").get_by_role("link", name="PDF").first
    response = clerk.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    receipt = pdf_text(response.body())
    for printed in ("BIÊN LAI THU PHÍ, LỆ PHÍ", code, APPLICANT_NAME, "75.000"):
        assert printed in receipt, f"the receipt PDF does not print {printed!r}"

    # Reviewer A (Sở Tư pháp, step 1) claims it from the inbox and forwards it.
    reviewer_a = staff_page(open_page, "reviewer A (Sở Tư pháp)", world.reviewer_a.username)
    main_menu(reviewer_a, "Hồ sơ cần xử lý")
    assert_accessible(reviewer_a)
    reviewer_a.get_by_role("row", name=code).get_by_role("button", name="Nhận xử lý").click()
    expect(reviewer_a.get_by_role("heading", level=1, name=f"Hồ sơ {code}")).to_be_visible()
    expect_message(reviewer_a, "Bạn đã nhận xử lý bước “Thẩm định pháp lý”")
    assert_accessible(reviewer_a)
    reviewer_a.get_by_role("link", name="Chuyển bước tiếp theo").click()
    reviewer_a.get_by_label("Ý kiến xử lý").fill("Hồ sơ hợp lệ về pháp lý.")
    assert_accessible(reviewer_a)
    reviewer_a.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect_message(reviewer_a, f"Đã chuyển hồ sơ {code} sang bước tiếp theo.")
    assert_accessible(reviewer_a)

    # Reviewer B (Sở Xây dựng, step 2) claims it on the dossier page and asks for a supplement.
    reviewer_b = staff_page(open_page, "reviewer B (Sở Xây dựng)", world.reviewer_b.username)
    main_menu(reviewer_b, "Hồ sơ cần xử lý")
    reviewer_b.get_by_role("link", name=code, exact=True).click()
    actions = reviewer_b.get_by_role("region", name="Việc bạn có thể làm")
    actions.get_by_role("button", name="Nhận xử lý").click()
    expect_message(reviewer_b, "Bạn đã nhận xử lý bước “Thẩm định kỹ thuật, cấp phép”")
    actions.get_by_role("link", name="Yêu cầu bổ sung").click()
    reviewer_b.get_by_label("Nội dung cần bổ sung").fill(SUPPLEMENT_ITEM)
    reviewer_b.get_by_label("Ghi chú cho người nộp").fill("Bổ sung trong 5 ngày làm việc.")
    assert_accessible(reviewer_b)
    reviewer_b.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect_message(reviewer_b, f"Đã gửi yêu cầu bổ sung hồ sơ {code}.")

    # The citizen supplies it from "Hồ sơ của tôi".
    page = citizen_page
    main_menu(page, "Hồ sơ của tôi")
    mine = page.get_by_role("article", name=code)
    expect(mine).to_contain_text("Cần bổ sung")
    assert_accessible(page)
    mine.get_by_role("link", name="Bổ sung hồ sơ").click()
    expect(page.get_by_role("heading", level=1, name="Bổ sung hồ sơ")).to_be_visible()
    expect(page.get_by_role("region", name="Nội dung cần bổ sung")).to_contain_text(SUPPLEMENT_ITEM)
    assert_accessible(page)
    page.get_by_label("Giấy tờ bổ sung").set_input_files(
        upload("ban-ve-mat-bang-mong.pdf", "application/pdf", scanned_pdf("Ban ve mat bang mong"))
    )
    page.get_by_label("Ghi chú cho cán bộ").fill("Đã bổ sung bản vẽ mặt bằng móng.")
    page.get_by_role("button", name="Gửi bổ sung").click()
    expect_message(page, f"Đã gửi bổ sung cho hồ sơ {code}.")
    assert_accessible(page)

    # Reviewer B approves with a result note (and the signed permit as a file).
    reviewer_b.reload()
    expect(reviewer_b.get_by_role("main")).to_contain_text("Đã bổ sung")
    assert_accessible(reviewer_b)
    reviewer_b.get_by_role("region", name="Việc bạn có thể làm").get_by_role(
        "link", name="Phê duyệt, có kết quả"
    ).click()
    reviewer_b.get_by_label("Kết quả giải quyết").fill(RESULT_NOTE)
    assert_accessible(reviewer_b)
    reviewer_b.get_by_label("Tệp kết quả").set_input_files(
        upload("giay-phep-xay-dung.pdf", "application/pdf", scanned_pdf("Giay phep xay dung"))
    )
    reviewer_b.get_by_role("button", name="Phê duyệt, có kết quả").click()
    expect_message(reviewer_b, f"Hồ sơ {code} đã có kết quả.")
    assert_accessible(reviewer_b)

    # The clerk hands the result over at the counter, the collector's ID checked.
    main_menu(clerk, "Trả kết quả")
    assert_accessible(clerk)
    clerk.get_by_role("row", name=code).get_by_role("link", name="Trả kết quả").click()
    expect(clerk.get_by_role("heading", level=1, name=f"Trả kết quả hồ sơ {code}")).to_be_visible()
    expect(clerk.get_by_role("main")).to_contain_text(RESULT_NOTE)
    expect(clerk.get_by_label("Người nhận kết quả")).to_have_value(APPLICANT_NAME)
    assert_accessible(clerk)
    clerk.get_by_label("Đã kiểm tra giấy tờ tùy thân").check()
    clerk.get_by_role("button", name="Xác nhận đã trả kết quả").click()
    expect_message(clerk, f"Đã trả kết quả hồ sơ {code}.")
    assert_accessible(clerk)

    # The citizen rates the service from "Hồ sơ của tôi".
    page = citizen_page
    main_menu(page, "Hồ sơ của tôi")
    mine = page.get_by_role("article", name=code)
    expect(mine).to_contain_text("Đã trả kết quả")
    mine.get_by_text("Rất hài lòng", exact=True).click()
    mine.get_by_role("button", name=f"Gửi đánh giá {code}").click()
    expect_message(page, f"Cảm ơn bạn đã đánh giá hồ sơ {code}.")
    expect(page.get_by_role("article", name=code)).to_contain_text("Bạn đã đánh giá: Rất hài lòng")
    assert_accessible(page)

    # The manager's dashboard now counts it: received, resolved, the fee, the rating.
    manager.reload()
    expect(manager.get_by_role("heading", level=1, name="Thống kê giải quyết hồ sơ")).to_be_visible()
    assert figure(manager, "Tiếp nhận trong kỳ") == "1"
    assert figure(manager, "Đã giải quyết") == "1"
    assert figure(manager, "Phí, lệ phí đã thu").startswith("75.000")
    assert figure(manager, "Tỷ lệ hài lòng").startswith("100,0\u00a0%")  # and how many ratings
    assert_accessible(manager)

    # Anyone with the code and the secret sees the status and the timeline, nothing personal.
    public = open_page("public")
    public.goto("/")
    main_menu(public, "Tra cứu hồ sơ")
    assert_accessible(public)
    public.get_by_label("Mã hồ sơ").fill(code)
    public.get_by_label("Mã tra cứu").fill(secret.lower())
    public.get_by_role("button", name="Tra cứu").click()
    expect(public.get_by_role("heading", level=1, name=f"Tình trạng hồ sơ {code}")).to_be_visible()
    expect(public.get_by_text("Đã trả kết quả", exact=True)).to_be_visible()  # the status
    assert_accessible(public)
    timeline = public.get_by_role("table", name="Quá trình xử lý")
    expect(timeline.get_by_role("row")).to_have_count(1 + 9)  # the header, then one row per event
    rows = [row.get_by_role("cell").all_inner_texts() for row in timeline.get_by_role("row").all()[1:]]
    assert [(action, agency) for _at, action, agency in rows] == [
        ("Nộp trực tuyến", "—"),
        ("Tiếp nhận hồ sơ trực tuyến", "Trung tâm PVHCC"),
        ("Nhận xử lý", "Sở Tư pháp"),
        ("Chuyển bước tiếp theo", "Sở Tư pháp"),
        ("Nhận xử lý", "Sở Xây dựng"),
        ("Yêu cầu bổ sung", "Sở Xây dựng"),
        ("Bổ sung hồ sơ", "—"),
        ("Phê duyệt, có kết quả", "Sở Xây dựng"),
        ("Trả kết quả", "Trung tâm PVHCC"),
    ]
    html = public.content()
    for personal in (APPLICANT_NAME, VALID_ID_NUMBER, "********4567", "987 654 321", "84987654321", ADDRESS):
        assert personal not in html, f"the public tracking page shows {personal!r}"
    for note in (SUPPLEMENT_ITEM, RESULT_NOTE, "Hồ sơ hợp lệ về pháp lý"):
        assert note not in html, f"the public tracking page shows the note {note!r}"

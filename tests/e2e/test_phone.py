"""On a 390 px phone: the menu collapses behind one button that works from the keyboard, the staff
pages with tables fit the screen (a table scrolls in its own box with its key column kept), and
the staff search opens a dossier from a scanned receipt code."""

import re

import pytest

from tests.dossiers.conftest import case  # noqa: F401  (a dossier claimed by reviewer A)
from tests.e2e.accessibility import assert_accessible, overflow, violations
from tests.e2e.test_journey import main_menu, staff_page

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = pytest.mark.parametrize("screen", ["phone"], indirect=True)


@PHONE
def test_the_menu_collapses_on_a_phone_and_opens_from_the_keyboard(world, open_page):
    page = open_page("visitor")
    page.goto("/")
    menu = page.get_by_role("navigation", name="Điều hướng chính")
    login = menu.get_by_role("link", name="Đăng nhập", exact=True)
    toggler = menu.get_by_role("button", name="Danh mục")
    expect(login).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    # the header leaves most of the first screen to the page
    assert page.locator("header.site-header").bounding_box()["height"] < 844 / 4
    toggler.focus()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(login).to_be_visible()
    # Bootstrap ignores a toggle while the menu is still sliding open ("collapsing")
    expect(page.locator("#site-menu")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.keyboard.press("Tab")  # into the menu, its first link
    expect(menu.get_by_role("link").nth(1)).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # and closed again
    expect(toggler).to_have_attribute("aria-expanded", "false")


def test_the_menu_is_open_on_a_desktop(world, open_page):
    page = open_page("visitor")
    page.goto("/")
    menu = page.get_by_role("navigation", name="Điều hướng chính")
    expect(menu.get_by_role("link", name="Đăng nhập", exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Danh mục")).to_be_hidden()


@PHONE
def test_staff_pages_with_tables_fit_a_phone(world, case, open_page):  # noqa: F811
    dossier, _step, _file = case
    reviewer = staff_page(open_page, "reviewer A", world.reviewer_a.username)
    expect(reviewer.get_by_role("heading", level=1, name="Hồ sơ cần xử lý")).to_be_visible()
    assert_accessible(reviewer)
    # the key column stays in view when the table is scrolled sideways
    box = reviewer.locator(".table-responsive").first
    key = box.locator("tbody tr").first.locator(":scope > :first-child")
    box.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    assert key.bounding_box()["x"] >= 0
    reviewer.get_by_role("link", name=dossier.code).first.click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text(dossier.code)
    assert_accessible(reviewer)

    manager = staff_page(open_page, "manager", world.manager.username)
    expect(manager.get_by_role("heading", level=1, name="Thống kê giải quyết hồ sơ")).to_be_visible()
    assert_accessible(manager)
    manager.goto("/thong-ke/ho-so/?bucket=in_progress")
    assert not overflow(manager)

    clerk = staff_page(open_page, "clerk", world.clerk.username)
    for name in ("Hồ sơ trực tuyến", "Trả kết quả"):
        main_menu(clerk, name)
        assert_accessible(clerk)


def test_a_scanned_receipt_code_opens_the_dossier(world, case, open_page):  # noqa: F811
    dossier, _step, _file = case
    clerk = staff_page(open_page, "clerk", world.clerk.username)
    main_menu(clerk, "Tìm hồ sơ")
    expect(clerk.get_by_role("heading", level=1, name="Tìm hồ sơ")).to_be_visible()
    assert_accessible(clerk)
    box = clerk.get_by_label("Mã hồ sơ, số CCCD, số điện thoại hoặc họ tên")
    expect(box).to_be_focused()  # ready for the scanner, which types the code and Enter
    clerk.keyboard.type(dossier.code)
    clerk.keyboard.press("Enter")
    expect(clerk).to_have_url(re.compile(rf"/ho-so/xem/{dossier.code}/$"))
    assert_accessible(clerk)


# Every other page with a table or a wide form, by who opens it: none is wider than a phone, and
# axe finds nothing on them at that width.
OTHER_PAGES = {
    "clerk": [
        "/ho-so/quay/tiep-nhan/?q=giay+phep",
        "/ho-so/tim-kiem/?cho=bo-sung",
        "/giay-to/so-theo-doi/",
        "/giay-to/doi-soat/",
        "/xep-hang/quay/",
        "/xep-hang/so-lieu/",
        "/danh-gia/so-lieu/",
        "/phan-anh/quan-ly/",
        "/thanh-toan/cho-xac-nhan/",
    ],
    "manager": ["/thong-ke/ho-so/", "/cong-quoc-gia/doi-soat/", "/danh-gia/phieu-giay/"],
    "citizen": ["/ho-so/cua-toi/", "/du-lieu-ca-nhan/", "/phan-anh/", "/phan-anh/cong-khai/"],
}


@PHONE
def test_the_other_pages_fit_a_phone(world, case, open_page):  # noqa: F811
    people = {"clerk": world.clerk, "manager": world.manager, "citizen": world.citizen}
    wide = []
    for who, addresses in OTHER_PAGES.items():
        page = staff_page(open_page, who, people[who].username)
        for address in addresses:
            page.goto(address)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            if problem := overflow(page):
                wide.append(f"{address} ({who}): {problem}")
            if problems := violations(page):
                wide.append(f"{address} ({who}): " + "; ".join(problems))
    assert not wide, "\n".join(wide)

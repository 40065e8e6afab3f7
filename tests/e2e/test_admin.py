"""The administration site in a real browser at 1,366 px (issue 21, item 10): our titles, the
day's work on the index, and no list wider than the screen."""

import pytest

from tests.e2e.test_journey import staff_page

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

LISTS = [
    "/admin/",
    "/admin/dossiers/dossier/",
    "/admin/procedures/procedure/",
    "/admin/notifications/notification/",
    "/admin/national/syncmessage/",
    "/admin/accounts/user/",
    "/admin/axes/accessattempt/",
    "/admin/privacy/accessrecord/",
]


def test_the_admin_fits_1366_pixels_and_speaks_vietnamese(world, open_page):
    page = staff_page(open_page, "admin", world.admin.username)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/admin/")
    expect(page).to_have_title("Việc cần làm và danh mục quản trị | Quản trị HCC")
    expect(page.get_by_role("heading", name="Việc cần làm hôm nay")).to_be_visible()
    expect(page.get_by_role("link", name="Tin nhắn, email gửi lỗi")).to_be_visible()
    for url in LISTS:
        page.goto(url)
        expect(page.locator("#site-name")).to_have_text("Trang quản trị HCC")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, f"{url} is {width} px wide"

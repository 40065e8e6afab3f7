"""Online payment in a real browser (issue 18, "Done when"): the applicant sees the fee, pays on
our loopback gateway, comes back to the receipt naming the department the fee belongs to, and the
manager's reconciliation shows the amount under that department for the month."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.accessibility import assert_accessible
from tests.factories import PASSWORD
from tests.payments.conftest import gateway, received_online  # noqa: F401 (the gateway fixture)

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(read):
    """Read the database off the test's thread: Playwright's loop makes it "async" (conftest)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(read).result()


@pytest.fixture
def paying_world(world, gateway):  # noqa: F811 (the fixture imported above)
    return world, received_online(world), gateway


def log_in(page, username: str) -> None:
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))  # on the person's work page


def test_pay_online_and_find_the_receipt_and_the_transfer(paying_world, open_page):
    world, dossier, _gateway = paying_world
    citizen = open_page("citizen")
    log_in(citizen, world.citizen.username)
    citizen.goto(f"/ho-so/xem/{dossier.code}/")
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
    citizen.locator(".payments-list").get_by_role("link").first.click()
    expect(citizen.locator("body")).to_contain_text(f"thu hộ {world.construction.name}")

    manager = open_page("manager")
    log_in(manager, world.manager.username)
    manager.goto("/giay-to/doi-soat/")
    row = manager.locator(f'.reconcile-owner tr[data-owner="{world.construction.pk}"]')
    expect(row).to_contain_text(world.construction.name)
    expect(row).to_contain_text("75.000")
    assert in_thread(lambda: dossier.receipts.get().method) == "online"

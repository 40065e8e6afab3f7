"""Decision 766's page in a real browser: the manager chooses a quarter, sees the points and the
indicator that lost the most first, opens the dossiers behind it; the page meets WCAG 2.1 AA
(axe-core) and the Content-Security-Policy."""

import pytest
from django.utils import timezone

from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_journey import staff_page

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_manager_reads_the_index_and_opens_what_lost_points(world, open_page):
    today = timezone.localdate()
    page = staff_page(open_page, "manager", world.manager.username)
    page.goto("/thong-ke/")
    page.get_by_role("link", name="Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)"
    )
    page.get_by_label("Kỳ").select_option("quarter")
    page.get_by_label("Tháng hoặc quý").fill(str((today.month - 1) // 3 + 1))
    page.get_by_label("Theo").select_option("level")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_role("heading", name="Chỉ số mất nhiều điểm nhất")).to_be_visible()
    expect(page.get_by_role("img", name="Nhóm 6. Số hóa hồ sơ", exact=False)).to_be_visible()
    assert_accessible(page)
    # the first link to dossiers behind points lost: the dashboard's list
    page.locator("a[href*='/thong-ke/ho-so/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/thong-ke/ho-so/" in page.url
    assert_accessible(page)

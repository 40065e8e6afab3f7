"""The public pages, as a visitor without an account reaches them, meet WCAG 2.1 AA (axe-core) and
the Content-Security-Policy: the catalog and its search, a procedure, tracking (form, a wrong code,
a result, the QR link), login (also with an error), registration, the published results and the
404 page; at desktop width and on a 390 px phone (no page wider than the screen)."""

import pytest
from freezegun import freeze_time

from dossiers import services
from tests.e2e.accessibility import assert_accessible, csp_violations
from tests.factories import applicant

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def received(world):
    """A dossier received at the desk, for tracking."""
    with freeze_time("2026-12-07 08:00:00+07:00"):
        return services.dossier_receive(
            actor=world.clerk,
            procedure=world.single,
            intake=services.Intake(
                applicant=applicant(),
                documents={d.id: (d.originals, d.copies) for d in world.single.documents.all()},
            ),
        )


@pytest.mark.both_screens
def test_public_pages_are_accessible(world, received, open_page):
    page = open_page("visitor")

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("searchbox", name="Tìm thủ tục hành chính").fill("ly lich tu phap")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.get_by_role("heading", name="Tìm thấy 1 thủ tục")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Cấp phiếu lý lịch tư pháp", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Cấp phiếu lý lịch tư pháp")).to_be_visible()
    assert_accessible(page)

    page.goto("/ho-so/tra-cuu/")
    assert_accessible(page)
    page.get_by_label("Mã hồ sơ").fill(received.code)
    page.get_by_label("Mã tra cứu").fill("ZZZZZZZZ")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_text("Không tìm thấy hồ sơ")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Mã tra cứu").fill(received.secret)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", level=1, name=f"Tình trạng hồ sơ {received.code}")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/ho-so/tra-cuu/{received.tracking_token}/")
    expect(page.get_by_role("heading", level=1, name=f"Tình trạng hồ sơ {received.code}")).to_be_visible()
    assert_accessible(page)

    page.goto("/tai-khoan/dang-nhap/")
    assert_accessible(page)
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill("0900000000")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_text("Thông tin đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    assert_accessible(page)

    page.goto("/tai-khoan/dang-ky/")
    assert_accessible(page)
    page.get_by_role("button", name="Đăng ký").click()
    assert_accessible(page)

    page.goto("/thong-ke/cong-khai/")
    expect(page.get_by_role("heading", level=1, name="Công khai kết quả giải quyết hồ sơ")).to_be_visible()
    assert_accessible(page)

    page.goto("/khong-co-trang-nay/")
    assert_accessible(page)


def test_the_api_docs_work_under_the_content_security_policy(world, open_page):
    """Swagger UI (drf-spectacular's page with the request's nonce) shows the operations and the
    browser refuses nothing. (Its own markup is not ours: axe is not run on it.)"""
    page = open_page("developer")
    page.goto("/api/docs/")
    expect(page.get_by_text("/api/v1/procedures/", exact=True).first).to_be_visible()
    assert csp_violations(page) == []

"""Issue 21's smaller points, as people meet them in the browser: the online form's first step
keeps a person's and an organisation's fields apart; a reviewer reads a PDF of the dossier inline;
the citizen's supplement form shows the reviewer's note."""

import pytest
from freezegun import freeze_time

from dossiers import services
from tests.dossiers.conftest import case  # noqa: F401  (a dossier claimed by reviewer A)
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_journey import staff_page
from tests.factories import PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)
NOTE = "Bản vẽ cần có chữ ký của chủ đầu tư."


def citizen_page(open_page, world):
    page = open_page("citizen")
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill(world.citizen.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Hồ sơ của tôi")).to_be_visible()  # its work page
    return page


def test_the_first_step_keeps_person_and_organisation_apart(world, open_page):
    page = citizen_page(open_page, world)
    page.goto(f"/ho-so/nop-truc-tuyen/{world.procedure.code}/")
    expect(page.get_by_role("heading", level=1, name="Người nộp hồ sơ")).to_be_visible()
    organisation = page.get_by_role("group", name="Tổ chức nộp hồ sơ")
    expect(page.get_by_role("group", name="Cá nhân nộp hồ sơ")).to_be_visible()
    expect(organisation).to_be_hidden()  # a person: no organisation fields to skip over
    assert_accessible(page)
    page.get_by_role("radio", name="Tổ chức").check()
    expect(organisation).to_be_visible()
    expect(organisation.get_by_label("Tên tổ chức")).to_be_visible()
    expect(page.get_by_role("group", name="Người đại diện tổ chức")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Cá nhân").check()
    expect(organisation).to_be_hidden()


def test_a_reviewer_reads_a_pdf_of_the_dossier_inline(world, case, open_page):  # noqa: F811
    dossier, _step, file = case
    reviewer = staff_page(open_page, "reviewer A", world.reviewer_a.username)
    reviewer.goto(f"/ho-so/xem/{dossier.code}/")
    reviewer.get_by_role("link", name=f"Xem {file.original_name}").click()
    expect(reviewer.get_by_role("heading", level=1, name=file.original_name)).to_be_visible()
    viewer = reviewer.locator(f'object[type="application/pdf"][data="/ho-so/tep/{file.pk}/noi-dung/"]')
    expect(viewer).to_have_count(1)
    assert_accessible(reviewer)
    inline = reviewer.request.get(f"/ho-so/tep/{file.pk}/noi-dung/")
    assert inline.status == 200 and inline.headers["content-type"] == "application/pdf"
    assert inline.headers["content-disposition"].startswith("inline")
    assert "default-src 'none'" in inline.headers["content-security-policy"]
    assert inline.headers["x-frame-options"] == "SAMEORIGIN"

    # the applicant has no staff viewer: the same answer as for a file that does not exist
    citizen = citizen_page(open_page, world)
    assert citizen.request.get(f"/ho-so/tep/{file.pk}/xem/").status == 404


@pytest.fixture
def asked(world, case):  # noqa: F811
    dossier, step, _file = case
    with freeze_time("2026-12-08 09:00:00+07:00"):
        services.dossier_request_supplement(
            actor=world.reviewer_a, step=step, items=["Bản vẽ mặt bằng móng"], note=NOTE
        )
    return dossier


def test_the_citizen_reads_the_reviewers_note_on_the_supplement_form(world, asked, open_page):
    page = citizen_page(open_page, world)
    page.get_by_role("link", name=f"Bổ sung hồ sơ {asked.code}").click()
    expect(page.get_by_role("heading", level=1, name="Bổ sung hồ sơ")).to_be_visible()
    request = page.get_by_role("region", name="Nội dung cần bổ sung")
    expect(request).to_contain_text("Bản vẽ mặt bằng móng")
    expect(request).to_contain_text(NOTE)
    assert_accessible(page)

"""Browser journey of issue 17, rule 4: a reviewer asks the applicant to pay a financial obligation
on the tax authority's notice (national status 6); the clock pauses until the payment is
confirmed, and the dossier page and its timeline show it."""

import pytest

from dossiers import services
from dossiers.models import Dossier, FinancialObligation
from dossiers.services import Intake
from dossiers.workflow import Status
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_journey import expect_message, staff_page
from tests.e2e.test_surveys import in_thread
from tests.factories import applicant

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def claimed(world):
    """A dossier received at the centre, its first step claimed by the Justice reviewer (made
    before the browser starts)."""
    intake = Intake(
        applicant=applicant(name="Lê Thị Hồng"),
        documents={d.id: (d.originals, d.copies) for d in world.procedure.documents.all()},
    )
    dossier = services.dossier_receive(actor=world.clerk, procedure=world.procedure, intake=intake)
    services.step_claim(actor=world.reviewer_a, step=dossier.steps.get(order=1))
    return dossier


def test_a_financial_obligation_pauses_the_clock_until_paid(world, claimed, open_page):
    code = claimed.code
    reviewer = staff_page(open_page, "reviewer", world.reviewer_a.username)
    reviewer.goto(f"/ho-so/xem/{code}/")
    actions = reviewer.get_by_role("region", name="Việc bạn có thể làm")
    actions.get_by_role("link", name="Yêu cầu thực hiện nghĩa vụ tài chính").click()
    assert_accessible(reviewer)
    reviewer.get_by_label("Loại nghĩa vụ tài chính").select_option(index=1)
    reviewer.get_by_label("Số tiền (đồng)").fill("1.500.000")
    reviewer.get_by_label("Số thông báo nộp tiền").fill("TB-2026-0815")
    reviewer.get_by_label("Cơ quan ra thông báo").fill("Thuế cơ sở 1 tỉnh Sơn Hà")
    reviewer.get_by_role("button", name="Yêu cầu thực hiện nghĩa vụ tài chính").click()

    main = reviewer.get_by_role("main")
    expect(main).to_contain_text("Chờ thực hiện nghĩa vụ tài chính")
    expect(main).to_contain_text("Tạm dừng tính thời hạn từ")
    expect(main).to_contain_text("1.500.000")
    state = in_thread(
        lambda: (
            Dossier.objects.values_list("status", "paused_at").get(code=code),
            FinancialObligation.objects.get(dossier__code=code).notice_number,
        )
    )
    (status, paused_at), notice = state
    assert status == Status.AWAITING_PAYMENT and paused_at is not None and notice == "TB-2026-0815"

    # The applicant paid at the treasury: the reviewer confirms with the payment document.
    reviewer.get_by_role("region", name="Việc bạn có thể làm").get_by_role(
        "link", name="Xác nhận đã nộp nghĩa vụ tài chính"
    ).click()
    reviewer.get_by_label("Số chứng từ nộp tiền").fill("GNT-778899")
    reviewer.get_by_role("button", name="Xác nhận đã nộp nghĩa vụ tài chính").click()
    expect_message(reviewer, "Đã xác nhận nghĩa vụ tài chính")
    expect(reviewer.get_by_role("main")).to_contain_text("Tạm dừng tính thời hạn:")
    assert_accessible(reviewer)
    status, paused_at = in_thread(lambda: Dossier.objects.values_list("status", "paused_at").get(code=code))
    assert status == Status.PROCESSING and paused_at is None

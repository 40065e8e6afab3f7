"""Browser journey of issue 17's intake stage (docs/rules.md, "Intake"): a walk-in dossier that is
incomplete is not received, the clerk lists what is missing and prints form 02; an online
submission is sent back once for supplement from the queue."""

import pytest
from freezegun import freeze_time

from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import Dossier, IntakeGuidance
from dossiers.services import Intake
from dossiers.workflow import Status
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_journey import expect_message, main_menu, staff_page
from tests.e2e.test_surveys import in_thread
from tests.factories import PDF_BYTES, applicant

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

MISSING_TYPED = "Giấy ủy quyền có công chứng"


@pytest.fixture
def submitted(world):
    """An online submission waiting at the centre's desk (made before the browser starts)."""
    with freeze_time("2026-12-07 08:00:00+07:00"):
        files = [
            FileUpload(name=f"{d.id}.pdf", content=PDF_BYTES, document_id=d.id)
            for d in world.procedure.documents.filter(mandatory=True)
        ]
        return services.dossier_submit(
            actor=world.citizen,
            procedure=world.procedure,
            office=world.center,
            intake=Intake(applicant=applicant(name="Phạm Văn Cường"), files=files),
        )


def test_a_walk_in_gets_form_02_and_an_online_submission_is_sent_back_once(world, submitted, open_page):
    code = submitted.code
    clerk = staff_page(open_page, "clerk", world.clerk.username)

    # A walk-in: the clerk finds the procedure, sees the dossier is incomplete, issues form 02.
    main_menu(clerk, "Tiếp nhận")
    clerk.get_by_label("Bước 1: tìm thủ tục theo tên hoặc mã").fill("giay phep xay dung")
    clerk.keyboard.press("Enter")
    clerk.get_by_role("link", name="Cấp giấy phép xây dựng").first.click()
    clerk.get_by_role("link", name="Hồ sơ chưa đủ hoặc không tiếp nhận được").click()
    expect(
        clerk.get_by_role("heading", level=1, name="Hồ sơ chưa tiếp nhận: phiếu yêu cầu bổ sung hoặc từ chối")
    ).to_be_visible()
    assert_accessible(clerk)
    clerk.get_by_role("button", name="Lập và in phiếu").click()  # nothing listed: refused
    expect(clerk.get_by_text("Đánh dấu hoặc ghi đầy đủ, một lần").first).to_be_visible()
    assert_accessible(clerk)
    clerk.get_by_label("Họ và tên người nộp").fill("Nguyễn Thị Lan")
    clerk.get_by_label("Số điện thoại").fill("0912 345 678")
    clerk.get_by_role("checkbox", name="Bản vẽ thiết kế").check()
    clerk.get_by_label("Nội dung khác cần bổ sung, hoàn thiện").fill(MISSING_TYPED)
    clerk.get_by_role("button", name="Lập và in phiếu").click()

    # Form 02 opens, ready to print: what is missing, the date of the guidance, its number.
    expect(
        clerk.get_by_role("heading", level=1, name="PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
    ).to_be_visible()
    sheet = clerk.get_by_role("main")
    expect(sheet).to_contain_text("Bản vẽ thiết kế")
    expect(sheet).to_contain_text(MISSING_TYPED)
    expect(sheet).to_contain_text("Nguyễn Thị Lan")
    expect(clerk.get_by_role("button", name="In")).to_be_visible()
    expect_message(clerk, "In phiếu và trao cho người nộp")

    # An online submission: sent back once from the queue, with the full list.
    clerk.get_by_role("link", name="Quay lại").click()  # the paper page's way back, to the desk
    main_menu(clerk, "Hồ sơ trực tuyến")
    queued = clerk.get_by_role("article").filter(has=clerk.get_by_role("heading", name=code))
    queued.get_by_role("link", name=f"Yêu cầu bổ sung {code}").click()
    clerk.get_by_label("Nội dung cần bổ sung, hoàn thiện").fill("Bản vẽ mặt bằng móng\nĐơn có chữ ký")
    assert_accessible(clerk)
    clerk.get_by_role("button", name="Gửi yêu cầu bổ sung (mẫu 02)").click()
    expect_message(clerk, f"Đã yêu cầu bổ sung hồ sơ {code}")
    expect(clerk.get_by_role("heading", name=code)).to_have_count(0)  # no longer waiting at the desk

    items, (status, received_at), dossiers = in_thread(
        lambda: (
            IntakeGuidance.objects.get().items,
            Dossier.objects.values_list("status", "received_at").get(code=code),
            Dossier.objects.count(),
        )
    )
    assert items == ["Bản vẽ thiết kế", MISSING_TYPED]
    assert status == Status.INTAKE_SUPPLEMENT and received_at is None
    assert dossiers == 1  # the walk-in made no dossier

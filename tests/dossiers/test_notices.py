"""The notices a dossier's life writes to the outbox: content, dates, links, idempotency."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from freezegun import freeze_time

from dossiers import notices, services
from dossiers.models import ReturnMethod, Step
from dossiers.services import Intake
from notifications import sms as sms_rules
from notifications.models import Channel, Notification, Status
from notifications.services import optout_set
from tests.factories import applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day, hour, minute=0):
    """December 2026: Monday 7 to Friday 11, then Monday 14 (no holiday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def receive(world, procedure=None, **kwargs):
    procedure = procedure or world.procedure
    intake = Intake(
        applicant=applicant(),
        documents={d.id: (d.originals, d.copies) for d in procedure.documents.all()},
        **kwargs,
    )
    return services.dossier_receive(actor=world.clerk, procedure=procedure, intake=intake)


def sms(template, dossier):
    return Notification.objects.get(template_code=template, dossier_code=dossier.code, channel=Channel.SMS)


def email(template, dossier):
    return Notification.objects.get(template_code=template, dossier_code=dossier.code, channel=Channel.EMAIL)


def step(dossier, order):
    return Step.objects.get(dossier=dossier, order=order)


def approve(world, dossier):
    services.step_claim(actor=world.reviewer_a, step=step(dossier, 1))
    services.step_forward(actor=world.reviewer_a, step=step(dossier, 1))
    services.step_claim(actor=world.reviewer_b, step=step(dossier, 2))
    return services.step_approve(
        actor=world.reviewer_b, step=step(dossier, 2), result_note="Cấp giấy phép số 12"
    )


@pytest.fixture(autouse=True)
def _site(settings):
    settings.HCC_SITE_URL = "https://hcc.example.vn"
    settings.SMS_STRIP_DIACRITICS = False


def test_received_notice_by_sms_and_email_with_code_date_and_tracking_link(world):
    with freeze_time(at(7, 9)):
        dossier = receive(world)
    text = sms("dossier.received", dossier)
    assert text.recipient == "+84912345678"
    assert text.status == Status.PENDING
    assert dossier.code in text.body
    assert "Hẹn trả kết quả ngày 21/12/2026" in text.body
    link = f"https://hcc.example.vn/ho-so/tra-cuu/{dossier.tracking_token}/"
    assert link in text.body
    mail = email("dossier.received", dossier)
    assert mail.recipient == "an@example.vn"
    assert mail.subject == f"Đã tiếp nhận hồ sơ {dossier.code}"
    assert "Nguyễn Văn An" in mail.body and "Cấp giấy phép xây dựng" in mail.body
    assert "tiếp nhận ngày 07/12/2026" in mail.body and link in mail.body
    assert mail.dossier_code == dossier.code and mail.event_id == dossier.events.get().pk


def test_the_routed_agency_reviewers_are_told(world):
    world.reviewer_a.email = "tuphap@example.vn"
    world.reviewer_a.save()
    with freeze_time(at(7, 9)):
        receive(world)
    notice = Notification.objects.get(template_code="staff.step_routed")
    assert notice.recipient == "tuphap@example.vn"
    assert "Sở Tư pháp" in notice.subject and "Thẩm định pháp lý" in notice.body
    assert "10/12/2026" in notice.body  # 3 working days


def test_supplement_request_lists_the_items_and_how_to_supply(world):
    with freeze_time(at(7, 9)):
        dossier = receive(world)
        services.step_claim(actor=world.reviewer_a, step=step(dossier, 1))
        services.dossier_request_supplement(
            actor=world.reviewer_a, step=step(dossier, 1), items=["Bản vẽ mặt bằng", "Sổ đỏ bản sao"]
        )
    text = sms("dossier.supplement_requested", dossier).body
    assert "cần bổ sung: Bản vẽ mặt bằng; Sổ đỏ bản sao" in text
    assert "Trung tâm PVHCC" in text  # where to bring them
    assert "- Sổ đỏ bản sao" in email("dossier.supplement_requested", dossier).body


def test_refusal_gives_the_reason(world):
    with freeze_time(at(7, 9)):
        dossier = receive(world)
        services.step_claim(actor=world.reviewer_a, step=step(dossier, 1))
        services.step_refuse(
            actor=world.reviewer_a, step=step(dossier, 1), reason="Đất không đủ điều kiện xây dựng"
        )
    assert "Lý do: Đất không đủ điều kiện xây dựng" in sms("dossier.refused", dossier).body


def test_a_stop_is_told_with_its_reason_and_date(world):
    with freeze_time(at(7, 9)):
        dossier = receive(world)
        services.step_claim(actor=world.reviewer_a, step=step(dossier, 1))
    with freeze_time(at(9, 10)):
        services.dossier_stop(actor=world.reviewer_a, dossier=dossier, reason="Người nộp không bổ sung")
    text = sms("dossier.stopped", dossier).body
    assert "dừng giải quyết ngày 09/12/2026" in text
    assert "Lý do: Người nộp không bổ sung" in text
    assert "Người nộp không bổ sung" in email("dossier.stopped", dossier).body


def test_a_withdrawal_is_confirmed_to_the_applicant(world):
    with freeze_time(at(7, 9)):
        dossier = receive(world)
        services.dossier_withdraw(actor=world.clerk, dossier=dossier, reason="Đổi ý, nộp lại sau")
    text = sms("dossier.withdrawn", dossier).body
    assert "đã được rút theo đề nghị ngày 07/12/2026" in text
    assert "Lý do: Đổi ý, nộp lại sau" in text


def test_result_ready_says_where_to_collect_and_the_fees(world):
    with freeze_time(at(9, 10)):
        dossier = receive(world)
        approve(world, dossier)
    text = sms("dossier.result_ready", dossier).body
    assert "đã có kết quả" in text and "Trung tâm PVHCC" in text and "75.000 ₫" in text
    assert "có kết quả ngày 09/12/2026" in email("dossier.result_ready", dossier).body


@pytest.mark.parametrize("strip", [False, True])
def test_result_ready_sms_is_complete_with_a_long_office_name_and_address(world, settings, strip):
    """Issue 18: the SMS was cut at "Phí, lệ..."; it now fits whole in the parts allowed."""
    settings.SMS_STRIP_DIACRITICS = strip
    world.center.name = "Trung tâm Phục vụ Hành chính công tỉnh Sơn Hà"
    world.center.address = "Số 1 đường Trần Hưng Đạo, phường Đông Thành, tỉnh Sơn Hà"
    world.center.save()
    with freeze_time(at(9, 10)):
        dossier = receive(world)
        approve(world, dossier)
    text = sms("dossier.result_ready", dossier).body
    assert not text.endswith("...")
    assert sms_rules.parts(text) <= settings.SMS_MAX_PARTS
    expected = "Phí, lệ phí: 75.000 ₫." if not strip else "Phi, le phi: 75.000"
    assert expected in text
    assert text.rstrip(".").endswith("trong giờ hành chính" if not strip else "trong gio hanh chinh")


def test_return_at_the_counter_then_a_rating_link(world):
    with freeze_time(at(9, 10)):
        dossier = receive(world)
        approve(world, dossier)
        services.dossier_return(
            actor=world.clerk, dossier=dossier, collected_by="Nguyễn Văn An", id_checked=True
        )
    assert "đã trả kết quả ngày 09/12/2026" in sms("dossier.returned", dossier).body
    rating = sms("dossier.rating", dossier)
    assert f"https://hcc.example.vn/danh-gia/{dossier.tracking_token}/" in rating.body
    assert notices.rating_url(dossier) == f"{settings.HCC_SITE_URL}/danh-gia/{dossier.tracking_token}/"


def test_return_by_post_gives_the_tracking_number(world):
    with freeze_time(at(9, 10)):
        dossier = receive(world, return_method=ReturnMethod.POST, return_address="Số 1 Trần Phú")
        approve(world, dossier)
        services.dossier_return(actor=world.clerk, dossier=dossier, postal_tracking="EMS123456789VN")
    assert "số hiệu bưu gửi EMS123456789VN" in sms("dossier.sent_by_post", dossier).body
    assert not Notification.objects.filter(template_code="dossier.returned").exists()


def test_apology_gives_the_new_date(world):
    with freeze_time(at(7, 9)):
        dossier = receive(world)
        services.step_claim(actor=world.reviewer_a, step=step(dossier, 1))
        services.dossier_apologize(
            actor=world.reviewer_a, dossier=dossier, reason="Cần xác minh thực địa", new_date=at(28, 17)
        )
    assert "Ngày hẹn mới: 28/12/2026" in sms("dossier.apology", dossier).body
    body = email("dossier.apology", dossier).body
    assert "Lý do: Cần xác minh thực địa" in body and "(21/12/2026)" in body


def test_the_same_event_never_makes_two_notices(world):
    with freeze_time(at(7, 9)):
        dossier = receive(world)
    event = dossier.events.get()
    before = Notification.objects.count()
    notices.on_event(event)
    notices.on_event(event)
    assert Notification.objects.count() == before
    assert Notification.objects.filter(template_code="dossier.received").count() == 2  # one SMS, one email


def test_an_opted_out_channel_gets_nothing(world):
    optout_set(channel=Channel.SMS, address="+84912345678", opted_out=True)
    with freeze_time(at(7, 9)):
        dossier = receive(world)
    assert not Notification.objects.filter(dossier_code=dossier.code, channel=Channel.SMS).exists()
    assert email("dossier.received", dossier)


def test_sms_without_diacritics_when_the_gateway_needs_it(world, settings):
    settings.SMS_STRIP_DIACRITICS = True
    with freeze_time(at(7, 9)):
        dossier = receive(world)
    assert "Da tiep nhan ho so" in sms("dossier.received", dossier).body
    assert "Đã tiếp nhận" in email("dossier.received", dossier).subject


@pytest.fixture
def staff_emails(world):
    world.reviewer_a.email = "tuphap@example.vn"
    world.reviewer_a.save()
    world.manager.email = "lanhdao@example.vn"
    world.manager.save()
    return world


def digest(recipient):
    return Notification.objects.get(
        template_code__in=["staff.daily_digest", "staff.manager_digest"], recipient=recipient
    )


def test_daily_digest_on_a_working_day_lists_steps_due_within_a_day(staff_emails):
    world = staff_emails
    with freeze_time(at(7, 9)):
        dossier = receive(world)  # the Justice step is due Thursday 10/12 09:00
    with freeze_time(at(9, 7)):
        assert notices.send_daily_digests() == 2  # the agency's reviewers and the manager
        notices.send_daily_digests()  # run twice the same day: still one digest each
    assert Notification.objects.filter(template_code="staff.daily_digest").count() == 1
    mail = digest("tuphap@example.vn")
    assert mail.subject == "Sở Tư pháp: 1 hồ sơ sắp đến hạn, 0 quá hạn (09/12/2026)"
    assert f"- {dossier.code}: Thẩm định pháp lý, hạn 09:00 10/12/2026" in mail.body


def test_the_manager_is_warned_before_a_step_runs_late(staff_emails):
    """Issue 17 rule 3: the reviewer and the manager are both warned before a step is late."""
    world = staff_emails
    with freeze_time(at(7, 9)):
        dossier = receive(world)  # the Justice step is due Thursday 10/12 09:00
    with freeze_time(at(8, 7)):  # two working days ahead: no warning yet
        assert notices.send_daily_digests() == 0
    with freeze_time(at(9, 7)):
        notices.send_daily_digests()
        notices.send_daily_digests()
    assert Notification.objects.filter(template_code="staff.manager_digest").count() == 1
    mail = digest("lanhdao@example.vn")
    assert mail.subject == "1 bước sắp đến hạn, 0 quá hạn (09/12/2026)"
    assert f"- Sở Tư pháp: {dossier.code}, Thẩm định pháp lý, hạn 09:00 10/12/2026" in mail.body


def test_overdue_steps_go_to_the_agency_and_to_its_managers(staff_emails):
    world = staff_emails
    with freeze_time(at(7, 9)):
        dossier = receive(world)
    with freeze_time(at(11, 7)):
        notices.send_daily_digests()
    assert "0 hồ sơ sắp đến hạn, 1 quá hạn" in digest("tuphap@example.vn").subject
    manager = digest("lanhdao@example.vn")
    assert manager.template_code == "staff.manager_digest"
    assert "0 bước sắp đến hạn, 1 quá hạn" in manager.subject
    assert f"- Sở Tư pháp: {dossier.code}, Thẩm định pháp lý, hạn 09:00 10/12/2026" in manager.body


def test_no_digest_on_a_holiday_or_a_weekend(staff_emails):
    world = staff_emails
    with freeze_time(at(7, 9)):
        receive(world)
    with freeze_time(datetime(2027, 1, 1, 7, tzinfo=VN)):  # New Year's Day, a Friday
        assert notices.send_daily_digests() == 0
    with freeze_time(at(12, 7)):  # Saturday
        assert notices.send_daily_digests() == 0
    assert not Notification.objects.filter(template_code__startswith="staff.d").exists()

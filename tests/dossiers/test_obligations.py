"""Financial obligations (issue 18 item 2, issue 17 rule 4): recorded by "request payment", paid on
the tax authority's notice, the clock paused until the payment is confirmed with its proof."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from dossiers import services
from dossiers.models import Event, FinancialObligation
from dossiers.services import DossierError, Intake
from dossiers.workflow import CLOCK_PAUSED, CLOCK_RUNNING, Status, TransitionRefused
from tests.dossiers.test_review_pages import text
from tests.factories import applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOTICE = {"kind": "land_use_levy", "notice_number": "TB-125/TCS1", "issuing_authority": "Thuế cơ sở 1"}


def at(day, hour, minute=0):
    """A moment in December 2026 (Monday 7 to Friday 11, then Monday 14 …; no holiday)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def receive(world):
    intake = Intake(
        applicant=applicant(),
        documents={d.id: (d.originals, d.copies) for d in world.procedure.documents.all()},
    )
    return services.dossier_receive(actor=world.clerk, procedure=world.procedure, intake=intake)


def claimed(world):
    dossier = receive(world)
    step = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=step)
    return dossier, step


def awaiting(world):
    dossier, step = claimed(world)
    services.dossier_request_payment(actor=world.reviewer_a, step=step, amount=12_500_000, **NOTICE)
    dossier.refresh_from_db()
    return dossier, step


def snapshot(dossier):
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.due_at,
        dossier.paused_at,
        Event.objects.filter(dossier=dossier).count(),
        list(
            FinancialObligation.objects.filter(dossier=dossier).values_list("confirmed_at", "payment_proof")
        ),
    )


def test_the_clock_does_not_run_while_a_payment_is_awaited():
    assert Status.AWAITING_PAYMENT not in CLOCK_RUNNING
    assert Status.AWAITING_PAYMENT in CLOCK_PAUSED
    assert Status.SUPPLEMENT_REQUESTED in CLOCK_PAUSED


def test_request_records_the_obligation_and_confirm_moves_the_due_dates_by_the_paused_time(world):
    with freeze_time(at(7, 8)):
        dossier, step = claimed(world)
        due_before = dossier.due_at
        step.refresh_from_db()
        step_due_before = step.due_at
    with freeze_time(at(8, 9)):  # Tuesday 09:00
        obligation = services.dossier_request_payment(
            actor=world.reviewer_a, step=step, amount=12_500_000, note="Nộp tại Kho bạc", **NOTICE
        )
        dossier.refresh_from_db()
        assert dossier.status == Status.AWAITING_PAYMENT
        assert dossier.status_code == 6
        assert dossier.paused_at == at(8, 9)
        assert (obligation.kind, obligation.amount, obligation.notice_number) == (
            "land_use_levy",
            12_500_000,
            "TB-125/TCS1",
        )
        assert not obligation.is_paid
    with freeze_time(at(10, 9)):  # Thursday 09:00: two working days later
        services.dossier_confirm_payment(actor=world.clerk, dossier=dossier, proof="GNT 00012345")
        dossier.refresh_from_db()
        step.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.paused_at is None
    assert dossier.due_at == datetime(2026, 12, 23, 8, tzinfo=VN)  # 21/12 08:00 + 2 working days
    assert dossier.due_at != due_before
    assert step.due_at > step_due_before
    obligation.refresh_from_db()
    assert obligation.payment_proof == "GNT 00012345"
    assert obligation.confirmed_by == world.clerk
    event = dossier.events.get(action="confirm_payment")
    assert event.data["paused_seconds"] == 16 * 3600
    assert event.data["obligations"] == [obligation.pk]


@freeze_time(at(7, 8))
@pytest.mark.parametrize(
    "changes",
    [
        {"amount": 0},
        {"amount": -5000},
        {"amount": 1.5},
        {"amount": "1000"},
        {"notice_number": "  "},
        {"issuing_authority": ""},
        {"kind": "fee"},
    ],
)
def test_bad_input_is_refused_and_writes_nothing(world, changes):
    dossier, step = claimed(world)
    before = snapshot(dossier)
    arguments = {"amount": 1000, **NOTICE, **changes}
    with pytest.raises(DossierError):
        services.dossier_request_payment(actor=world.reviewer_a, step=step, **arguments)
    assert snapshot(dossier) == before


@freeze_time(at(7, 8))
def test_forbidden_requests_change_nothing(world):
    dossier = receive(world)
    step = dossier.steps.get(order=1)
    before = snapshot(dossier)
    with pytest.raises(TransitionRefused):  # not claimed yet
        services.dossier_request_payment(actor=world.reviewer_a, step=step, amount=1000, **NOTICE)
    assert snapshot(dossier) == before
    services.step_claim(actor=world.reviewer_a, step=step)
    services.dossier_request_payment(actor=world.reviewer_a, step=step, amount=1000, **NOTICE)
    before = snapshot(dossier)
    with pytest.raises(TransitionRefused):  # already waiting for a payment
        services.dossier_request_payment(actor=world.reviewer_a, step=step, amount=1000, **NOTICE)
    with pytest.raises(TransitionRefused):  # no step moves while the clock is paused
        services.step_forward(actor=world.reviewer_a, step=step)
    assert snapshot(dossier) == before


@freeze_time(at(7, 8))
def test_forbidden_confirmations_change_nothing(world):
    dossier, _step = awaiting(world)
    before = snapshot(dossier)
    with pytest.raises(DossierError):  # no proof
        services.dossier_confirm_payment(actor=world.clerk, dossier=dossier, proof=" ")
    for actor in (world.citizen, world.postal, world.commune_clerk, world.reviewer_b):
        with pytest.raises(TransitionRefused):
            services.dossier_confirm_payment(actor=actor, dossier=dossier, proof="GNT-1")
    assert snapshot(dossier) == before
    services.dossier_confirm_payment(actor=world.reviewer_a, dossier=dossier, proof="GNT-1")
    with pytest.raises(TransitionRefused):  # confirmed once
        services.dossier_confirm_payment(actor=world.reviewer_a, dossier=dossier, proof="GNT-2")
    assert dossier.obligations.get().payment_proof == "GNT-1"


@freeze_time(at(7, 8))
def test_withdrawn_while_awaiting_payment_leaves_the_obligation_unpaid(world):
    dossier, _step = awaiting(world)
    services.dossier_withdraw(actor=world.clerk, dossier=dossier, reason="Người nộp xin rút")
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.paused_at is None
    assert not dossier.obligations.get().is_paid


# --- pages ---------------------------------------------------------------------------------------


def test_the_page_shows_the_obligation_and_the_pause_not_an_overdue_dossier(world, client):
    with freeze_time(at(7, 8)):
        dossier, _step = awaiting(world)
    with freeze_time(at(28, 9)):  # past the original due date (21/12), still paused
        client.force_login(world.reviewer_a)
        page = text(client.get(reverse("dossiers:detail", args=[dossier.code])))
    assert "Tiền sử dụng đất: 12.500.000" in page
    assert "TB-125/TCS1" in page
    assert "Tạm dừng tính thời hạn (chờ thực hiện nghĩa vụ tài chính)" in page
    assert "Quá hạn" not in page


@freeze_time(at(7, 8))
def test_forbidden_payment_actions_are_neither_offered_nor_accepted(world, client):
    dossier, step = awaiting(world)
    confirm = reverse("dossiers:confirm_payment", args=[dossier.code])
    request_again = reverse("dossiers:step_action", args=[step.pk, "request_payment"])
    before = snapshot(dossier)
    # postal staff of the intake office see the dossier but may not confirm a payment
    client.force_login(world.postal)
    assert confirm not in client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    response = client.post(confirm, {"proof": "GNT-1"}, follow=True)
    assert "không thể thực hiện" in text(response)
    # the reviewer may not ask again while the dossier waits
    client.force_login(world.reviewer_a)
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert request_again not in page
    assert confirm in page
    response = client.post(request_again, {"amount": "1000", **NOTICE}, follow=True)
    assert "không thể thực hiện" in text(response)
    assert snapshot(dossier) == before
    # the confirmation, once made, is not offered again
    client.post(confirm, {"proof": "GNT-1"})
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert confirm not in page
    assert "GNT-1" in page
    assert "Tạm dừng tính thời hạn: 0 giờ làm việc" in text(
        client.get(reverse("dossiers:detail", args=[dossier.code]))
    )


@freeze_time(at(7, 8))
def test_the_applicant_is_told_what_to_pay_and_where(world):
    from notifications.models import Channel, Notification

    dossier, step = claimed(world)
    services.dossier_request_payment(
        actor=world.reviewer_a, step=step, amount=12_500_000, due_date=datetime(2026, 12, 20).date(), **NOTICE
    )
    sms = Notification.objects.get(template_code="dossier.payment_requested", channel=Channel.SMS)
    assert "tiền sử dụng đất" in sms.body and "12.500.000" in sms.body and "TB-125/TCS1" in sms.body
    assert "20/12/2026" in sms.body and not sms.body.endswith("...")
    email = Notification.objects.get(template_code="dossier.payment_requested", channel=Channel.EMAIL)
    assert "Thuế cơ sở 1" in email.body and "không nộp tại bộ phận một cửa" in email.body

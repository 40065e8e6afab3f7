"""Dossier and status sync to the national portal, against the loopback portal."""

import time
from datetime import timedelta

import jsonschema
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from freezegun import freeze_time

from dossiers import services
from dossiers.models import StepStatus
from dossiers.workflow import Status, TransitionRefused
from national.models import ProcedureCode, Service, SyncMessage, SyncStatus
from national.schemas import SCHEMAS
from national.services import sync_deliver, sync_message_resend, sync_sweep
from tests.dossiers.test_services import at, submit_online

AFTER = at(14, 9)  # the Monday after the walk: every message is due


@pytest.fixture(autouse=True)
def _after_the_walks():
    """Sends happen on the Monday after the dossiers' week (the walks freeze their own times)."""
    with freeze_time(AFTER, tick=True):
        yield


def walk_whole_life(world):
    """Submit → accept → two agencies (one supplement) → result → returned."""
    with freeze_time(at(4, 16)):
        dossier = submit_online(world)
    with freeze_time(at(7, 7, 30)):
        services.dossier_accept(actor=world.clerk, dossier=dossier)
    step_a = dossier.steps.get(order=1)
    with freeze_time(at(7, 9)):
        services.step_claim(actor=world.reviewer_a, step=step_a)
        services.step_forward(actor=world.reviewer_a, step=step_a, note="Hồ sơ hợp lệ")
    step_b = dossier.steps.get(order=2)
    with freeze_time(at(8, 9)):
        services.step_claim(actor=world.reviewer_b, step=step_b)
        services.dossier_request_supplement(actor=world.reviewer_b, step=step_b, items=["Bản vẽ móng"])
    with freeze_time(at(9, 9)):
        services.dossier_supply(actor=world.citizen, dossier=dossier, note="Đã bổ sung", files=[])
    with freeze_time(at(10, 10)):
        services.step_approve(actor=world.reviewer_b, step=step_b, result_note="Giấy phép số 12")
    with freeze_time(at(11, 14)):
        services.dossier_return(
            actor=world.clerk, dossier=dossier, collected_by="Nguyễn Văn An", id_checked=True
        )
    dossier.refresh_from_db()
    return dossier


def test_each_event_queues_one_message_in_its_transaction(world):
    dossier = walk_whole_life(world)
    rows = list(SyncMessage.objects.filter(dossier=dossier).order_by("id"))
    events = list(dossier.events.order_by("id"))
    assert [m.event_id for m in rows] == [e.id for e in events]
    assert [m.service for m in rows] == [
        Service.DOSSIER,  # submit: a new dossier
        Service.DOSSIER,  # accept: received
        Service.DOSSIER,  # claim: processing
        Service.PROGRESS,  # forward to the next agency, still processing
        Service.PROGRESS,  # second claim
        Service.DOSSIER,  # supplement requested
        Service.DOSSIER,  # supplied
        Service.DOSSIER,  # result ready
        Service.DOSSIER,  # returned
    ]
    assert all(m.status == SyncStatus.PENDING for m in rows)  # no portal configured: kept, not lost
    first, last = rows[0].payload, rows[-1].payload
    assert first["isUpdating"] == "False" and last["isUpdating"] == "True"
    record = last["data"][0]
    assert record["TrangThaiHoSo"] == str(Status.national_code(Status.RETURNED, received=True)) == "10"
    assert record["NgayTiepNhan"] == "20261207073000"  # Asia/Ho_Chi_Minh, yyyyMMddHHmmss
    assert record["NgayTra"] == "20261211140000"
    assert record["MaTTHC"] == "1.009994" and record["LoaiDoiTuong"] == "1"
    assert record["DanhSachLePhi"] == [
        {
            "TenPhiLePhi": "Lệ phí",
            "MaPhiLePhi": record["DanhSachLePhi"][0]["MaPhiLePhi"],
            "HinhThucThu": "",
            "Gia": "75000",
            "LoaiPhiLePhi": "2",
        }
    ]
    assert record["DanhSachHoSoBoSung"][0]["NoiDungBoSung"] == "Bản vẽ móng"
    envelope = {"session": "x", "madonvi": "y"}
    for message in rows:  # what we build fits the published shapes
        jsonschema.validate({**envelope, **message.payload}, SCHEMAS[message.service])


def test_a_failed_action_queues_nothing(world):
    with freeze_time(at(4, 16)):
        dossier = submit_online(world)
    with pytest.raises(TransitionRefused):
        services.dossier_accept(actor=world.reviewer_a, dossier=dossier)
    assert SyncMessage.objects.filter(dossier=dossier).count() == 1


def test_the_worker_sends_everything_in_order_once(world, portal):
    dossier = walk_whole_life(world)
    other = walk_whole_life(world)
    outcome = sync_sweep()
    assert outcome["sent"] == 18 and outcome["refused"] == outcome["retry"] == 0
    assert set(SyncMessage.objects.values_list("status", flat=True)) == {SyncStatus.SENT}
    for d in (dossier, other):
        got = [item for code, item in portal.state.received_items() if code == d.code]
        expected = [m.payload["data"][0] for m in SyncMessage.objects.filter(dossier=d).order_by("id")]
        assert got == expected  # in order, each once
    assert portal.state.dossiers[dossier.code]["TrangThaiHoSo"] == "10"
    assert [p["TrangThai"] for p in portal.state.progress[dossier.code]] == ["4", "4"]
    assert portal.state.logins == 1  # one session for the whole run
    assert sync_sweep()["sent"] == 0  # nothing sent twice
    assert len(portal.state.received) == 18


def test_failures_are_retried_with_backoff_and_order_is_kept(world, portal):
    dossier = walk_whole_life(world)
    portal.state.fail_next("fail", "fail")
    first = sync_sweep()
    assert first["sent"] == 0 and first["retry"] == 1  # the dossier stops at its first message
    message = SyncMessage.objects.filter(dossier=dossier).order_by("id").first()
    assert message.status == SyncStatus.PENDING and message.attempts == 1
    assert "503" in message.last_error
    assert message.in_doubt  # a 5xx does not say whether the portal took it: looked up first
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert sync_sweep()["sent"] == 0  # not due yet, and the later ones wait behind it
    with freeze_time(AFTER + timedelta(seconds=45)):  # due 30 s after the first failure
        second = sync_sweep()
    assert second["retry"] == 1
    message.refresh_from_db()
    assert message.attempts == 2
    with freeze_time(AFTER + timedelta(seconds=45 + 75)):  # then 60 s after the second
        third = sync_sweep()
    assert third["sent"] == 9
    got = [item for code, item in portal.state.received_items() if code == dossier.code]
    assert got == [m.payload["data"][0] for m in SyncMessage.objects.filter(dossier=dossier).order_by("id")]


def test_an_answer_that_never_came_is_looked_up_not_sent_twice(world, portal):
    with freeze_time(at(4, 16)):
        dossier = submit_online(world)
    portal.state.late_seconds = 1.0  # the client gives up after 0.5 s; the portal took it
    portal.state.fail_next("late")
    assert sync_sweep()["retry"] == 1
    message = SyncMessage.objects.get(dossier=dossier)
    assert message.in_doubt
    with freeze_time(timezone.now() + timedelta(seconds=31)):
        assert sync_sweep()["sent"] == 1
    message.refresh_from_db()
    assert message.status == SyncStatus.SENT and "TraCuuHoSo" in message.answer["message"]
    assert len(portal.state.received_items()) == 1  # taken once


def test_a_worker_that_died_mid_send_leaves_the_message_in_doubt(world, portal, settings):
    with freeze_time(at(4, 16)):
        dossier = submit_online(world)
    message = SyncMessage.objects.get(dossier=dossier)
    # A worker claimed it and died: the row stays "sending" with its claim.
    SyncMessage.objects.filter(pk=message.pk).update(
        status=SyncStatus.SENDING, claim_token="dead", claimed_at=timezone.now()
    )
    assert sync_sweep()["sent"] == 0  # too recent to be called dead
    with freeze_time(timezone.now() + timedelta(seconds=settings.NATIONAL_SENDING_TIMEOUT + 1)):
        assert sync_sweep()["sent"] == 1
    assert len(portal.state.received_items()) == 1


def test_a_refused_message_is_kept_blocks_its_dossier_and_is_resent_after_a_fix(world, portal):
    with freeze_time(at(4, 16)):
        dossier = submit_online(world)
    with freeze_time(at(7, 7, 30)):
        services.dossier_accept(actor=world.clerk, dossier=dossier)
    portal.state.refuse_codes.add(dossier.code)
    outcome = sync_sweep()
    assert outcome["refused"] == 1 and outcome["sent"] == 0
    refused, waiting = SyncMessage.objects.filter(dossier=dossier).order_by("id")
    assert refused.status == SyncStatus.REFUSED
    assert refused.answer["error_code"] == 12 and "1.009994" in refused.answer["message"]
    assert waiting.status == SyncStatus.PENDING
    assert sync_sweep()["sent"] == 0  # the later message waits behind the refused one

    # The fix: the province maps its code to the national one; the portal knows the dossier now.
    ProcedureCode.objects.create(code="1.009994", national_code="1.009994.000.00.00.H99")
    portal.state.refuse_codes.clear()
    with pytest.raises(PermissionDenied):  # only administrators resend
        sync_message_resend(actor=world.clerk, message=refused)
    sync_message_resend(actor=world.admin, message=refused)
    assert sync_sweep()["sent"] == 2
    refused.refresh_from_db()
    assert refused.status == SyncStatus.SENT and refused.resends == 1
    assert portal.state.dossiers[dossier.code]["MaTTHC"] == "1.009994.000.00.00.H99"


def test_an_expired_session_is_renewed(world, portal):
    with freeze_time(at(4, 16)):
        first = submit_online(world)
    sync_deliver([SyncMessage.objects.get(dossier=first).pk])
    portal.state.expire_sessions()
    with freeze_time(at(4, 17)):
        second = submit_online(world)
    assert sync_deliver([SyncMessage.objects.get(dossier=second).pk])["sent"] == 1
    assert portal.state.logins == 2


def test_a_message_that_breaks_the_schema_is_refused_by_the_portal(world, portal):
    with freeze_time(at(4, 16)):
        dossier = submit_online(world)
    message = SyncMessage.objects.get(dossier=dossier)
    message.payload["data"][0]["NgayTiepNhan"] = "07/12/2026"
    message.save()
    assert sync_sweep()["refused"] == 1
    message.refresh_from_db()
    assert "NgayTiepNhan" in message.answer["message"]


def test_two_workers_with_overlapping_batches_keep_the_order(world, portal):
    dossier = walk_whole_life(world)
    ids = list(SyncMessage.objects.filter(dossier=dossier).order_by("id").values_list("id", flat=True))
    # A second worker got only the later messages: they wait for the first ones.
    assert sync_deliver(ids[3:])["sent"] == 0
    assert sync_deliver(ids[:3])["sent"] == 3
    assert sync_deliver(ids[3:])["sent"] == 6
    got = [item for code, item in portal.state.received_items() if code == dossier.code]
    assert got == [m.payload["data"][0] for m in SyncMessage.objects.filter(dossier=dossier).order_by("id")]


def test_nothing_is_sent_without_a_configured_portal(world, settings):
    with freeze_time(at(4, 16)):
        dossier = submit_online(world)
    settings.NATIONAL_PORTAL_URL = ""
    assert sync_sweep()["sent"] == 0
    assert SyncMessage.objects.get(dossier=dossier).status == SyncStatus.PENDING
    assert StepStatus  # the dossier app's names are importable beside ours


def test_with_redis_down_the_action_is_not_held_and_the_sweep_sends_later(
    world, portal, settings, django_capture_on_commit_callbacks
):
    from hcc.celery import app
    from national.publish import publish

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    # Celery's own setting too: another test may have set it on the app explicitly.
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            dossier = submit_online(world)
        assert time.monotonic() - started < 3  # the broker's time-out, not a hang
        message = SyncMessage.objects.get(dossier=dossier)
        assert message.status == SyncStatus.PENDING and publish.paused_until > 0
    finally:
        app.conf.task_always_eager = eager
    publish.reset_pause()
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the sweep of beat (here in this process)
    assert sync_sweep()["sent"] == 1


def test_a_refusal_before_receipt_is_not_received_and_after_processing_is_resolved(world, case):
    """The status codes come from the table of dossiers/workflow.py, read through its function."""
    with freeze_time(at(4, 16)):
        refused_at_intake = submit_online(world)
        services.dossier_refuse_intake(actor=world.clerk, dossier=refused_at_intake, reason="Thiếu giấy tờ")
    last = SyncMessage.objects.filter(dossier=refused_at_intake).order_by("id").last()
    assert last.payload["data"][0]["TrangThaiHoSo"] == "3"
    dossier, step, _file = case
    with freeze_time(at(8, 9)):
        services.step_refuse(actor=world.reviewer_a, step=step, reason="Không đủ điều kiện")
    last = SyncMessage.objects.filter(dossier=dossier).order_by("id").last()
    assert last.payload["data"][0]["TrangThaiHoSo"] == "9"

"""Fault injection (issue 26): a real Celery worker (two processes) delivering 500 notices to our
loopback SMS gateway is killed with SIGKILL at random points, restarted each time, while beat's
sweep recovers what it left. In both delivery paths (one task per notice as written, and the
sweep's batches of 50):

- at each kill, the notices left "sending" are only the messages in flight (at most one per
  worker process), never the rest of a batch;
- with a gateway that honours the idempotency key, every phone gets its SMS exactly once;
- with a gateway that cannot dedupe, nothing is resent silently: the notices in doubt are shown
  as "sending, outcome unknown", and after the administrator resends them deliberately the
  duplicates are at most the messages that were in flight at the kills.

``HCC_FAULT_KILLS`` kills per run (20 by default; CI uses fewer to keep its time). Needs PostgreSQL
and ``TEST_REDIS_URL``."""

import os
import random
import signal
import subprocess
import sys
import time

import pytest
import redis
from django.urls import reverse

from notifications.loopback_gateway import LoopbackSmsGateway
from notifications.models import Channel, Notification, Status
from notifications.services import notification_create, notifications_sweep
from tests.factories import UserFactory
from tests.notifications.test_worker import ROOT, database_url, stop

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(900)]
NOTICES = 500
CONCURRENCY = 2
KILLS = int(os.environ.get("HCC_FAULT_KILLS", "20"))
SEND_TIME = 0.02  # seconds the gateway takes per message: the window a kill may fall in


def start_worker(redis_url: str, gateway: LoopbackSmsGateway, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "SMS_BACKEND": "http",
        "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_USER": "",
        "SMS_GATEWAY_DEDUPES": "1" if gateway.dedupe else "0",
        "SMS_GATEWAY_READ_TIMEOUT": "5",
        "DJANGO_SETTINGS_MODULE": "hcc.settings",
    }
    return subprocess.Popen(  # noqa: S603 (our own command line)
        [
            *(sys.executable, "-m", "celery", "-A", "hcc", "worker", "-c", str(CONCURRENCY), "-l", "warning"),
            *("--without-mingle", "--without-gossip", "--without-heartbeat"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def until(condition, timeout: float, what: str, log) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")
        time.sleep(0.005)


def kill_points(count: int) -> list[int]:
    """``count`` random numbers of gateway requests, spread over the run, at which to kill."""
    step = (NOTICES - 20) // count
    return [10 + i * step + random.randrange(max(1, step // 2)) for i in range(count)]  # noqa: S311


def in_flight() -> set[int]:
    return set(Notification.objects.filter(status=Status.SENDING).values_list("id", flat=True))


def run_with_kills(path: str, gateway: LoopbackSmsGateway, redis_url: str, settings, log) -> list[int]:
    """Write the notices, deliver them through ``path`` while killing the worker; returns the
    number of notices left "sending" by each kill."""
    settings.SMS_BACKEND, settings.SMS_GATEWAY_URL = "http", gateway.url
    settings.SMS_GATEWAY_DEDUPES = gateway.dedupe  # the sweep's recovery runs here, as in beat
    # While a worker runs, a slow send is not taken for a stuck one; once it is killed, every
    # notice left "sending" is stuck.
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 600
    for n in range(NOTICES):  # autocommit: each is queued to Redis as its own task when written
        notification_create(
            recipient=f"+8490{n:07d}",
            channel=Channel.SMS,
            template_code="dossier.refused",
            context={"code": f"TT-261207-{n:04d}", "reason": "Thiếu giấy tờ"},
            subject_ref=f"dossier:TT-261207-{n:04d}",
            event_id=n,
        )
    if path == "sweep":
        redis.Redis.from_url(redis_url).flushdb()  # only the sweep's batches carry them
        assert notifications_sweep() == NOTICES
    left_sending = []
    for point in kill_points(KILLS):
        worker = start_worker(redis_url, gateway, log)
        try:
            until(lambda point=point: len(gateway.requests) >= point, 120, f"{point} requests", log)
            time.sleep(random.uniform(0, SEND_TIME))  # noqa: S311 (anywhere in a send)
        finally:
            stop(worker, signal.SIGKILL)
        sending = in_flight()
        assert len(sending) <= CONCURRENCY, f"a kill left {len(sending)} notices sending: more than in flight"
        left_sending.append(len(sending))
        settings.NOTIFICATIONS_SENDING_TIMEOUT = 0
        time.sleep(0.01)
        notifications_sweep()  # what beat runs each minute: recover the stuck, queue the pending
        settings.NOTIFICATIONS_SENDING_TIMEOUT = 600
    worker = start_worker(redis_url, gateway, log)
    try:

        def settled():
            if Notification.objects.filter(status__in=[Status.PENDING, Status.SENDING]).exists():
                notifications_sweep()
                time.sleep(0.5)
                return False
            return True

        until(settled, 180, "every notice settled", log)
    finally:
        stop(worker)
    print(f"{path}, dedupe={gateway.dedupe}: {len(left_sending)} kills; left sending at each: {left_sending}")
    return left_sending


@pytest.fixture
def gateway(request):
    gateway = LoopbackSmsGateway(dedupe=request.param, delay=SEND_TIME).start()
    yield gateway
    gateway.stop()


@pytest.mark.parametrize("path", ["per_notice", "sweep"])
@pytest.mark.parametrize("gateway", [True], indirect=True, ids=["idempotent_gateway"])
def test_killed_workers_send_each_sms_exactly_once_through_an_idempotent_gateway(
    transactional_db, on_redis, gateway, settings, tmp_path, path
):
    left_sending = run_with_kills(path, gateway, on_redis, settings, tmp_path / "worker.log")
    assert Notification.objects.filter(status=Status.SENT).count() == NOTICES
    deliveries = gateway.deliveries_to()
    assert len(deliveries) == NOTICES and set(deliveries.values()) == {1}
    assert gateway.duplicates() == 0
    print(f"requests {len(gateway.requests)} for {NOTICES} notices; SMS delivered {len(gateway.delivered)}")
    # The messages cut by a kill were asked again (same key) and answered without a second SMS.
    assert len(gateway.requests) <= NOTICES + sum(left_sending)


@pytest.mark.parametrize("path", ["per_notice", "sweep"])
@pytest.mark.parametrize("gateway", [False], indirect=True, ids=["gateway_without_dedupe"])
def test_killed_workers_leave_only_the_messages_in_flight_in_doubt(
    transactional_db, client, on_redis, gateway, settings, tmp_path, path
):
    log = tmp_path / "worker.log"
    left_sending = run_with_kills(path, gateway, on_redis, settings, log)
    unknown = list(Notification.objects.filter(status=Status.UNKNOWN).values_list("id", flat=True))
    assert len(unknown) <= sum(left_sending)
    assert Notification.objects.filter(status=Status.SENT).count() == NOTICES - len(unknown)
    assert gateway.duplicates() == 0  # nothing was resent by itself

    # The administrator finds them under "sending, outcome unknown" and resends them deliberately.
    client.force_login(UserFactory(role="admin", is_superuser=True, is_staff=True))
    changelist = reverse("admin:notifications_notification_changelist")
    page = client.get(changelist, {"status": "unknown"}).content.decode()
    assert "Đang gửi, chưa rõ kết quả" in page
    if unknown:
        assert "chưa rõ kết quả (bộ gửi dừng khi đang gửi)" in page
        worker = start_worker(on_redis, gateway, log)
        try:
            response = client.post(changelist, {"action": "resend", "_selected_action": unknown}, follow=True)
            assert response.status_code == 200
            until(
                lambda: Notification.objects.filter(status=Status.SENT).count() == NOTICES,
                120,
                "the resends",
                log,
            )
        finally:
            stop(worker)
    deliveries = gateway.deliveries_to()
    print(
        f"outcome unknown {len(unknown)}; SMS delivered {len(gateway.delivered)} for {NOTICES} notices; "
        f"duplicates {gateway.duplicates()} (in flight at the kills: {sum(left_sending)})"
    )
    assert len(deliveries) == NOTICES  # every phone got its SMS
    assert gateway.duplicates() <= sum(left_sending)

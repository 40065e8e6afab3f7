"""A real Celery worker against a real Redis and the test PostgreSQL database delivers notices to
the file backend; killed (SIGKILL) in the middle of a send and restarted, it leaves every SMS
delivered exactly once.

Needs ``TEST_REDIS_URL`` (CI sets ``redis://127.0.0.1:6379/5``): skipped without it locally,
failed without it in CI."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from notifications.models import Channel, Notification, Status
from notifications.services import notification_create, notifications_sweep

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]
ROOT = Path(__file__).resolve().parents[2]
COUNT = 12


def database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'])}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def start_worker(redis_url: str, sms_dir: Path, delay: float, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "SMS_BACKEND": "file",
        "SMS_FILE_DIR": str(sms_dir),
        "SMS_FILE_SEND_DELAY": str(delay),
        "DJANGO_SETTINGS_MODULE": "hcc.settings",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hcc",
            "worker",
            "-c",
            "1",
            "-l",
            "info",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(condition, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-3000:]}")


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    try:
        os.killpg(worker.pid, sig)
    except ProcessLookupError:
        return
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def test_a_worker_killed_mid_send_leaves_no_duplicate_sms(transactional_db, on_redis, settings, tmp_path):
    sms_dir, log = tmp_path / "sms", tmp_path / "worker.log"
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 2
    settings.SMS_BACKEND, settings.SMS_FILE_DIR = "file", str(sms_dir)  # as the worker: it dedupes
    notices = [
        notification_create(
            recipient=f"+8491234{n:04d}",
            channel=Channel.SMS,
            template_code="dossier.refused",
            context={"code": f"TT-261207-{n:04d}", "reason": "Thiếu giấy tờ"},
            subject_ref=f"dossier:TT-261207-{n:04d}",
            event_id=n,
        )
        for n in range(COUNT)
    ]  # autocommit: each is queued to Redis as it is written
    ids = {n.pk for n in notices}

    worker = start_worker(on_redis, sms_dir, delay=3, log=log)
    try:
        wait_for(lambda: sms_dir.exists() and any(sms_dir.glob(".*.tmp")), 90, "a send to start", log)
    finally:
        stop(worker, signal.SIGKILL)  # in the middle of a send: the text written, not yet in place
    assert Notification.objects.filter(status=Status.SENDING).count() == 1
    assert not list(sms_dir.glob("*.sms"))

    worker = start_worker(on_redis, sms_dir, delay=0, log=log)
    try:
        time.sleep(settings.NOTIFICATIONS_SENDING_TIMEOUT + 0.5)
        notifications_sweep()  # what beat runs: recovers the stuck send, re-queues what is pending
        wait_for(
            lambda: Notification.objects.filter(status=Status.SENT).count() == COUNT, 120, "every notice", log
        )
    finally:
        stop(worker)

    delivered = sorted(p.name for p in sms_dir.glob("*.sms"))
    assert delivered == sorted(f"{pk}.sms" for pk in ids)
    for notice in Notification.objects.all():
        assert (
            (sms_dir / f"{notice.pk}.sms").read_text(encoding="utf-8").startswith(f"To: {notice.recipient}\n")
        )
        assert notice.provider_ref == f"{notice.pk}.sms"
    assert Notification.objects.filter(attempts=2).count() >= 1  # the killed send was tried again

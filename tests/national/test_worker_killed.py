"""A real worker process killed mid-batch (PostgreSQL: the worker and the test share the database).
Nothing is lost, nothing is sent twice, each dossier's order is kept."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from freezegun import freeze_time

from national.models import SyncMessage, SyncStatus
from national.services import sync_sweep
from tests.national.test_sync import walk_whole_life

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def worker_env(portal) -> dict:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "NATIONAL_PORTAL_URL": portal.url,
        "NATIONAL_PORTAL_USERNAME": settings.NATIONAL_PORTAL_USERNAME,
        "NATIONAL_PORTAL_PASSWORD": settings.NATIONAL_PORTAL_PASSWORD,
        "NATIONAL_PORTAL_UNIT_CODE": settings.NATIONAL_PORTAL_UNIT_CODE,
        "NATIONAL_SEND_THREADS": "2",
    }


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(world, portal):
    dossiers = [walk_whole_life(world) for _ in range(3)]  # 27 messages
    # The walks happen in a frozen December week; the worker process lives in real time.
    SyncMessage.objects.update(next_attempt_at=timezone.now() - timedelta(days=30))
    portal.state.delay = 0.1  # a slow portal: the batch takes seconds
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "national_sync"],
        cwd=settings.BASE_DIR,
        env=worker_env(portal),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while len(portal.state.received) < 5:
        assert time.monotonic() < deadline and worker.poll() is None
        time.sleep(0.02)
    os.killpg(worker.pid, signal.SIGKILL)  # mid-batch, mid-send
    worker.wait()
    portal.state.delay = 0
    taken = len(portal.state.received)
    assert 5 <= taken < 27
    statuses = set(SyncMessage.objects.values_list("status", flat=True))
    assert SyncStatus.SENDING in statuses  # claimed by the dead worker

    assert sync_sweep()["sent"] == 0  # too early to call the worker dead
    later = timezone.now() + timedelta(seconds=settings.NATIONAL_SENDING_TIMEOUT + 1)
    with freeze_time(later):
        outcome = sync_sweep()
    assert set(SyncMessage.objects.values_list("status", flat=True)) == {SyncStatus.SENT}
    assert (
        outcome["sent"] + SyncMessage.objects.filter(sent_at__lt=later - timedelta(seconds=60)).count() >= 27
    )
    for dossier in dossiers:
        got = [item for code, item in portal.state.received_items() if code == dossier.code]
        expected = [m.payload["data"][0] for m in SyncMessage.objects.filter(dossier=dossier).order_by("id")]
        assert got == expected  # each once, in order
    assert len(portal.state.received) == 27

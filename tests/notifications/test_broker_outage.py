"""A web request never waits on the broker: Redis stopped (a closed port) or hung (a server that
accepts connections and never answers) must not fail or slow a desk intake; the notice stays
pending and goes out when a broker is back (the sweep)."""

import socket
import threading
import time

import pytest
from django.urls import reverse
from kombu import Connection

from dossiers.models import Dossier
from hcc.celery import app
from notifications.backends.sms import MemoryBackend
from notifications.models import Channel, Notification, Status
from notifications.publish import reset_pause
from notifications.services import notifications_sweep
from notifications.tasks import deliver_batch
from tests.dossiers.test_desk_pages import intake_data

INTAKE = reverse("dossiers:desk_intake")


@pytest.fixture
def broker(settings):
    """Celery out of eager mode, publishing to whatever URL the test sets."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    reset_pause()
    yield settings
    app.conf.task_always_eager = True
    reset_pause()


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def hung_server():
    """Accepts TCP connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def intake_through_the_desk(client, world, capture):
    client.force_login(world.clerk)
    assert client.get(f"{INTAKE}?procedure=1.009994").status_code == 200  # the clerk opens the form
    started = time.monotonic()
    with capture(execute=True):
        response = client.post(f"{INTAKE}?procedure=1.009994", intake_data(world.procedure))
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    return Dossier.objects.latest("id"), elapsed


def deliver_when_the_broker_is_back(broker):
    broker.CELERY_BROKER_URL = "memory://"
    reset_pause()  # or wait NOTIFICATIONS_PUBLISH_PAUSE seconds
    queued = notifications_sweep()
    assert queued == Notification.objects.filter(status=Status.PENDING).count() > 0
    with Connection("memory://") as connection:
        queue = connection.SimpleQueue("celery")
        while queue.qsize():
            message = queue.get(timeout=1)
            assert message.headers["task"] == "notifications.tasks.deliver_batch"
            deliver_batch.apply(args=message.payload[0])
            message.ack()
        queue.close()


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_desk_intake_never_waits_on_the_broker(
    outage, client, world, broker, hung_server, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "memory"
    port = closed_port() if outage == "stopped" else hung_server

    # A first intake while the broker works warms up what any first request pays for.
    broker.CELERY_BROKER_URL = "memory://"
    _, baseline = intake_through_the_desk(client, world, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    Connection("memory://").SimpleQueue("celery").clear()
    broker.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/5"

    dossier, elapsed = intake_through_the_desk(client, world, django_capture_on_commit_callbacks)

    # Under two seconds; on a machine so loaded that an intake with a working broker takes longer
    # than that, the outage may add at most half a second to it.
    assert elapsed < max(2.0, baseline + 0.5), (
        f"{elapsed:.2f} s with the broker {outage}, {baseline:.2f} s without"
    )
    notice = Notification.objects.get(template_code="dossier.received", channel=Channel.SMS)
    assert notice.status == Status.PENDING and notice.dossier_code == dossier.code

    deliver_when_the_broker_is_back(broker)
    notice.refresh_from_db()
    assert notice.status == Status.SENT
    assert [m["to"] for m in MemoryBackend.outbox] == ["+84912345678"]

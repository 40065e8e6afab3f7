"""Hand the ids of outbox rows to the workers without ever making a web request wait on the broker.

One helper for every outbox (this app's notices, ``national``'s sync messages). The outbox row is
already committed; publishing is only a nudge. It names the task (``send_task``: this module
imports no task, so tasks → services → publish is no circle), uses its own broker connection with
short connect and socket timeouts and no retries, and any failure is logged, never raised: the
periodic sweep sends what is still pending. After a failure the publisher stops trying for
``NOTIFICATIONS_PUBLISH_PAUSE`` seconds, so one request that writes several rows waits at most one
timeout, and the next requests not at all.
"""

import logging
import time

# The Redis transport and client load here, when the process starts, not inside the first
# request that publishes: their first import (compiling the modules) takes seconds on a cold
# machine.
import kombu.transport.redis  # noqa: F401
from celery import current_app
from django.conf import settings
from kombu import Connection

log = logging.getLogger(__name__)


class Publisher:
    """Queues ``task_name`` over batches of ids of at most ``settings.<batch_setting>``: a worker
    claims and records a batch in one statement each, instead of a round of broker and database
    trips per row. In eager mode (the embedded default, the tests) the batches run here when
    ``run_eagerly``; otherwise eager mode leaves them to the sweep."""

    def __init__(self, task_name: str, *, batch_setting: str, what: str, run_eagerly: bool) -> None:
        self.task_name = task_name
        self.batch_setting = batch_setting
        self.what = what
        self.run_eagerly = run_eagerly
        self.paused_until = 0.0  # monotonic time before which this process does not try the broker

    def reset_pause(self) -> None:
        self.paused_until = 0.0

    def batches(self, ids: list[int]) -> list[list[int]]:
        size = max(1, getattr(settings, self.batch_setting))
        return [ids[start : start + size] for start in range(0, len(ids), size)]

    def _task(self):
        if self.task_name not in current_app.tasks:
            current_app.loader.import_default_modules()  # Celery's autodiscovery of tasks.py
        return current_app.tasks[self.task_name]

    def __call__(self, ids: list[int], *, countdown: float | None = None) -> bool:
        if not ids:
            return True
        if settings.CELERY_TASK_ALWAYS_EAGER:
            if not self.run_eagerly:
                return True
            for batch in self.batches(ids):
                try:
                    self._task().apply(args=[batch], throw=True)
                except Exception:  # a bug in delivery must not fail the action that wrote the row
                    log.exception("eager delivery of %s %s failed", self.what, batch)
            return True
        if time.monotonic() < self.paused_until:
            log.info("broker paused after a failure; %s %s wait for the sweep", self.what, ids[:20])
            return False
        timeout = settings.NOTIFICATIONS_PUBLISH_TIMEOUT
        try:
            with (
                Connection(
                    settings.CELERY_BROKER_URL,
                    connect_timeout=timeout,
                    transport_options={
                        "socket_timeout": timeout,
                        "socket_connect_timeout": timeout,
                        "max_retries": 0,
                        "retry_on_timeout": False,
                    },
                ) as connection,
                connection.Producer() as producer,
            ):
                for batch in self.batches(ids):
                    current_app.send_task(
                        self.task_name, args=[batch], countdown=countdown, producer=producer, retry=False
                    )
            return True
        except Exception as exc:  # broker down or hung: the sweep sends it later
            self.paused_until = time.monotonic() + settings.NOTIFICATIONS_PUBLISH_PAUSE
            log.warning("could not queue %s %s (%s); the sweep will send them", self.what, ids[:20], exc)
            return False


# This app's notices: the sweep is ``notifications.tasks.sweep``.
publish = Publisher(
    "notifications.tasks.deliver_batch",
    batch_setting="NOTIFICATIONS_TASK_BATCH",
    what="notifications",
    run_eagerly=True,
)
reset_pause = publish.reset_pause

"""Hand the ids of outbox rows to the workers without ever making a web request wait on the broker.

One helper for every outbox (this app's notices, ``national``'s sync messages, ``documents``'
digitisations). The row is already committed; publishing is only a nudge. It names the task
(``send_task``: this module imports no task, so tasks → services → publish is no circle), uses its
own broker connection with short connect and socket timeouts and no retries, and any failure is
logged, never raised: the periodic sweep sends what is still pending. After a failure the
publisher stops trying for ``NOTIFICATIONS_PUBLISH_PAUSE`` seconds, so one request that writes
several rows waits at most one timeout, and the next requests not at all.
"""

import logging
import time
from collections.abc import Callable

# The Redis transport and client load here, when the process starts, not inside the first
# request that publishes: their first import (compiling the modules) takes seconds on a cold
# machine.
import kombu.transport.redis  # noqa: F401
from celery import current_app
from django.conf import settings
from kombu import Connection

log = logging.getLogger(__name__)


def run_here(task, args: list) -> None:
    """Eager mode: run the task in the caller; a bug in it must not fail the action that wrote
    the row (the row stays pending and says so; the sweep tries again)."""
    try:
        task.apply(args=args, throw=True)
    except Exception:
        log.exception("eager run of %s%s failed", task.name, args)


class Publisher:
    """Queues ``task_name`` for ids. With ``batch_setting`` the ids go in tasks of at most
    ``settings.<batch_setting>`` (a worker claims and records a batch in one statement each,
    instead of a round of broker and database trips per row); without it, one id a task. In eager
    mode (the embedded default, the tests) ``eager(task, args)`` runs each task (``run_here``, or
    a thread), or nothing when it is None: the sweep or a command sends them."""

    def __init__(
        self,
        task_name: str,
        *,
        what: str,
        batch_setting: str | None = None,
        eager: Callable[..., None] | None = run_here,
    ) -> None:
        self.task_name = task_name
        self.what = what
        self.batch_setting = batch_setting
        self.eager = eager
        self.paused_until = 0.0  # monotonic time before which this process does not try the broker

    def reset_pause(self) -> None:
        self.paused_until = 0.0

    def batches(self, ids: list[int]) -> list[list[int]]:
        if self.batch_setting is None:
            return [[one] for one in ids]
        size = max(1, getattr(settings, self.batch_setting))
        return [ids[start : start + size] for start in range(0, len(ids), size)]

    def _args(self, batch: list[int]) -> list:
        return [batch] if self.batch_setting is not None else batch

    def _task(self):
        if self.task_name not in current_app.tasks:
            current_app.loader.import_default_modules()  # Celery's autodiscovery of tasks.py
        return current_app.tasks[self.task_name]

    def __call__(self, ids: list[int], *, countdown: float | None = None) -> bool:
        if not ids:
            return True
        if settings.CELERY_TASK_ALWAYS_EAGER:
            if self.eager is not None:
                for batch in self.batches(ids):
                    self.eager(self._task(), self._args(batch))
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
                        self.task_name,
                        args=self._args(batch),
                        countdown=countdown,
                        producer=producer,
                        retry=False,
                    )
            return True
        except Exception as exc:  # broker down or hung: the sweep sends it later
            self.paused_until = time.monotonic() + settings.NOTIFICATIONS_PUBLISH_PAUSE
            log.warning("could not queue %s %s (%s); the sweep will send them", self.what, ids[:20], exc)
            return False


# This app's notices: the sweep is ``notifications.tasks.sweep``.
publish = Publisher(
    "notifications.tasks.deliver_batch", what="notifications", batch_setting="NOTIFICATIONS_TASK_BATCH"
)
reset_pause = publish.reset_pause

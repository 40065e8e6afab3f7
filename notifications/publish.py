"""Hand a notice's id to the workers without ever making a web request wait on the broker.

The outbox row is already committed; publishing is only a nudge. It uses its own broker
connection with short connect and socket timeouts and no retries, and any failure is logged, never
raised: the periodic sweep (``notifications.tasks.sweep``) sends what is still pending. After a
failure the process stops trying for ``NOTIFICATIONS_PUBLISH_PAUSE`` seconds, so one request that
writes several notices waits at most one timeout, and the next requests not at all.
"""

import logging
import time

# The Redis transport and client load here, when the process starts, not inside the first
# request that publishes: their first import (compiling the modules) takes seconds on a cold
# machine.
import kombu.transport.redis  # noqa: F401
from django.conf import settings
from kombu import Connection

log = logging.getLogger(__name__)
_paused_until = 0.0  # monotonic time before which this process does not try the broker


def reset_pause() -> None:
    global _paused_until
    _paused_until = 0.0


def batches(notification_ids: list[int]) -> list[list[int]]:
    """The ids in tasks of at most ``NOTIFICATIONS_TASK_BATCH``: a worker claims and records a
    batch in one statement each, instead of a round of broker and database trips per notice."""
    size = max(1, settings.NOTIFICATIONS_TASK_BATCH)
    return [notification_ids[start : start + size] for start in range(0, len(notification_ids), size)]


def publish(notification_ids: list[int], *, countdown: float | None = None) -> bool:
    from notifications.tasks import deliver_batch

    if not notification_ids:
        return True
    if settings.CELERY_TASK_ALWAYS_EAGER:
        for batch in batches(notification_ids):
            try:
                deliver_batch.apply(args=[batch], throw=True)
            except Exception:  # a bug in delivery must not fail the action that wrote the notice
                log.exception("eager delivery of notifications %s failed", batch)
        return True
    global _paused_until
    if time.monotonic() < _paused_until:
        log.info("broker paused after a failure; notifications %s wait for the sweep", notification_ids)
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
            for batch in batches(notification_ids):
                deliver_batch.apply_async(args=[batch], countdown=countdown, producer=producer, retry=False)
        return True
    except Exception as exc:  # broker down or hung: the sweep sends it later
        _paused_until = time.monotonic() + settings.NOTIFICATIONS_PUBLISH_PAUSE
        log.warning("could not queue notifications %s (%s); the sweep will send them", notification_ids, exc)
        return False

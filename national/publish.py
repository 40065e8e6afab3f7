"""Hand sync messages to the workers without a request ever waiting on the broker.

The outbox row is already committed; publishing is only a nudge, with short time-outs and no
retries; any failure is logged, never raised, and the periodic sweep (``national.tasks.sweep``)
sends what is still pending. In eager mode (the embedded default, the tests) nothing is sent from
the request: ``manage.py national_sync`` (``--loop`` in ``make run``) does it.
"""

import logging
import time

from django.conf import settings
from kombu import Connection

log = logging.getLogger(__name__)
_paused_until = 0.0


def batches(message_ids: list[int]) -> list[list[int]]:
    size = max(1, settings.NATIONAL_TASK_BATCH)
    return [message_ids[start : start + size] for start in range(0, len(message_ids), size)]


def publish(message_ids: list[int], *, countdown: float | None = None) -> bool:
    from national.tasks import deliver_batch

    if not message_ids or settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    global _paused_until
    if time.monotonic() < _paused_until:
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
            for batch in batches(message_ids):
                deliver_batch.apply_async(args=[batch], countdown=countdown, producer=producer, retry=False)
        return True
    except Exception as exc:  # broker down or hung: the sweep sends it later
        _paused_until = time.monotonic() + settings.NOTIFICATIONS_PUBLISH_PAUSE
        log.warning("could not queue sync messages %s (%s); the sweep will send them", message_ids[:20], exc)
        return False

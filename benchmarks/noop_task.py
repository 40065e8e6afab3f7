"""A task that only adds one to a Redis counter: ``bench_notifications.py`` loads it into the
worker (``--include benchmarks.noop_task``) to measure the worker's own ceiling."""

import time

import redis
from celery import shared_task
from django.conf import settings

COUNTER = "bench:noop"
STARTED = "bench:noop:started"  # when the first task ran (Unix time)
_client = None


@shared_task(ignore_result=True)
def bump() -> None:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    pipe = _client.pipeline(transaction=False)  # one round trip
    pipe.set(STARTED, time.time(), nx=True)
    pipe.incr(COUNTER)
    pipe.execute()

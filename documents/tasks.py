"""Digitisation in the background: OCR of the desk's scans, signing and storing results.

Each task takes an id and calls a service that claims the row (queued → running) under a lock,
so a message delivered twice does nothing the second time. ``dispatch`` is called on commit: with
a broker it publishes with the short timeouts of the settings and never fails the request (the
sweep queues again what is still queued); in the embedded default (tasks eager) it runs the work
in a thread of the web process when ``HCC_DIGITISE_IN_BACKGROUND`` is on (``make run``), so the
clerk's page never waits for OCR, and in the caller otherwise (tests).
"""

import logging
import threading
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=30)  # longer than any OCR of a dossier takes


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def digitise(digitisation_id: int) -> None:
    from documents.services import digitisation_run

    digitisation_run(digitisation_id=digitisation_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def store_result(digitisation_id: int) -> None:
    from documents.services import result_store

    result_store(digitisation_id=digitisation_id)


TASKS = {"digitise": digitise, "result": store_result}


def _in_thread(task, digitisation_id: int) -> None:
    def run():
        try:
            task.apply(args=[digitisation_id], throw=True)
        except Exception:  # the row stays queued or failed, shown on the dossier page; the sweep retries
            log.exception("background digitisation %s failed", digitisation_id)
        finally:
            close_old_connections()

    threading.Thread(target=run, name=f"digitise-{digitisation_id}", daemon=True).start()


def dispatch(name: str, digitisation_id: int) -> None:
    task = TASKS[name]
    if settings.CELERY_TASK_ALWAYS_EAGER:
        if settings.HCC_DIGITISE_IN_BACKGROUND:
            _in_thread(task, digitisation_id)
        else:
            try:
                task.apply(args=[digitisation_id], throw=True)
            except Exception:  # a bug here must not fail the intake that queued it; the row says so
                log.exception("digitisation %s failed", digitisation_id)
        return
    try:
        task.apply_async(args=[digitisation_id], retry=False)
    except Exception as exc:  # broker down or hung: the sweep queues it again
        log.warning("could not queue digitisation %s (%s); the sweep will", digitisation_id, exc)


@shared_task
def sweep() -> int:
    """Beat, every few minutes: queue again digitisations still queued (a lost message) or left
    running by a worker that died."""
    from documents.models import Digitisation, DigitisationState

    stale = timezone.now() - STALE_AFTER
    Digitisation.objects.filter(state=DigitisationState.RUNNING, created_at__lt=stale, attempts__lt=5).update(
        state=DigitisationState.QUEUED
    )
    pending = list(
        Digitisation.objects.filter(
            state=DigitisationState.QUEUED, created_at__lt=timezone.now() - timedelta(minutes=1)
        ).values_list("pk", "is_result")[:200]
    )
    for pk, is_result in pending:
        dispatch("result" if is_result else "digitise", pk)
    return len(pending)

"""Digitisation in the background: OCR of the desk's scans, signing and storing results.

Each task takes an id and calls a service that claims the row (queued → running) under a lock,
so a message delivered twice does nothing the second time. They are queued on commit by
``documents.publish.dispatch``, by name (this module is not imported to publish).
"""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from documents import publish

STALE_AFTER = timedelta(minutes=30)  # longer than any OCR of a dossier takes


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def digitise(digitisation_id: int) -> None:
    from documents.services import digitisation_run

    digitisation_run(digitisation_id=digitisation_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def store_result(digitisation_id: int) -> None:
    from documents.services import result_store

    result_store(digitisation_id=digitisation_id)


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
        publish.dispatch("result" if is_result else "digitise", pk)
    return len(pending)

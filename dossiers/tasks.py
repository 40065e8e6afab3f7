import logging

from celery import shared_task
from django.conf import settings

from dossiers.files import purge_abandoned_uploads as purge

log = logging.getLogger(__name__)


@shared_task
def purge_abandoned_uploads() -> int:
    """Files of online submissions left unfinished for longer than a session lives."""
    removed = purge(root=settings.MEDIA_ROOT, older_than_seconds=settings.SESSION_COOKIE_AGE)
    if removed:
        log.info("removed %s abandoned online-submission folders", removed)
    return removed


@shared_task
def purge_submitted_requests() -> int:
    """Beat, hourly: one-time tokens and Idempotency-Keys older than ``IDEMPOTENCY_HOURS``."""
    from dossiers.once import purge_submitted

    return purge_submitted()


@shared_task
def send_daily_digests() -> int:
    """Beat, each morning: the agencies' digests of due and overdue steps (working days only)."""
    from dossiers.notices import send_daily_digests as send

    return send()


@shared_task
def add_year_partitions() -> list[str]:
    """Beat, daily: this year's and next year's partitions of the event log on PostgreSQL (next
    year's is there from the first run of the year, so well before December ends; a year whose
    events waited in the default partition gets its own and they move into it)."""
    from dossiers.partitions import ensure_coming_partitions

    made = ensure_coming_partitions()
    if made:
        log.info("made partitions %s", ", ".join(made))
    return made

from celery import shared_task

from payments.services import payments_check_pending


@shared_task(ignore_result=True)
def check_pending() -> dict[str, int]:
    """Celery beat: ask the gateway about payments that got no callback (idempotent)."""
    return payments_check_pending()

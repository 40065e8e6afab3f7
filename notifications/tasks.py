from celery import shared_task
from django.db import close_old_connections

from notifications.services import notification_deliver, notifications_sweep


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver(self, notification_id: int) -> str:
    """Send one notice. Idempotent: only the worker that claims the row sends it."""
    if not self.request.is_eager and not self.request.called_directly:
        close_old_connections()  # reused across tasks (CELERY_DB_REUSE_MAX): drop a broken one
    return notification_deliver(notification_id)


@shared_task(ignore_result=True)
def sweep() -> int:
    """Beat: send what is still pending, recover sends stuck after a worker died."""
    return notifications_sweep()

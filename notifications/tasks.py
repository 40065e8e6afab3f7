from celery import shared_task
from django.db import close_old_connections, connection

from notifications.services import notification_deliver, notifications_deliver, notifications_sweep
from web.pooling import transaction_pooled

_tuned_connection: int | None = None


def _relax_commit_durability() -> None:
    """A worker's outbox bookkeeping does not wait for the disk on each commit (PostgreSQL's
    ``synchronous_commit = off`` for this session: two commits a notice cost two disk flushes, most
    of a delivery's time). A commit lost in a database crash leaves the row pending or sending; the
    sweep sends it again under the same provider reference, which the file backend and the gateway
    (idempotency key) recognise, so nothing is sent twice. Web requests keep full durability.

    Not behind PgBouncer in transaction mode (``web.pooling``): the setting would stay on a server
    session that web requests then commit on; the worker keeps full durability there."""
    global _tuned_connection
    if connection.vendor != "postgresql" or transaction_pooled(connection):
        return
    connection.ensure_connection()
    if _tuned_connection == id(connection.connection):
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    _tuned_connection = id(connection.connection)


def _prepare(request) -> None:
    if not request.is_eager and not request.called_directly:
        close_old_connections()  # reused across tasks (CELERY_DB_REUSE_MAX): drop a broken one
        _relax_commit_durability()


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_batch(self, notification_ids: list[int]) -> dict[str, int]:
    """Send the notices of one batch (``publish`` groups them). Idempotent: a notice is sent only
    by the worker that claims its row."""
    _prepare(self.request)
    return notifications_deliver(notification_ids)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver(self, notification_id: int) -> str:
    """Send one notice (messages queued before batches existed are still understood)."""
    _prepare(self.request)
    return notification_deliver(notification_id)


@shared_task(ignore_result=True)
def sweep() -> int:
    """Beat: send what is still pending, recover sends stuck after a worker died."""
    return notifications_sweep()

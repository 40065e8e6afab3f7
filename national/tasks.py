from celery import shared_task
from django.db import close_old_connections

from national.services import relax_commit_durability, sync_deliver, sync_sweep


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_batch(self, message_ids: list[int]) -> dict[str, int]:
    """Send one batch of sync messages, in order per dossier. Idempotent: a message is sent only
    by the worker that claims it, and recorded as sent as soon as its answer returns."""
    if not self.request.is_eager and not self.request.called_directly:
        close_old_connections()
        relax_commit_durability()
        return sync_deliver(message_ids, relaxed=True)
    return sync_deliver(message_ids)


@shared_task(ignore_result=True)
def sweep() -> dict[str, int]:
    """Beat: recover messages stuck in sending and queue everything still pending."""
    return sync_sweep()


@shared_task(ignore_result=True)
def catalog_pull() -> int:
    """Beat (daily): fetch the national catalog and write a change report to approve."""
    from national.catalog import catalog_pull as pull

    return pull().pk

from celery import shared_task

from privacy.retention import retention_sweep


@shared_task(ignore_result=True)
def sweep_retention() -> dict[str, int]:
    """Daily (beat): remove the records past their retention period (``privacy/retention.py``)."""
    return {swept.kind: swept.count for swept in retention_sweep(dry_run=False)}

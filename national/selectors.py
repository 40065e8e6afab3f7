"""Reads of the sync outbox: the reconciliation per day and a dossier's sync history."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from national.models import SyncMessage, SyncStatus

STATUS_COLUMNS = ("sent", "refused", "failed", "pending")


def reconciliation(date_from: date, date_to: date) -> tuple[list[dict], dict]:
    """Per day (the day of the event, local time) from ``date_from`` to ``date_to``: dossiers and
    messages queued, and messages accepted, refused, failed and still pending (or sending). Rows of
    every day, empty days included, and the totals. Not scoped: the page and the command are for
    managers and administrators of the whole province."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), zone)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), zone)
    counts = (
        SyncMessage.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(
            messages=Count("id"),
            dossiers=Count("dossier_id", distinct=True),
            sent=Count("id", filter=Q(status=SyncStatus.SENT)),
            refused=Count("id", filter=Q(status=SyncStatus.REFUSED)),
            failed=Count("id", filter=Q(status=SyncStatus.FAILED)),
            pending=Count("id", filter=Q(status__in=[SyncStatus.PENDING, SyncStatus.SENDING])),
        )
    )
    by_day = {row["day"]: row for row in counts}
    empty = dict.fromkeys(("messages", "dossiers", *STATUS_COLUMNS), 0)
    rows = []
    day = date_from
    while day <= date_to:
        rows.append({**empty, **by_day.get(day, {}), "day": day})
        day += timedelta(days=1)
    totals = {key: sum(row[key] for row in rows) for key in ("messages", *STATUS_COLUMNS)}
    totals["dossiers"] = (
        SyncMessage.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("dossier_id")
        .distinct()
        .count()
    )
    return rows, totals


def history_of(dossier) -> list[SyncMessage]:
    """The dossier's messages, oldest first (the page that asks has checked the dossier is visible)."""
    return list(SyncMessage.objects.filter(dossier=dossier).order_by("id"))


def problems(limit: int = 50) -> list[SyncMessage]:
    """Refused and failed messages, newest first: what holds dossiers back."""
    return list(
        SyncMessage.objects.filter(status__in=[SyncStatus.REFUSED, SyncStatus.FAILED]).order_by("-id")[:limit]
    )

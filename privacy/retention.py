"""How long each kind of personal record is kept, and the sweep that removes what has passed it.

| record | kept | then |
|---|---|---|
| one-time codes (``accounts.ContactCode``) | 30 days | deleted |
| sent SMS / e-mail notices (``notifications.Notification``, sent or failed) | 365 days | deleted |
| login attempts (django-axes ``AccessAttempt``, ``AccessLog``, ``AccessFailureLog``) | 90 days | deleted |
| access record (``privacy.AccessRecord``) | 5 years | deleted |
| dossiers, their files and events | the archive period of their procedure | not touched here |

``PRIVACY_RETENTION_DAYS`` (a dict in settings) overrides a period. Dossiers are records of the
State: they are kept and archived by the archive rules, never removed by this sweep.
"""

from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import ContactCode
from notifications.models import Notification
from notifications.models import Status as NoticeStatus
from privacy.models import AccessRecord

DEFAULT_DAYS = {
    "contact_codes": 30,
    "notifications": 365,
    "login_attempts": 90,
    "access_records": 5 * 365,
}


@dataclass
class Swept:
    kind: str
    days: int
    count: int


def _querysets(now):
    days = {**DEFAULT_DAYS, **getattr(settings, "PRIVACY_RETENTION_DAYS", {})}

    def before(kind):
        return now - timedelta(days=days[kind])

    return days, [
        ("contact_codes", ContactCode.objects.filter(created_at__lt=before("contact_codes"))),
        (
            "notifications",
            Notification.objects.filter(
                created_at__lt=before("notifications"),
                status__in=[NoticeStatus.SENT, NoticeStatus.FAILED],
            ),
        ),
        ("login_attempts", AccessAttempt.objects.filter(attempt_time__lt=before("login_attempts"))),
        ("login_attempts", AccessLog.objects.filter(attempt_time__lt=before("login_attempts"))),
        ("login_attempts", AccessFailureLog.objects.filter(attempt_time__lt=before("login_attempts"))),
        ("access_records", AccessRecord.objects.filter(at__lt=before("access_records"))),
    ]


def retention_sweep(*, dry_run: bool, now=None) -> list[Swept]:
    """Remove every record past its period (or, with ``dry_run``, only count them)."""
    now = now or timezone.now()
    days, querysets = _querysets(now)
    totals: dict[str, int] = {}
    with transaction.atomic():
        for kind, queryset in querysets:
            if dry_run:
                count = queryset.count()
            else:  # a bulk delete: the one way access records go, once past their period
                count, _detail = queryset.delete()
            totals[kind] = totals.get(kind, 0) + count
    return [Swept(kind, days[kind], totals.get(kind, 0)) for kind in DEFAULT_DAYS]

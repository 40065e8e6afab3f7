"""Writes to the outbox: create a notice (in the caller's transaction, queued on commit), claim and
deliver it (one worker wins), retry with capped backoff, recover stuck sends, resend."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template import Context, Engine
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import backends, defaults, sms
from notifications.models import Channel, MessageTemplate, Notification, OptOut, Status
from notifications.publish import publish

log = logging.getLogger(__name__)
_ENGINE = Engine(autoescape=False)


class NotificationError(ValidationError):
    """A notice that cannot be made: nothing was written."""


def _render(text: str, context: dict) -> str:
    return _ENGINE.from_string(text).render(Context(context)).strip()


def normalize_address(channel: str, address: str) -> str:
    address = (address or "").strip()
    return address.lower() if channel == Channel.EMAIL else address.replace(" ", "")


def is_opted_out(channel: str, address: str) -> bool:
    return OptOut.objects.filter(channel=channel, address=normalize_address(channel, address)).exists()


def sms_sample(sms_body: str) -> str:
    """An SMS template rendered with ``defaults.SAMPLE_CONTEXT``, whitespace folded (not cut): what
    the admin counts the parts of."""
    return " ".join(_render(sms_body, defaults.SAMPLE_CONTEXT).split())


def render(template_code: str, channel: str, context: dict) -> tuple[str, str]:
    """(subject, body) of a template for a channel."""
    template = MessageTemplate.objects.filter(code=template_code).first()
    if template is None:
        if template_code not in defaults.BY_CODE:
            raise NotificationError(_("Không có mẫu thông báo %(code)s.") % {"code": template_code})
        code, name, sms_body, email_subject, email_body = defaults.BY_CODE[template_code]
        template = MessageTemplate(
            code=code, name=name, sms_body=sms_body, email_subject=email_subject, email_body=email_body
        )
    if channel == Channel.SMS:
        body = _render(template.sms_body, context)
        return "", sms.fit(body, max_parts=settings.SMS_MAX_PARTS, strip=settings.SMS_STRIP_DIACRITICS)
    return _render(template.email_subject, context)[:300], _render(template.email_body, context)


def notification_create(
    *,
    recipient: str,
    channel: str,
    template_code: str,
    context: dict,
    subject_ref: str = "",
    dossier_code: str = "",
    event_id: int = 0,
) -> Notification | None:
    """Write a pending notice and queue it when the caller's transaction commits. Returns the
    existing row if this (subject, event, template, channel, recipient) was already written, and
    ``None`` when the address opted out of the channel or is empty."""
    recipient = normalize_address(channel, recipient)
    if not recipient or is_opted_out(channel, recipient):
        return None
    key = {
        "subject_ref": subject_ref,
        "event_id": event_id,
        "template_code": template_code,
        "channel": channel,
        "recipient": recipient,
    }
    existing = Notification.objects.filter(**key).first()
    if existing:
        return existing
    subject, body = render(template_code, channel, context)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                **key, context=context, subject=subject, body=body, dossier_code=dossier_code
            )
    except IntegrityError:  # written meanwhile by a concurrent transaction
        return Notification.objects.get(**key)
    transaction.on_commit(lambda: publish([notification.pk]))
    return notification


def notification_claim(notification_id: int) -> bool:
    """Move the notice from pending to sending; True for the one caller that wins."""
    now = timezone.now()
    return bool(
        Notification.objects.filter(
            pk=notification_id, status=Status.PENDING, next_attempt_at__lte=now
        ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _claim_and_fetch(notification_ids: list[int]) -> list[Notification]:
    """``notification_claim`` of each id and the rows won, in one statement on PostgreSQL."""
    if connection.vendor != "postgresql":
        won = [pk for pk in notification_ids if notification_claim(pk)]
        return list(Notification.objects.filter(pk__in=won).order_by("id"))
    table = connection.ops.quote_name(Notification._meta.db_table)  # our own table's name
    now = timezone.now()
    rows = Notification.objects.raw(
        f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608  # nosec B608
        "WHERE id = ANY(%s) AND status = %s AND next_attempt_at <= %s RETURNING *",
        [Status.SENDING, now, list(notification_ids), Status.PENDING, now],
    )
    return sorted(rows, key=lambda row: row.pk)


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: doubles from ``NOTIFICATIONS_RETRY_BASE`` up to the cap."""
    seconds = settings.NOTIFICATIONS_RETRY_BASE * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.NOTIFICATIONS_RETRY_CAP))


def _record_failure(notification: Notification, exc: Exception) -> str:
    """A provider error is kept on the row: retried later with backoff, or failed for good."""
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    log.warning("notification %s attempt %s failed: %s", notification.pk, notification.attempts, error)
    if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        Notification.objects.filter(pk=notification.pk).update(status=Status.FAILED, last_error=error)
        return "failed"
    wait = backoff(notification.attempts)
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.PENDING, last_error=error, next_attempt_at=timezone.now() + wait
    )
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        publish([notification.pk], countdown=wait.total_seconds())
    return "retry"


def notifications_deliver(notification_ids: list[int]) -> dict[str, int]:
    """Claim the notices that are still pending (one statement), send each, and record those sent
    (one statement). Returns how many were ``sent``, set to ``retry``, ``failed`` or ``skipped``
    (another worker has it, it is done, or not due yet).

    A crash after some sends and before the record leaves those rows ``sending``: the sweep puts
    them back after ``NOTIFICATIONS_SENDING_TIMEOUT`` and the next send carries the same provider
    reference, which the file backend and the gateway recognise, so nothing goes out twice."""
    outcomes = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    claimed = _claim_and_fetch(notification_ids)
    outcomes["skipped"] = len(notification_ids) - len(claimed)
    sent = []
    for notification in claimed:
        try:
            provider_ref = backends.send(notification)
        except Exception as exc:  # every provider error is recorded on the row and retried
            outcomes[_record_failure(notification, exc)] += 1
            continue
        notification.status = Status.SENT
        notification.provider_ref = provider_ref[:120]
        notification.sent_at = timezone.now()
        notification.last_error = ""
        sent.append(notification)
    if sent:
        Notification.objects.bulk_update(sent, ["status", "provider_ref", "sent_at", "last_error"])
    outcomes["sent"] = len(sent)
    return outcomes


def notification_deliver(notification_id: int) -> str:
    """Claim, send, record one notice. Returns its outcome: ``sent``, ``retry``, ``failed`` or
    ``skipped``."""
    outcomes = notifications_deliver([notification_id])
    return next(outcome for outcome, count in outcomes.items() if count)


def notifications_recover_stuck() -> int:
    """Notices left in ``sending`` longer than ``NOTIFICATIONS_SENDING_TIMEOUT`` (a worker died
    mid-send) go back to pending. Sending them again does not duplicate them: the provider sees
    the same reference (file name, gateway reference) and keeps the first."""
    limit = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    return Notification.objects.filter(status=Status.SENDING, claimed_at__lt=limit).update(
        status=Status.PENDING, next_attempt_at=timezone.now()
    )


def notifications_sweep(*, batch: int = 500) -> int:
    """Recover stuck sends and queue (or, in eager mode, send) every pending notice that is due."""
    notifications_recover_stuck()
    ids = list(
        Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:batch]
    )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        notifications_deliver(ids)
    else:
        publish(ids)
    return len(ids)


@transaction.atomic
def notification_resend(*, actor, notification: Notification) -> Notification:
    """Send a sent or failed notice again (an administrator's action): a new reference, so the
    provider delivers it again."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status not in (Status.SENT, Status.FAILED):
        raise NotificationError(_("Thông báo đang chờ gửi hoặc đang gửi, không cần gửi lại."))
    notification.status = Status.PENDING
    notification.attempts = 0
    notification.resends += 1
    notification.last_error = ""
    notification.next_attempt_at = timezone.now()
    notification.save()
    log.info("notification %s resent by %s", notification.pk, actor)
    transaction.on_commit(lambda: publish([notification.pk]))
    return notification


@transaction.atomic
def optout_set(*, channel: str, address: str, opted_out: bool) -> None:
    """Stop (or resume) notices on ``channel`` to ``address``."""
    address = normalize_address(channel, address)
    if not address:
        return
    if opted_out:
        OptOut.objects.get_or_create(channel=channel, address=address)
    else:
        OptOut.objects.filter(channel=channel, address=address).delete()

"""Writes to the outbox: create a notice (in the caller's transaction, queued on commit), claim and
deliver it (one worker wins), retry with capped backoff, recover stuck sends, resend."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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


def _claim(notification: Notification) -> bool:
    """``notification_claim`` of a row already read, brought up to date in memory when won."""
    now = timezone.now()
    won = Notification.objects.filter(
        pk=notification.pk, status=Status.PENDING, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if won:
        notification.status, notification.claimed_at = Status.SENDING, now
        notification.attempts += 1
    return bool(won)


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: doubles from ``NOTIFICATIONS_RETRY_BASE`` up to the cap."""
    seconds = settings.NOTIFICATIONS_RETRY_BASE * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.NOTIFICATIONS_RETRY_CAP))


def _record_failure(notification: Notification, exc: Exception) -> str:
    """A provider error is kept on the row: retried later with backoff, or failed for good."""
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    log.warning("notification %s attempt %s failed: %s", notification.pk, notification.attempts, error)
    if isinstance(exc, backends.DeliveryOutcomeUnknown) and not backends.dedupes(notification.channel):
        # sent again, it might arrive twice: an administrator decides (see notifications_recover_stuck)
        Notification.objects.filter(pk=notification.pk).update(status=Status.UNKNOWN, last_error=error)
        return "unknown"
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
    """Send the notices of ``notification_ids`` that are still pending and due, one after the
    other: each is claimed (pending → sending) just before its own send and recorded as sent as
    soon as that send returns. Returns how many were ``sent``, set to ``retry``, ``failed``,
    ``unknown`` (no answer after sending, to a provider that cannot dedupe) or ``skipped``
    (another worker has it, it is done, or not due yet).

    So a notice is "sending" only while its message is in flight: a worker killed at any point
    leaves at most the one message it was sending in doubt, never the rest of its batch (issue 26:
    a batch recorded only at its end was sent again whole). What becomes of a notice left
    "sending" is ``notifications_recover_stuck``'s choice."""
    outcomes = {"sent": 0, "retry": 0, "failed": 0, "unknown": 0, "skipped": 0}
    candidates = Notification.objects.filter(
        pk__in=notification_ids, status=Status.PENDING, next_attempt_at__lte=timezone.now()
    ).order_by("id")
    for notification in candidates:
        if not _claim(notification):
            continue
        try:
            provider_ref = backends.send(notification)
        except Exception as exc:  # every provider error is recorded on the row and retried
            outcomes[_record_failure(notification, exc)] += 1
            continue
        Notification.objects.filter(pk=notification.pk, status=Status.SENDING).update(
            status=Status.SENT, provider_ref=provider_ref[:120], sent_at=timezone.now(), last_error=""
        )
        outcomes["sent"] += 1
    outcomes["skipped"] = len(notification_ids) - sum(outcomes.values())
    return outcomes


def notification_deliver(notification_id: int) -> str:
    """Claim, send, record one notice. Returns its outcome: ``sent``, ``retry``, ``failed``,
    ``unknown`` or ``skipped``."""
    outcomes = notifications_deliver([notification_id])
    return next(outcome for outcome, count in outcomes.items() if count)


def notifications_recover_stuck() -> int:
    """Notices left "sending" longer than ``NOTIFICATIONS_SENDING_TIMEOUT``: a worker died while
    their message was in flight, and whether the provider got it is not known.

    Where the channel's provider drops a repeat of the same reference (``backends.dedupes``: the
    file backend, a gateway declared with ``SMS_GATEWAY_DEDUPES=1``), they go back to pending and
    are sent again under that reference: delivered exactly once. Otherwise they become "sending,
    outcome unknown" for an administrator to check with the provider and resend deliberately (or
    mark as sent): never resent silently. Returns how many rows were moved."""
    now = timezone.now()
    stuck = Notification.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    )
    retried_channels = [channel for channel in Channel.values if backends.dedupes(channel)]
    retried = stuck.filter(channel__in=retried_channels).update(status=Status.PENDING, next_attempt_at=now)
    unknown = stuck.exclude(channel__in=retried_channels).update(
        status=Status.UNKNOWN,
        last_error="The worker stopped while this message was being sent: the provider may have it.",
    )
    if unknown:
        log.warning("%s notifications left sending by a stopped worker: outcome unknown", unknown)
    return retried + unknown


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
    """Send a sent, failed or "outcome unknown" notice again (an administrator's deliberate
    action): a new reference, so the provider delivers it again even if it had the first."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status not in (Status.SENT, Status.FAILED, Status.UNKNOWN):
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
def notification_mark_sent(*, actor, notification: Notification) -> Notification:
    """An administrator found in the provider's report that a notice whose outcome was unknown was
    delivered: record it as sent, nothing is sent again."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status != Status.UNKNOWN:
        raise NotificationError(_("Chỉ đánh dấu đã gửi được thông báo chưa rõ kết quả."))
    notification.status = Status.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "last_error"])
    log.info("notification %s marked sent by %s", notification.pk, actor)
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

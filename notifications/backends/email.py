"""Email through Django's email backends (console in development, SMTP in production)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid

from notifications.backends.base import DeliveryError


def send_email(notification) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "localhost"
    message_id = make_msgid(idstring=f"hcc-notification-{notification.idempotency_key}", domain=domain)
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={"Message-ID": message_id, "X-HCC-Notification": notification.idempotency_key},
    )
    try:
        message.send(fail_silently=False)
    except OSError as exc:
        raise DeliveryError(f"email: {exc}") from exc
    return message_id

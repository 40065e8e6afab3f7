"""Where a notice goes. ``send(notification)`` returns the provider's reference or raises
``DeliveryError``; every backend uses ``notification.idempotency_key`` so that a send repeated
after a crash is recognised and not delivered twice (the file backend and a gateway that honours
the reference)."""

from django.conf import settings
from django.utils.module_loading import import_string

from notifications.backends.base import DeliveryError, DeliveryOutcomeUnknown, SmsBackend
from notifications.models import Channel

SMS_BACKENDS = {
    "console": "notifications.backends.sms.ConsoleBackend",
    "file": "notifications.backends.sms.FileBackend",
    "memory": "notifications.backends.sms.MemoryBackend",
    "http": "notifications.backends.sms.HttpGatewayBackend",
}


def sms_backend() -> SmsBackend:
    name = settings.SMS_BACKEND
    return import_string(SMS_BACKENDS.get(name, name))()


def dedupes(channel: str) -> bool:
    """Whether the provider of ``channel`` drops a message whose reference it already had, so that
    a send repeated after a worker died in the middle is safe. E-mail: no (SMTP servers deliver a
    repeated Message-ID)."""
    if channel == Channel.SMS:
        return sms_backend().dedupes
    return False


def send(notification) -> str:
    if notification.channel == Channel.SMS:
        return sms_backend().send(notification)
    from notifications.backends.email import send_email

    return send_email(notification)


__all__ = ["DeliveryError", "DeliveryOutcomeUnknown", "SmsBackend", "dedupes", "send", "sms_backend"]

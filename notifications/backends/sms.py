"""SMS backends: console, one file per notice, in-memory for tests, an HTTP gateway."""

import json
import logging
import os
import sys
import time
from pathlib import Path

import requests
from django.conf import settings
from urllib3.exceptions import NewConnectionError

from notifications.backends.base import DeliveryError, DeliveryOutcomeUnknown, SmsBackend

log = logging.getLogger(__name__)


class ConsoleBackend(SmsBackend):
    def send(self, notification) -> str:
        sys.stdout.write(
            f"SMS #{notification.idempotency_key} to {notification.recipient}: {notification.body}\n"
        )
        sys.stdout.flush()
        return f"console-{notification.idempotency_key}"


class FileBackend(SmsBackend):
    """One file per notice, named by its reference, in ``SMS_FILE_DIR``. The text is written to a
    temporary file and renamed into place, so a file is whole or absent; a send repeated after a
    crash finds the file and writes nothing. ``SMS_FILE_SEND_DELAY`` (seconds) waits before the
    rename: the tests kill a worker in that window."""

    dedupes = True

    def send(self, notification) -> str:
        folder = Path(settings.SMS_FILE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{notification.idempotency_key}.sms"
        if final.exists():
            return final.name
        temporary = folder / f".{notification.idempotency_key}.{os.getpid()}.tmp"
        temporary.write_text(f"To: {notification.recipient}\n\n{notification.body}\n", encoding="utf-8")
        if settings.SMS_FILE_SEND_DELAY:
            time.sleep(settings.SMS_FILE_SEND_DELAY)
        os.replace(temporary, final)
        return final.name


class MemoryBackend(SmsBackend):
    """Keeps what was sent in ``MemoryBackend.outbox`` (tests)."""

    outbox: list[dict] = []

    def send(self, notification) -> str:
        self.outbox.append(
            {"to": notification.recipient, "text": notification.body, "ref": notification.idempotency_key}
        )
        return f"memory-{notification.idempotency_key}"


def _fill(shape, values: dict[str, str]):
    if isinstance(shape, str):
        return shape.format(**values)
    if isinstance(shape, dict):
        return {key: _fill(value, values) for key, value in shape.items()}
    if isinstance(shape, list):
        return [_fill(value, values) for value in shape]
    return shape


class HttpGatewayBackend(SmsBackend):
    """POSTs JSON to ``SMS_GATEWAY_URL``. ``SMS_GATEWAY_PAYLOAD`` is the body's shape, a JSON object
    whose strings may name ``{to}``, ``{text}``, ``{ref}``, ``{brandname}``, ``{user}``,
    ``{password}``; ``{ref}`` is the notice's reference, which the gateway uses to drop a repeat.
    The provider's message id is read from ``SMS_GATEWAY_RESPONSE_ID`` in the JSON answer. The
    reference is also sent as the ``Idempotency-Key`` header; ``SMS_GATEWAY_DEDUPES=1`` declares
    that the provider drops a repeat of it (then a send cut by a dying worker is retried)."""

    @property
    def dedupes(self) -> bool:
        return settings.SMS_GATEWAY_DEDUPES

    def send(self, notification) -> str:
        if not settings.SMS_GATEWAY_URL:
            raise DeliveryError("SMS_GATEWAY_URL is not set")
        shape = json.loads(settings.SMS_GATEWAY_PAYLOAD)
        values = {
            "to": notification.recipient,
            "text": notification.body,
            "ref": notification.idempotency_key,
            "brandname": settings.SMS_BRANDNAME,
            "user": settings.SMS_GATEWAY_USER,
            "password": settings.SMS_GATEWAY_PASSWORD,
        }
        auth = (
            (settings.SMS_GATEWAY_USER, settings.SMS_GATEWAY_PASSWORD)
            if settings.SMS_GATEWAY_USER and settings.SMS_GATEWAY_AUTH == "basic"
            else None
        )
        try:
            response = requests.post(
                settings.SMS_GATEWAY_URL,
                json=_fill(shape, values),
                auth=auth,
                headers={"Idempotency-Key": notification.idempotency_key},
                timeout=(settings.SMS_GATEWAY_CONNECT_TIMEOUT, settings.SMS_GATEWAY_READ_TIMEOUT),
            )
        except (requests.ConnectTimeout, requests.exceptions.InvalidURL) as exc:  # nothing was sent
            raise DeliveryError(f"gateway: {exc.__class__.__name__}: {exc}") from exc
        except requests.ConnectionError as exc:
            reason = getattr(exc.args[0], "reason", None) if exc.args else None
            if isinstance(reason, NewConnectionError):  # refused: nothing was sent
                raise DeliveryError(f"gateway: {exc.__class__.__name__}: {exc}") from exc
            raise DeliveryOutcomeUnknown(f"gateway: {exc.__class__.__name__}: {exc}") from exc
        except requests.RequestException as exc:  # a read timeout: the gateway may have it
            raise DeliveryOutcomeUnknown(f"gateway: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code >= 300:
            raise DeliveryError(f"gateway: HTTP {response.status_code}: {response.text[:300]}")
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        field = settings.SMS_GATEWAY_RESPONSE_ID
        ref = answer.get(field) if field and isinstance(answer, dict) else None
        return str(ref or notification.idempotency_key)

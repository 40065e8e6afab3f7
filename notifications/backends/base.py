class DeliveryError(Exception):
    """The provider refused or did not answer: the notice is retried later."""


class SmsBackend:
    # True when the provider drops a second message with the same reference (idempotency key).
    dedupes = False

    def send(self, notification) -> str:  # pragma: no cover - interface
        raise NotImplementedError

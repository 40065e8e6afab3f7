class DeliveryError(Exception):
    """The provider refused or did not answer: the notice is retried later."""


class DeliveryOutcomeUnknown(DeliveryError):
    """The message may have reached the provider (no answer after it was sent: a read timeout, a
    connection cut): sent again only where the provider dedupes, else left for an administrator."""


class SmsBackend:
    # True when the provider drops a second message with the same reference (idempotency key).
    dedupes = False

    def send(self, notification) -> str:  # pragma: no cover - interface
        raise NotImplementedError

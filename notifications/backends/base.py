class DeliveryError(Exception):
    """The provider refused or did not answer: the notice is retried later."""


class SmsBackend:
    def send(self, notification) -> str:  # pragma: no cover - interface
        raise NotImplementedError

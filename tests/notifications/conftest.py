import pytest

from notifications.backends.sms import MemoryBackend


@pytest.fixture(autouse=True)
def _memory_sms(settings):
    settings.SMS_BACKEND = "memory"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    MemoryBackend.outbox.clear()
    yield
    MemoryBackend.outbox.clear()


# The dossier tests' small province, for the notices a dossier writes.
from tests.dossiers.conftest import world  # noqa: E402, F401

import pytest

from hcc.celery import app
from notifications.backends.sms import MemoryBackend
from notifications.publish import reset_pause


@pytest.fixture(autouse=True)
def _memory_sms(settings):
    settings.SMS_BACKEND = "memory"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    MemoryBackend.outbox.clear()
    yield
    MemoryBackend.outbox.clear()


@pytest.fixture
def on_redis(settings, redis_url):
    """Celery out of eager mode, publishing to the test Redis (as in production)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    reset_pause()
    yield redis_url
    app.conf.task_always_eager = True
    app.conf.broker_url = "memory://"


# The dossier tests' small province, for the notices a dossier writes.
from tests.dossiers.conftest import world  # noqa: E402, F401

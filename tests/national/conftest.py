"""The province of the dossier tests, and a national portal of our own on a free loopback port."""

import pytest

from national import client
from national.portal_server import DEMO_PASSWORD, DEMO_USERNAME, serve_in_thread
from tests.dossiers.conftest import case, world  # noqa: F401  (fixtures)


@pytest.fixture
def portal(settings):
    running = serve_in_thread()
    settings.NATIONAL_PORTAL_URL = running.url
    settings.NATIONAL_PORTAL_USERNAME = DEMO_USERNAME
    settings.NATIONAL_PORTAL_PASSWORD = DEMO_PASSWORD
    settings.NATIONAL_PORTAL_UNIT_CODE = "000.00.00.H99"
    settings.NATIONAL_PORTAL_DSTCODE = "VN:GOV:000.00.00.H99"
    settings.NATIONAL_PORTAL_TIMEOUT = 0.5
    settings.NATIONAL_RETRY_BASE = 30
    client.reset()
    yield running
    client.reset()
    running.stop()

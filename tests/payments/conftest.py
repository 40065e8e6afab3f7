"""Online payment tests: the dossiers' small province (``world``), the portal on a live server and
our own gateway (payments/gateway_server.py) on a free loopback port, speaking the protocol."""

import re
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.urls import reverse

from dossiers import services as dossier_services
from dossiers.files import FileUpload
from dossiers.services import Intake
from payments.gateway_server import GatewayServer, Merchant
from tests.dossiers.conftest import world  # noqa: F401 (the fixture)
from tests.factories import JPEG_BYTES, PDF_BYTES, applicant

MERCHANT = "HCCTEST1"
SECRET = "TESTSECRETTESTSECRETTESTSECRET12"  # noqa: S105  # nosec B105 (the loopback gateway's)


@pytest.fixture
def gateway(live_server, settings):
    """The gateway on loopback; the portal (live server) configured to use it."""
    server = GatewayServer({MERCHANT: Merchant(SECRET, live_server.url + reverse("payments:ipn"))}).start()
    settings.PAYMENT_GATEWAY_URL = server.pay_url
    settings.PAYMENT_QUERY_URL = server.query_url
    settings.PAYMENT_MERCHANT_CODE = MERCHANT
    settings.PAYMENT_HASH_SECRET = SECRET
    settings.HCC_SITE_URL = live_server.url
    yield server
    server.stop()


@pytest.fixture
def configured(settings):
    """The portal configured for a gateway that is not running (service-level tests)."""
    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:9/paymentv2/vpcpay.html"
    settings.PAYMENT_QUERY_URL = "http://127.0.0.1:9/merchant_webapi/api/transaction"
    settings.PAYMENT_MERCHANT_CODE = MERCHANT
    settings.PAYMENT_HASH_SECRET = SECRET


def received_online(w):
    """A citizen's online dossier, accepted by the clerk (fees now collectable: 75.000 đồng)."""
    docs = list(w.procedure.documents.order_by("order", "id"))
    intake = Intake(
        applicant=applicant(),
        files=[
            FileUpload(name="don.pdf", content=PDF_BYTES, document_id=docs[0].id),
            FileUpload(name="ban-ve.jpg", content=JPEG_BYTES, document_id=docs[1].id),
        ],
    )
    dossier = dossier_services.dossier_submit(
        actor=w.citizen, procedure=w.procedure, office=w.center, intake=intake
    )
    dossier_services.dossier_accept(actor=w.clerk, dossier=dossier)
    return dossier


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser_pays(pay_url: str, *, choice: str = "pay") -> str:
    """What the applicant's browser does on the gateway: open the pay page, press a button.
    Returns where the gateway sends the browser back (the return URL with the signed result)."""
    with urllib.request.urlopen(pay_url, timeout=10) as response:  # noqa: S310  # nosec B310 (loopback)
        page = response.read().decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    parts = urlsplit(pay_url)
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(
        f"{parts.scheme}://{parts.netloc}/paymentv2/pay",
        data=urlencode({"token": token, "result": choice}).encode(),
        method="POST",
    )
    try:
        opener.open(request, timeout=10)
    except urllib.error.HTTPError as exc:  # the 302, not followed
        assert exc.code == 302, exc.code
        return exc.headers["Location"]
    raise AssertionError("the gateway did not redirect back")


def query_of(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))

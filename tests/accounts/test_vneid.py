"""VNeID login (OpenID Connect) against a real provider of our own on loopback."""
# ruff: noqa: F811  (fixtures imported, then named as arguments)

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import vneid
from accounts.models import Identity, Role
from accounts.vneid_provider import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PEOPLE, RunningProvider
from tests.dossiers.conftest import world  # noqa: F401
from tests.factories import PASSWORD, StaffFactory, UserFactory

CALLBACK = "http://testserver/tai-khoan/vneid/ve/"
AN, BINH, CHAU, FARM = DEMO_PEOPLE  # levels 2, 2, 1; FARM is an organisation's account


@pytest.fixture
def provider(settings, db):
    running = RunningProvider()
    running.state.register_client(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, [CALLBACK])
    settings.VNEID_ISSUER = running.url
    settings.VNEID_CLIENT_ID = DEMO_CLIENT_ID
    settings.VNEID_CLIENT_SECRET = DEMO_CLIENT_SECRET
    vneid._apps.clear()
    yield running
    vneid._apps.clear()
    running.stop()


def start(client) -> dict:
    """Press "log in with VNeID": the portal sends the browser to the provider."""
    response = client.get(reverse("accounts:vneid_login"), {"next": "/ho-so/cua-toi/"})
    assert response.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlparse(response["Location"]).query).items()}


def pick(provider, params: dict, person: dict) -> str:
    """The citizen confirms on the provider's page; it sends the browser back with a code."""
    data = {**params, "citizen_id": person["citizen_id"]}
    answer = requests.post(f"{provider.url}/authorize", data=data, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back(client, location: str):
    parsed = urlparse(location)
    assert f"http://testserver{parsed.path}" == CALLBACK
    return client.get(parsed.path, {k: v[0] for k, v in parse_qs(parsed.query).items()})


def log_in(client, provider, person):
    return back(client, pick(provider, start(client), person))


def test_the_authorization_request_uses_pkce_state_and_nonce(client, provider):
    params = start(client)
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["state"] and params["nonce"] and "openid" in params["scope"].split()
    assert params["redirect_uri"] == CALLBACK and params["client_id"] == DEMO_CLIENT_ID


def test_first_login_makes_a_citizen_account_with_the_identity_level(client, provider):
    response = log_in(client, provider, AN)
    assert response.status_code == 302 and response["Location"] == "/ho-so/cua-toi/"
    identity = Identity.objects.get(id_number=AN["citizen_id"])
    user = identity.user
    assert user.role == Role.CITIZEN and user.full_name == AN["name"] and user.phone == "+84912345678"
    assert identity.level == 2 and identity.subject == f"vneid-{AN['citizen_id']}"
    assert not user.has_usable_password()
    assert client.get(reverse("accounts:home")).context["user"] == user
    client.logout()
    log_in(client, provider, AN)  # the same account the second time
    assert get_user_model().objects.filter(identity__id_number=AN["citizen_id"]).count() == 1
    assert Identity.objects.count() == 1


def test_first_login_links_the_citizen_account_with_the_verified_phone(client, provider):
    citizen = UserFactory(role=Role.CITIZEN, phone="+84987654321")
    log_in(client, provider, BINH)
    assert Identity.objects.get(id_number=BINH["citizen_id"]).user == citizen


def test_a_staff_account_is_never_linked_by_phone(client, provider):
    staff = StaffFactory(role=Role.CLERK, phone="+84987654321")
    log_in(client, provider, BINH)
    identity = Identity.objects.get(id_number=BINH["citizen_id"])
    assert identity.user != staff and identity.user.phone == ""  # the phone stays the clerk's


def test_level_one_identity_is_stored(client, provider):
    log_in(client, provider, CHAU)
    assert Identity.objects.get(id_number=CHAU["citizen_id"]).level == 1


@pytest.mark.parametrize("tamper", ["foreign_key", "wrong_nonce", "wrong_audience"])
def test_an_id_token_that_does_not_verify_logs_nobody_in(client, provider, tamper):
    provider.state.tamper = tamper
    response = log_in(client, provider, AN)
    assert response.status_code == 400
    assert "Đăng nhập bằng VNeID không thành công" in response.content.decode()
    assert not Identity.objects.exists() and "_auth_user_id" not in client.session


def test_a_forged_state_is_refused(client, provider):
    params = start(client)
    location = pick(provider, {**params, "state": "forged"}, AN)
    response = back(client, location)
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_a_code_is_used_once(client, provider):
    location = pick(provider, start(client), AN)
    back(client, location)
    client.logout()
    assert back(client, location).status_code == 400


def test_without_a_provider_there_is_no_vneid_login(client, settings, db):
    settings.VNEID_ISSUER = ""
    assert client.get(reverse("accounts:vneid_login")).status_code == 404
    assert "VNeID" not in client.get(reverse("accounts:login")).content.decode()


def test_the_login_page_offers_vneid(client, provider):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Đăng nhập bằng tài khoản định danh điện tử VNeID" in page


def test_a_province_may_turn_citizens_password_login_off(client, provider, settings):
    settings.CITIZEN_PASSWORD_LOGIN = False
    UserFactory(role=Role.CITIZEN, phone="+84911222333")
    clerk = StaffFactory(role=Role.CLERK)
    page = client.post(reverse("accounts:login"), {"username": "0911 222 333", "password": PASSWORD})
    assert page.status_code == 200
    assert "đăng nhập bằng tài khoản định danh điện tử VNeID" in page.content.decode()
    assert "_auth_user_id" not in client.session
    page = client.post(reverse("accounts:login"), {"username": clerk.username, "password": PASSWORD})
    assert page.status_code == 302  # staff keep their password


def test_an_organisations_account_logs_in_as_the_organisation(client, provider):
    response = log_in(client, provider, FARM)
    assert response.status_code == 302
    identity = Identity.objects.get(kind=Identity.Kind.ORGANISATION, id_number=FARM["org_id"])
    assert identity.user.full_name == FARM["org_name"] and identity.level == 2
    assert identity.user.role == Role.CITIZEN and identity.user.phone == ""
    # Its representative is not recorded as a person's identity.
    assert not Identity.objects.filter(id_number=FARM["citizen_id"]).exists()
    client.logout()
    log_in(client, provider, FARM)
    assert Identity.objects.count() == 1


def test_an_organisation_number_that_is_not_one_is_refused(client, provider):
    provider.state.people[3] = {**FARM, "org_id": "<script>"}
    response = log_in(client, provider, FARM)
    assert response.status_code == 400 and "số định danh tổ chức" in response.content.decode()
    assert not Identity.objects.exists() and "_auth_user_id" not in client.session


def test_an_organisations_account_applies_as_the_organisation(client, provider, world):
    log_in(client, provider, CHAU)
    page = client.get(reverse("dossiers:submit_start", args=[world.procedure.code]), follow=True)
    assert page.context["form"].initial["kind"] == "person"
    client.logout()
    log_in(client, provider, FARM)
    page = client.get(reverse("dossiers:submit_start", args=[world.procedure.code]), follow=True)
    initial = page.context["form"].initial
    assert initial["kind"] == "organisation" and initial["organisation_name"] == FARM["org_name"]

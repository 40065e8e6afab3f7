"""Machine clients of the API: OAuth2 client credentials, scopes per endpoint group, the schema."""
# ruff: noqa: F811  (the dossier tests fixtures are imported, then named as arguments)

import base64

import pytest
import yaml
from django.core.exceptions import PermissionDenied

from accounts.machine_clients import machine_client_create, scope_for
from tests.dossiers.conftest import case, world  # noqa: F401, F811  (fixtures)


def token_for(client, application, secret, scope=""):
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return client.post("/o/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")


@pytest.fixture
def justice_app(world):
    """The Justice department's software, acting as its reviewer A."""
    return machine_client_create(
        actor=world.admin, name="Phần mềm Sở Tư pháp", service_account=world.reviewer_a
    )


def bearer(answer):
    assert answer.status_code == 200, answer.content
    return {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['access_token']}"}


def test_scopes_follow_the_path_and_method():
    assert scope_for("/api/v1/procedures/", "GET") == "catalog:read"
    assert scope_for("/api/v1/steps/{id}/claim/", "POST") == "dossiers:write"
    assert scope_for("/api/v1/stats/", "GET") == "stats:read"
    assert scope_for("/admin/", "GET") == ""


def test_a_client_reads_what_its_service_account_sees(client, world, case, justice_app):
    dossier, _step, _file = case
    application, secret = justice_app
    answer = token_for(client, application, secret)
    assert set(answer.json()["scope"].split()) == {"catalog:read", "dossiers:read"}  # reads by default
    headers = bearer(answer)
    listing = client.get("/api/v1/dossiers/", **headers)
    assert listing.status_code == 200
    codes = [row["code"] for row in listing.json()["results"]]
    assert codes == [dossier.code]
    assert client.get(f"/api/v1/dossiers/{dossier.code}/", **headers).status_code == 200


def test_a_call_outside_the_tokens_scopes_is_forbidden(client, world, case, justice_app):
    _dossier, step, _file = case
    application, secret = justice_app
    headers = bearer(token_for(client, application, secret, "dossiers:read"))
    assert client.get("/api/v1/procedures/", **headers).status_code == 403  # no catalog:read
    answer = client.post(
        f"/api/v1/steps/{step.pk}/forward/", {"note": "ok"}, content_type="application/json", **headers
    )
    assert answer.status_code == 403 and "dossiers:write" in answer.json()["detail"]
    headers = bearer(token_for(client, application, secret, "dossiers:read dossiers:write"))
    answer = client.post(
        f"/api/v1/steps/{step.pk}/forward/", {"note": "ok"}, content_type="application/json", **headers
    )
    assert answer.status_code == 200, answer.content  # no CSRF token needed with a Bearer token


def test_a_client_cannot_get_scopes_beyond_its_accounts_role(client, world, justice_app):
    application, secret = justice_app
    answer = token_for(client, application, secret, "stats:read")
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_scope"
    assert token_for(client, application, "wrong-secret").status_code == 401


def test_a_bad_token_is_refused(client, world):
    answer = client.get("/api/v1/dossiers/", HTTP_AUTHORIZATION="Bearer nope")
    assert answer.status_code == 403 and answer.json()["detail"]  # as any unauthenticated call


def test_only_administrators_register_clients(world):
    with pytest.raises(PermissionDenied):
        machine_client_create(actor=world.manager, name="x", service_account=world.reviewer_a)


def test_the_schema_documents_client_credentials_and_each_operations_scope(client, db):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    flow = schema["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/o/token/" and "dossiers:write" in flow["scopes"]
    listing = schema["paths"]["/api/v1/dossiers/"]["get"]["security"]
    assert {"oauth2": ["dossiers:read"]} in listing
    claim = schema["paths"]["/api/v1/steps/{id}/claim/"]["post"]["security"]
    assert {"oauth2": ["dossiers:write"]} in claim
    assert {"cookieAuth": [], "csrfToken": []} in claim  # session clients send X-CSRFToken
    assert schema["components"]["securitySchemes"]["csrfToken"]["name"] == "X-CSRFToken"
    assert {} in schema["paths"]["/api/v1/procedures/"]["get"]["security"]  # public: no auth needed
    answers = schema["paths"]["/api/v1/steps/{id}/claim/"]["post"]["responses"]
    assert {"400", "403", "404"} <= set(answers)

"""Security headers on every kind of answer the portal gives: public and form pages, staff pages,
the JSON API, the API docs, error pages and file downloads."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from tests.security.test_templates_csp import problems


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_secure_headers(response):
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    for kind in ("script-src", "style-src"):
        assert csp[kind][0] == "'self'"
        assert all(v == "'self'" or v.startswith("'nonce-") for v in csp[kind]), csp[kind]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # same-origin everywhere; no-referrer where the address carries a secret (tracking)
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def nonces_in_body(response) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', response.content.decode()))


@pytest.fixture
def pages(world, case):
    """(who, address, expected status) for each kind of page."""
    dossier, step, file = case
    return [
        (None, reverse("procedures:catalog"), 200),
        (None, reverse("procedures:detail", kwargs={"code": world.procedure.code}), 200),
        (None, reverse("dossiers:track"), 200),
        (None, reverse("accounts:login"), 200),
        (None, reverse("accounts:register"), 200),
        (world.clerk, reverse("dossiers:desk_intake"), 200),
        (world.clerk, reverse("dossiers:desk_confirmation", kwargs={"code": dossier.code}), 200),
        (world.reviewer_a, reverse("dossiers:inbox"), 200),
        (world.reviewer_a, reverse("dossiers:detail", kwargs={"code": dossier.code}), 200),
        (world.citizen, reverse("dossiers:my_dossiers"), 200),
        (None, "/api/v1/procedures/", 200),
        (world.citizen, f"/api/v1/dossiers/{dossier.code}/", 200),
        (None, "/api/schema/", 200),
        (None, reverse("api-docs"), 200),
        (None, "/khong-co-trang-nay/", 404),
        (world.citizen, reverse("dossiers:inbox"), 403),
        (world.reviewer_a, reverse("dossiers:file", kwargs={"file_id": file.id}), 200),
    ]


def test_every_kind_of_page_has_the_security_headers(client, pages):
    for who, address, status in pages:
        if who is None:
            client.logout()
        else:
            client.force_login(who)
        response = client.get(address)
        assert response.status_code == status, address
        assert_secure_headers(response)
        if response["Content-Type"].startswith("text/html"):
            # what widgets and packages render must fit the policy too
            assert problems(response.content.decode()) == [], address


def test_the_nonce_of_a_page_is_the_one_in_its_policy_and_changes_each_time(client, world):
    first = client.get(reverse("api-docs"))
    second = client.get(reverse("api-docs"))
    (nonce,) = nonces_in_body(first)
    assert f"'nonce-{nonce}'" in policy(first)["script-src"]
    assert f"'nonce-{nonce}'" in policy(first)["style-src"]
    assert nonces_in_body(second) != {nonce}


def test_the_api_docs_load_their_script_and_styles_from_this_site(client, db):
    body = client.get(reverse("api-docs")).content.decode()
    for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', body):
        assert src.startswith("/"), src  # no CDN


def test_a_file_download_is_an_attachment_never_rendered(client, world, case):
    _, _, file = case
    client.force_login(world.reviewer_a)
    response = client.get(reverse("dossiers:file", kwargs={"file_id": file.id}))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"


def test_https_answers_carry_hsts_in_production(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("procedures:catalog"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # plain HTTP answers cannot carry it (browsers ignore it there)
    assert "Strict-Transport-Security" not in client.get(reverse("procedures:catalog")).headers


def test_cookies_are_httponly_and_secure_in_production(client, world, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    page = client.get(reverse("accounts:login"), secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("accounts:login"), {"username": world.citizen.username, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"


def test_an_unknown_api_address_answers_in_json(client, db):
    response = client.get("/api/v1/steps/0.5/claim/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert client.get("/khong-co/").templates[0].name == "404.html"

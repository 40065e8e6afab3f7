"""The REST API against its own OpenAPI schema (``/api/schema/``), with requests made up by
schemathesis (property-based, through the WSGI application: no server), for an anonymous visitor
and for signed-in people of each kind: no answer is a server error, and every answer is of the
documented content type and matches the documented schema of its status code.

The number of examples per operation is bounded (``EXAMPLES``) so the module takes well under a
minute; ``SCHEMATHESIS_EXAMPLES=200`` explores further.
"""

import os
import secrets

import pytest
import schemathesis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from hcc.wsgi import application

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


# The schema as the application serves it (reading it touches no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# The coverage phase (every boundary and every wrong type of every parameter) takes minutes here;
# SCHEMATHESIS_COVERAGE=1 turns it on.
schema.config.phases.coverage.enabled = os.environ.get("SCHEMATHESIS_COVERAGE", "") == "1"


def session_headers(user) -> dict[str, str]:
    """Cookies and CSRF header of a signed-in browser session of ``user``."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.PhoneOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    csrf = secrets.token_hex(16)
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
    }


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the end of a request must not close the database connection
    (it holds the test's transaction; on PostgreSQL with persistent connections it would)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def case_of_a_dossier(request):
    """A routed dossier in the database (``case`` is schemathesis' own name here)."""
    return request.getfixturevalue("case")


@pytest.fixture
def identities(world):
    return {
        "anonymous": {},
        "citizen": session_headers(world.citizen),
        "clerk": session_headers(world.clerk),
        "reviewer": session_headers(world.reviewer_a),
    }


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_answers_as_documented(case, identities, case_of_a_dossier):
    for _who, headers in identities.items():
        case.call_and_validate(headers=headers, checks=CHECKS)

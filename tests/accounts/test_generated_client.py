"""A client generated from /api/schema/ with openapi-python-client (offline: it needs only the
package from PyPI) lists procedures, tracks a dossier and, with a machine client's token, reads a
dossier. The generated code lives in the test's temporary folder; it talks to the portal in this
process through httpx's WSGI transport."""
# ruff: noqa: F811  (fixtures imported, then named as arguments)

import importlib
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from tests.accounts.test_machine_clients import justice_app  # noqa: F401
from tests.dossiers.conftest import case, world  # noqa: F401


@pytest.fixture
def generated(tmp_path, client, db):
    schema = tmp_path / "schema.yaml"
    schema.write_bytes(client.get("/api/schema/").content)
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(  # noqa: S603 (a tool of the locked dev dependencies)
        [generator, "generate", "--path", schema, "--meta", "none", "--output-path", tmp_path / "hcc_client"],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        timeout=240,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield lambda name: importlib.import_module(f"hcc_client.{name}")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == "hcc_client" or n.startswith("hcc_client.")]:
            del sys.modules[name]


@pytest.fixture
def wsgi_transport():
    """httpx's WSGI transport into this process's portal. Like Django's test client, the
    requests keep the test's database connection (not closed at each request's end)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield httpx.WSGITransport(app=get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.timeout(300)
def test_a_generated_client_lists_tracks_and_reads_with_a_token(
    generated, wsgi_transport, client, world, case, justice_app
):
    dossier, _step, _file = case
    transport = wsgi_transport
    api = generated("client")
    anonymous = api.Client(base_url="http://testserver", httpx_args={"transport": transport})

    procedures = generated("api.v1.v1_procedures_list").sync(client=anonymous)
    assert world.procedure.code in [p.code for p in procedures.results]

    tracked = generated("api.v1.v1_tracking_retrieve").sync(
        client=anonymous, code=dossier.code, secret=dossier.secret
    )
    assert tracked.code == dossier.code

    application, secret = justice_app
    with httpx.Client(transport=transport, base_url="http://testserver") as raw:  # not in the schema
        answer = raw.post(
            "/o/token/", data={"grant_type": "client_credentials"}, auth=(application.client_id, secret)
        )
    token = answer.json()["access_token"]
    machine = api.AuthenticatedClient(
        base_url="http://testserver", token=token, httpx_args={"transport": transport}
    )
    read = generated("api.v1.v1_dossiers_retrieve").sync(dossier.code, client=machine)
    assert read.code == dossier.code
    assert (
        generated("api.v1.v1_dossiers_retrieve").sync(dossier.code, client=anonymous) is not None
    )  # a Detail

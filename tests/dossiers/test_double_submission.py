"""Double submission (issue 26, 2): an intake form posted twice (a double click, a retried request),
even at the same moment, and an API POST sent twice with the same ``Idempotency-Key`` make one
dossier and one SMS; the repeat gets the first answer."""

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from dossiers.models import Dossier, SubmittedRequest
from dossiers.once import purge_submitted
from notifications.backends.sms import MemoryBackend
from notifications.models import Channel, Notification
from receipts.fee_lines import fee_lines_for
from receipts.models import Receipt
from tests.dossiers.test_api import DOSSIERS, applicant_fields
from tests.dossiers.test_desk_pages import intake_data

INTAKE = reverse("dossiers:desk_intake") + "?procedure=1.009994"
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture(autouse=True)
def _memory_sms(settings):
    settings.SMS_BACKEND = "memory"
    MemoryBackend.outbox.clear()
    yield
    MemoryBackend.outbox.clear()


def token_of(page) -> str:
    return TOKEN.search(page.content.decode())[1]


def received_sms() -> int:
    return Notification.objects.filter(template_code="dossier.received", channel=Channel.SMS).count()


def at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(n, call):
        try:
            barrier.wait()
            results[n] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.postgres
def test_the_desk_intake_posted_twice_at_once_makes_one_dossier_and_one_sms(transactional_db, world):
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(world.clerk)
    data = {**intake_data(world.procedure), "form_token": token_of(clients[0].get(INTAKE))}

    first, second = at_once(*(lambda c=c: c.post(INTAKE, data) for c in clients))

    assert Dossier.objects.count() == 1
    assert received_sms() == 1 and len(MemoryBackend.outbox) == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Dossier.objects.get().code in first["Location"]


@pytest.mark.postgres
def test_the_api_posted_twice_at_once_with_one_key_makes_one_dossier_and_one_sms(transactional_db, world):
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(world.clerk)
    documents = [
        {"document": d.id, "originals": d.originals, "copies": d.copies}
        for d in world.procedure.documents.all()
    ]
    data = {"procedure": world.procedure.code, "documents": documents, **applicant_fields()}

    def post(client):
        return client.post(
            f"{DOSSIERS}receive/", data, content_type="application/json", headers={"Idempotency-Key": "k-1"}
        )

    answers = at_once(*(lambda c=c: post(c) for c in clients))

    assert Dossier.objects.count() == 1 and received_sms() == 1
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]


def test_a_retried_intake_post_goes_to_the_first_result(client, world):
    client.force_login(world.clerk)
    data = {**intake_data(world.procedure), "form_token": token_of(client.get(INTAKE))}
    first = client.post(INTAKE, data)
    again = client.post(INTAKE, data, follow=True)
    dossier = Dossier.objects.get()
    assert first.status_code == 302 and again.redirect_chain[0][0] == first["Location"]
    assert "Biểu mẫu này đã được gửi" in again.content.decode() and dossier.code in again.content.decode()
    assert received_sms() == 1

    # Another user cannot use the token to find the dossier.
    client.force_login(world.postal)
    assert client.post(INTAKE, data).status_code == 409


def test_a_form_shown_again_with_its_errors_may_be_sent_again(client, world):
    client.force_login(world.clerk)
    token = token_of(client.get(INTAKE))
    refused = client.post(INTAKE, {**intake_data(world.procedure, name=""), "form_token": token})
    assert refused.status_code == 200 and not Dossier.objects.exists()
    assert client.post(INTAKE, {**intake_data(world.procedure), "form_token": token}).status_code == 302
    assert Dossier.objects.count() == 1


def test_a_fee_collected_twice_with_one_form_makes_one_receipt(client, world):
    from tests.receipts.conftest import NAME, receive

    dossier = receive(world)
    client.force_login(world.clerk)
    url = reverse("receipts:collect", args=[dossier.code])
    line = fee_lines_for(dossier)[0]
    data = {"lines": [line.pk], "payer_name": NAME, "method": "cash", "form_token": token_of(client.get(url))}
    first, again = client.post(url, data), client.post(url, data)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Receipt.objects.count() == 1


def test_an_idempotency_key_gives_the_same_answer_for_a_day_and_only_for_the_same_request(client, world):
    client.force_login(world.clerk)
    documents = [
        {"document": d.id, "originals": d.originals, "copies": d.copies}
        for d in world.procedure.documents.all()
    ]
    data = {"procedure": world.procedure.code, "documents": documents, **applicant_fields()}

    def post(body, key="k-2"):
        return client.post(
            f"{DOSSIERS}receive/", body, content_type="application/json", headers={"Idempotency-Key": key}
        )

    first = post(data)
    assert first.status_code == 201
    again = post(data)
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (201, first.json(), "true")
    other = post({**data, "applicant_name": "Trần Thị Bình"})
    assert other.status_code == 422 and "yêu cầu khác" in other.json()["detail"]
    assert Dossier.objects.count() == 1

    # A refusal is an answer too; a key of another user is another key.
    assert post({}, key="k-3").status_code == 400
    assert post({}, key="k-3").status_code == 400 and Dossier.objects.count() == 1
    client.force_login(world.postal)
    assert post(data).status_code == 201 and Dossier.objects.count() == 2

    # After a day the key may name a new request; the hourly sweep forgets the old ones.
    client.force_login(world.clerk)
    with freeze_time(timezone.now() + timedelta(hours=25)):
        assert post(data).status_code == 201 and Dossier.objects.count() == 3
        assert purge_submitted() == 2  # k-3, and k-2 of the postal clerk (the clerk's k-2 is new)
    assert SubmittedRequest.objects.count() == 1


@pytest.mark.parametrize(
    "template",
    [
        "dossiers/desk/intake.html",
        "dossiers/desk/guidance.html",
        "dossiers/desk/intake_supplement.html",
        "dossiers/desk/online_queue.html",
        "dossiers/desk/supply.html",
        "dossiers/desk/return.html",
        "dossiers/desk/on_the_spot.html",
        "dossiers/online/check.html",
        "dossiers/online/supply.html",
        "receipts/collect.html",
    ],
)
def test_every_intake_form_carries_a_one_time_token(template):
    """Desk intake (and its forms 02/03 when a dossier is not received), accepting an online
    submission or asking it for a supplement, the online submission, supplements (desk and
    citizen), returns, on-the-spot results and fees: a double post of any takes effect once."""
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    assert "{% once_token %}" in source


def test_the_api_schema_names_the_idempotency_key_on_every_post(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    posts = {path: ops["post"] for path, ops in schema["paths"].items() if "post" in ops}
    assert f"{DOSSIERS}receive/" in posts
    for path, operation in posts.items():
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        assert [h["name"] for h in headers] == ["Idempotency-Key"], path
        assert headers[0]["schema"]["maxLength"] == 200
        assert "422" in operation["responses"], path

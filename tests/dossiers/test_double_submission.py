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
        "dossiers/desk/accept.html",
        "dossiers/desk/supply.html",
        "dossiers/desk/return.html",
        "dossiers/desk/on_the_spot.html",
        "dossiers/online/check.html",
        "dossiers/online/supply.html",
        "receipts/collect.html",
        "payments/pay.html",
    ],
)
def test_every_intake_form_carries_a_one_time_token(template):
    """Desk intake (and its forms 02/03 when a dossier is not received), accepting an online
    submission or asking it for a supplement, the online submission, supplements (desk and
    citizen), returns, on-the-spot results, fees at the desk and online payments: a double post of
    any takes effect once."""
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


def test_an_online_payment_posted_twice_starts_one_payment(client, world, settings):
    from payments.models import Payment
    from tests.payments.conftest import MERCHANT, SECRET, received_online

    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:9/paymentv2/vpcpay.html"
    settings.PAYMENT_QUERY_URL = "http://127.0.0.1:9/merchant_webapi/api/transaction"
    settings.PAYMENT_MERCHANT_CODE, settings.PAYMENT_HASH_SECRET = MERCHANT, SECRET
    dossier = received_online(world)
    client.force_login(world.citizen)
    url = reverse("payments:pay", args=[dossier.code])
    data = {"form_token": token_of(client.get(url))}

    first, again = client.post(url, data), client.post(url, data)

    # The repeat goes to the same signed payment address: one order at the gateway, not two.
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] and first["Location"].startswith(
        settings.PAYMENT_GATEWAY_URL
    )
    assert Payment.objects.count() == 1
    # A new visit to the page is a new payment (the first was never paid).
    assert client.post(url, {"form_token": token_of(client.get(url))}).status_code == 302
    assert Payment.objects.count() == 2


def test_api_submission_supply_payment_and_return_repeated_with_their_keys_take_effect_once(client, world):
    """Every API POST honours the key: the online submission (multipart), a supplement, a
    financial obligation confirmed, the result returned. Each repeat gets the first answer, marked
    replayed, and adds no event."""
    from dossiers.models import Event
    from dossiers.services import (
        dossier_accept,
        dossier_request_payment,
        dossier_request_supplement,
        step_approve,
        step_claim,
        step_forward,
    )
    from tests.dossiers.test_api import as_user, pdf, submission

    def post(path, body, key, *, json=True):
        kwargs = {"content_type": "application/json"} if json else {}
        return client.post(path, body, headers={"Idempotency-Key": key}, **kwargs)

    def twice(path, make_body, key, *, json=True):
        first = post(path, make_body(), key, json=json)
        assert first.status_code in (200, 201), first.content
        events = Event.objects.count()
        again = post(path, make_body(), key, json=json)
        assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (
            first.status_code,
            first.json(),
            "true",
        )
        assert Event.objects.count() == events
        return first.json()

    # The citizen submits online; the same submission sent again makes no second dossier.
    as_user(client, world.citizen)
    code = twice(DOSSIERS, lambda: submission(world), "submit-1", json=False)["code"]
    assert Dossier.objects.count() == 1
    dossier = Dossier.objects.get(code=code)
    dossier_accept(actor=world.clerk, dossier=dossier)
    step = dossier.steps.get(order=1)
    step_claim(actor=world.reviewer_a, step=step)
    dossier_request_supplement(actor=world.reviewer_a, step=step, items=["Bản vẽ mặt cắt"])

    # The citizen's supplement, sent twice: one supplement.
    as_user(client, world.citizen)
    body = twice(
        f"{DOSSIERS}{code}/supply/",
        lambda: {"note": "Bổ sung bản vẽ", "files": [pdf("mat-cat.pdf")]},
        "supply-1",
        json=False,
    )
    assert [f["original_name"] for f in body["files"]].count("mat-cat.pdf") == 1
    assert Event.objects.filter(dossier=dossier, action="supply").count() == 1

    # An obligation confirmed twice (a payment): one confirmation.
    dossier_request_payment(
        actor=world.reviewer_a,
        step=step,
        amount=500_000,
        notice_number="TB-9",
        issuing_authority="Thuế cơ sở",
    )
    as_user(client, world.clerk)
    twice(f"{DOSSIERS}{code}/confirm-payment/", lambda: {"proof": "GNT-7"}, "pay-1")
    assert Event.objects.filter(dossier=dossier, action="confirm_payment").count() == 1

    # The result returned twice: one return (without the key the repeat is refused, 409).
    step_forward(actor=world.reviewer_a, step=step)
    last = dossier.steps.get(order=2)
    step_claim(actor=world.reviewer_b, step=last)
    step_approve(actor=world.reviewer_b, step=last, result_note="Giấy phép số 12")
    body = twice(
        f"{DOSSIERS}{code}/return/", lambda: {"collected_by": "Nguyễn Văn An", "id_checked": True}, "ret-1"
    )
    assert body["status"] == "returned"
    assert Event.objects.filter(dossier=dossier, action="return_result").count() == 1
    again = client.post(
        f"{DOSSIERS}{code}/return/",
        {"collected_by": "Nguyễn Văn An", "id_checked": True},
        content_type="application/json",
    )
    assert again.status_code == 409

"""Online payment end to end, against our own gateway on loopback (issue 18 item 4): the signed
redirect, the pay page, the server-to-server IPN that issues the receipts, the return page; a lost
callback found by the query API; callbacks that are not ours change nothing."""

import json
import logging
import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from payments import protocol, selectors, services
from payments.models import Payment, PaymentStatus
from receipts.models import Receipt
from tests.payments.conftest import MERCHANT, SECRET, browser_pays, query_of, received_online

pytestmark = pytest.mark.django_db(transaction=True)


def start_payment(client, world, dossier) -> str:
    client.force_login(world.citizen)
    page = client.get(reverse("payments:pay", args=[dossier.code]))
    assert page.status_code == 200 and "75.000" in page.content.decode()
    response = client.post(reverse("payments:pay", args=[dossier.code]))
    assert response.status_code == 302
    return response.url


def test_pay_through_the_gateway_issues_the_receipt_once(world, gateway, client):
    dossier = received_online(world)
    detail = (
        client.get(reverse("dossiers:detail", args=[dossier.code]))
        if client.force_login(world.citizen) is None
        else None
    )
    assert reverse("payments:pay", args=[dossier.code]) in detail.content.decode()
    pay_url = start_payment(client, world, dossier)
    assert pay_url.startswith(gateway.pay_url)
    sent = query_of(pay_url)
    assert sent["vnp_Amount"] == "7500000" and sent["vnp_TmnCode"] == MERCHANT
    assert protocol.verify(sent, SECRET)
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PENDING and payment.amount == 75_000

    back = browser_pays(pay_url)  # the gateway sends the IPN, then the browser back
    txn = gateway.app.transactions[(MERCHANT, payment.txn_ref)]
    assert json.loads(txn.ipn_answers[0]) == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.confirmed_by == "ipn"
    receipt = Receipt.objects.get()
    assert (receipt.method, receipt.total, receipt.transaction_ref) == ("online", 75_000, txn.transaction_no)
    assert receipt.owner == world.construction and receipt.agency == world.center
    assert list(payment.receipts.all()) == [receipt]

    page = client.get(reverse("payments:return") + "?" + back.split("?", 1)[1])
    assert "Đã thanh toán" in page.content.decode()

    # the gateway repeats its IPN: answered "already confirmed", nothing more written
    assert json.loads(gateway.app.deliver_ipn(txn)) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert Receipt.objects.count() == 1
    counts = selectors.online_payment_counts(
        since=timezone.now() - timedelta(days=1), until=timezone.now() + timedelta(days=1)
    )
    assert counts == {"dossiers": 1, "payments": 1, "amount": 75_000}


def test_a_lost_callback_is_found_by_the_query_and_a_cancelled_payment_fails(world, gateway, client):
    gateway.app.send_ipn = False
    dossier = received_online(world)
    browser_pays(start_payment(client, world, dossier), choice="cancel")
    browser_pays(start_payment(client, world, dossier))
    assert set(Payment.objects.values_list("status", flat=True)) == {PaymentStatus.PENDING}
    clerk_page = client.get(reverse("payments:pending")) if client.force_login(world.clerk) is None else None
    assert clerk_page.content.decode().count(dossier.code) >= 2

    counts = services.payments_check_pending(older_than=timedelta(0))
    assert counts == {PaymentStatus.FAILED: 1, PaymentStatus.PAID: 1}
    paid = Payment.objects.get(status=PaymentStatus.PAID)
    assert paid.confirmed_by == "query" and paid.receipts.count() == 1
    assert Receipt.objects.count() == 1
    assert services.payments_check_pending(older_than=timedelta(0)) == {}


def test_the_payment_address_expires_and_the_gateway_holds_to_it(world, gateway, client, settings):
    """vnp_ExpireDate (GMT+7) is sent, PAYMENT_EXPIRE_MINUTES after the start; our gateway, as
    the published protocol says, refuses a pay request without it or past it."""
    dossier = received_online(world)
    sent = query_of(start_payment(client, world, dossier))
    payment = Payment.objects.get()
    later = payment.created_at + timedelta(minutes=settings.PAYMENT_EXPIRE_MINUTES)
    assert sent["vnp_ExpireDate"] == protocol.gateway_time(later)
    assert protocol.parse_gateway_time(sent["vnp_ExpireDate"]) == later.replace(microsecond=0)

    def gateway_page(params: dict) -> tuple[int, str]:
        unsigned = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
        url = gateway.pay_url + "?" + protocol.query_string(protocol.signed(unsigned, SECRET))
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  # nosec B310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    assert gateway_page(sent)[0] == 200
    past = protocol.gateway_time(timezone.now() - timedelta(minutes=1))
    status, page = gateway_page({**sent, "vnp_ExpireDate": past})
    assert status == 400 and "quá thời gian chờ thanh toán" in page
    without = {k: v for k, v in sent.items() if k != "vnp_ExpireDate"}
    assert gateway_page(without)[0] == 400
    assert not gateway.app.transactions


def _ipn(url_params: dict) -> dict:
    return dict(zip(("RspCode", "Message"), services.payment_confirm_ipn(url_params), strict=True))


def test_callbacks_that_are_not_ours_change_nothing_and_are_logged(world, gateway, client, caplog):
    gateway.app.send_ipn = False
    dossier = received_online(world)
    browser_pays(start_payment(client, world, dossier))
    payment = Payment.objects.get()
    good = gateway.app.result_params(gateway.app.transactions[(MERCHANT, payment.txn_ref)])
    before = list(Payment.objects.values()), Receipt.objects.count()

    def resign(params, secret=SECRET):
        return protocol.signed({k: v for k, v in params.items() if k != "vnp_SecureHash"}, secret)

    caplog.set_level(logging.INFO, logger="payments")
    cases = {
        "tampered": ({**good, "vnp_Amount": "100"}, "97"),
        "other secret": (resign(good, "another-merchant-secret"), "97"),
        "other merchant": (resign({**good, "vnp_TmnCode": "OTHER01"}), "97"),
        "unknown ref": (resign({**good, "vnp_TxnRef": "NOPE"}), "01"),
        "wrong amount": (resign({**good, "vnp_Amount": "7400000"}), "04"),
        "unsigned": ({k: v for k, v in good.items() if k != "vnp_SecureHash"}, "97"),
    }
    for name, (params, code) in cases.items():
        assert _ipn(params)["RspCode"] == code, name
    assert (list(Payment.objects.values()), Receipt.objects.count()) == before
    assert len([r for r in caplog.records if r.name == "payments"]) == len(cases)

    assert _ipn(good)["RspCode"] == "00"
    assert _ipn(good)["RspCode"] == "02"  # replayed
    assert Receipt.objects.count() == 1
    response = client.get(reverse("payments:ipn") + "?" + protocol.query_string(good))
    assert response.json() == {"RspCode": "02", "Message": "Order already confirmed"}


def test_no_payment_for_a_withdrawn_dossier_nor_for_someone_else(world, configured, client):
    dossier = received_online(world)
    client.force_login(world.other_citizen)
    assert client.get(reverse("payments:pay", args=[dossier.code])).status_code == 404
    with pytest.raises(services.PaymentError):
        services.payment_start(actor=world.other_citizen, dossier=dossier)
    from dossiers import services as dossier_services

    dossier_services.dossier_withdraw(actor=world.citizen, dossier=dossier, reason="Không cần nữa")
    with pytest.raises(services.PaymentError):
        services.payment_start(actor=world.citizen, dossier=dossier)
    client.force_login(world.citizen)
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert reverse("payments:pay", args=[dossier.code]) not in page
    client.post(reverse("payments:pay", args=[dossier.code]))
    assert not Payment.objects.exists()


DUPLICATES = 8


@pytest.mark.postgres
def test_eight_concurrent_duplicate_callbacks_issue_one_receipt(world, gateway, client):
    gateway.app.send_ipn = False
    dossier = received_online(world)
    browser_pays(start_payment(client, world, dossier))
    payment = Payment.objects.get()
    params = gateway.app.result_params(gateway.app.transactions[(MERCHANT, payment.txn_ref)])
    url = gateway.app.merchants[MERCHANT].ipn_url + "?" + protocol.query_string(params)
    start = threading.Barrier(DUPLICATES)
    answers: list[str] = []

    def call() -> None:
        try:
            start.wait(timeout=10)
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310  # nosec B310
                answers.append(json.loads(response.read())["RspCode"])
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(DUPLICATES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == ["00"] + ["02"] * (DUPLICATES - 1)
    assert Receipt.objects.count() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_the_online_payment_share_counts_gateway_payments_only(world, gateway, client):
    """Decision 766 group 4 reads real payments: a desk receipt marked "online" does not count."""
    from datetime import date

    from dashboards.service_quality import service_quality
    from receipts import services as receipt_services

    paid = received_online(world)
    browser_pays(start_payment(client, world, paid))
    desk = received_online(world)
    receipt_services.receipt_issue(
        actor=world.clerk,
        dossier=desk,
        payer=receipt_services.Payer(name="An"),
        method="online",
        transaction_ref="X1",
    )
    today = timezone.localdate()
    quality = service_quality(world.manager, date_from=date(today.year, 1, 1), date_to=today)
    assert quality.fees["count"] == 2
    assert quality.online_payment_rate == 50.0
    _fees_equal_the_orm_sums(world, today)
    cash = received_online(world)
    receipt_services.receipt_issue(
        actor=world.clerk, dossier=cash, payer=receipt_services.Payer(name="Bình"), method="cash"
    )
    mistake = receipt_services.receipt_issue(
        actor=world.clerk,
        dossier=received_online(world),
        payer=receipt_services.Payer(name="C"),
        method="cash",
    )
    receipt_services.receipt_cancel(actor=world.clerk, receipt=mistake, reason="Nhầm")
    quality = service_quality(world.manager, date_from=date(today.year, 1, 1), date_to=today)
    assert quality.fees["count"] == 3 and quality.fees["cash"] > 0
    _fees_equal_the_orm_sums(world, today)


def _fees_equal_the_orm_sums(world, today):
    """The dashboard's fees (from the receipts' sums) against the same sums over the receipts through
    the ORM, for every scope."""
    from datetime import date

    from django.db.models import Count, Q

    from accounts.permissions import agency_scope
    from dashboards.service_quality import _fees, _span
    from payments.selectors import gateway_receipt_ids
    from receipts.reconciliation import SUMS

    for days in ((date(today.year, 1, 1), today), (today, today), (date(2020, 1, 1), date(2020, 2, 1))):
        span = _span(*days)
        for scope in (None, list(agency_scope(world.manager)), [], [world.commune.pk]):
            receipts = Receipt.objects.valid().filter(issued_at__gte=span[0], issued_at__lt=span[1])
            if scope is not None:
                receipts = receipts.filter(agency_id__in=scope)
            expected = receipts.aggregate(
                **SUMS, paid_online=Count("pk", filter=Q(pk__in=gateway_receipt_ids()))
            )
            paid_online = expected.pop("paid_online")
            assert _fees(*days, scope) == (expected, paid_online)

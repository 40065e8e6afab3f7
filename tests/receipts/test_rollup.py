"""The receipts' daily and monthly sums (``receipts.rollup``) that the dashboard's fees read: after
each write of the services (issue, cancel, replace, a payment the gateway confirmed) they give the
same figures as a count over the receipts themselves, for periods cut at month edges and for any
scope; rebuilt from the receipts (or by the migration), they are the same rows."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Q
from freezegun import freeze_time

from accounts.models import Role
from accounts.permissions import agency_scope
from dashboards.service_quality import _fees, _span
from dossiers import services as dossier_services
from payments import protocol
from payments import services as payment_services
from payments.selectors import gateway_receipt_ids
from procedures.models import Fee
from receipts import rollup, services
from receipts.models import Receipt, ReceiptDay, ReceiptMonth
from receipts.reconciliation import SUMS
from receipts.services import Payer
from tests.factories import StaffFactory, applicant
from tests.payments.conftest import MERCHANT, SECRET, configured  # noqa: F401 (the fixture)
from tests.receipts.conftest import at, receive

PAYER = Payer(name="Nguyễn Văn An")

PERIODS = [
    (date(2026, 1, 1), date(2026, 12, 31)),  # whole months only
    (date(2026, 1, 31), date(2026, 12, 1)),  # an edge day at each end
    (date(2025, 12, 15), date(2026, 12, 10)),  # a year, both edges partial
    (date(2026, 1, 1), date(2026, 1, 31)),  # one month
    (date(2026, 2, 1), date(2026, 2, 1)),  # one day
    (date(2026, 1, 31), date(2026, 2, 1)),  # two edges, no month
    (date(2026, 11, 30), date(2026, 12, 31)),  # an edge then a month
    (date(2020, 1, 1), date(2020, 12, 31)),  # nothing
]


def direct(date_from, date_to, scope) -> tuple[dict, int]:
    """The fees as the dashboard counted them over the receipts before the sums: valid receipts
    issued on those local days at ``scope``'s desks, by method, and those paid at the gateway."""
    start, end = _span(date_from, date_to)
    receipts = Receipt.objects.valid().filter(issued_at__gte=start, issued_at__lt=end)
    if scope is not None:
        receipts = receipts.filter(agency_id__in=scope)
    sums = receipts.aggregate(**SUMS, paid_online=Count("pk", filter=Q(pk__in=gateway_receipt_ids())))
    return sums, sums.pop("paid_online")


def assert_sums_match(scopes) -> None:
    for date_from, date_to in PERIODS:
        for scope in scopes:
            assert _fees(date_from, date_to, scope) == direct(date_from, date_to, scope), (
                date_from,
                date_to,
                scope,
            )


def rows() -> list[tuple]:
    """The sums' rows that count something (a cancellation may leave a row of zeros)."""
    fields = ("agency_pk", "method", "n", "total", "gateway_n")
    days = ReceiptDay.objects.exclude(n=0, total=0, gateway_n=0).values_list("day", *fields)
    months = ReceiptMonth.objects.exclude(n=0, total=0, gateway_n=0).values_list("month", *fields)
    return sorted(("day", *r) for r in days) + sorted(("month", *r) for r in months)


def paid_at_the_gateway(world, dossier) -> list[Receipt]:
    """The clerk starts an online payment at the desk and the gateway's IPN confirms it."""
    payment = payment_services.payment_start(actor=world.clerk, dossier=dossier).payment
    ipn = {
        "vnp_Amount": protocol.amount_to_gateway(payment.amount),
        "vnp_ResponseCode": protocol.SUCCESS,
        "vnp_TmnCode": MERCHANT,
        "vnp_TransactionNo": "14000001",
        "vnp_TransactionStatus": protocol.SUCCESS,
        "vnp_TxnRef": payment.txn_ref,
    }
    assert payment_services.payment_confirm_ipn(protocol.signed(ipn, SECRET)) == protocol.CONFIRMED
    payment.refresh_from_db()
    return list(payment.receipts.all())


def at_the_commune(world):
    intake = dossier_services.Intake(
        applicant=applicant(), documents={d.id: (1, 0) for d in world.on_the_spot.documents.all()}
    )
    dossier = dossier_services.dossier_receive(
        actor=world.commune_clerk, procedure=world.on_the_spot, intake=intake
    )
    return services.receipt_issue(actor=world.commune_clerk, dossier=dossier, payer=PAYER)


@pytest.fixture
def scopes(world):
    commune_manager = StaffFactory(role=Role.MANAGER, agency=world.commune)
    return [
        None,
        list(agency_scope(world.manager)),
        list(agency_scope(commune_manager)),
        [world.center.pk],
        [],
    ]


def test_the_sums_follow_issue_cancel_replace_and_the_gateway(world, configured, scopes):  # noqa: F811
    Fee.objects.create(procedure=world.on_the_spot, kind="fee", name="Phí chứng thực", amount=2000)
    with freeze_time(at(31, 23, 30, month=1)):  # the last evening of January, local time
        january = services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=PAYER)
        at_the_commune(world)
    with freeze_time(at(1, 6, month=2)):  # still 31 January in UTC: a February receipt
        (online,) = paid_at_the_gateway(world, receive(world))
        services.receipt_issue(
            actor=world.clerk, dossier=receive(world), payer=PAYER, method="online", transaction_ref="QR1"
        )
    with freeze_time(at(15, 10, month=6)):
        june = services.receipt_issue(
            actor=world.clerk, dossier=receive(world), payer=PAYER, method="transfer", transaction_ref="CK1"
        )
    with freeze_time(at(30, 23, 59, month=11)):
        at_the_commune(world)
    with freeze_time(at(1, 0, 10)):
        services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=PAYER)
        paid_at_the_gateway(world, receive(world))
    assert ReceiptMonth.objects.filter(month=date(2026, 2, 1), method="online").get().gateway_n == 1
    assert_sums_match(scopes)

    with freeze_time(at(7, 8)):  # in December: the January and June figures change
        services.receipt_cancel(actor=world.clerk, receipt=january, reason="Thu nhầm")
        replacement = services.receipt_replace(
            actor=world.clerk, receipt=june, reason="Sai hình thức", payer=PAYER, method="cash"
        )
    assert replacement.issued_at.date() == date(2026, 12, 7)
    assert _fees(date(2026, 1, 1), date(2026, 1, 31), None)[0]["count"] == 1  # the commune's
    assert _fees(date(2026, 6, 1), date(2026, 6, 30), None)[0]["count"] == 0
    assert_sums_match(scopes)

    with freeze_time(at(8, 9)):  # a receipt paid at the gateway cancelled: no longer paid online
        services.receipt_cancel(actor=world.clerk, receipt=online, reason="Hoàn tiền")
    fees, paid_online = _fees(date(2026, 2, 1), date(2026, 2, 1), None)
    assert (fees["count"], fees["online"], paid_online) == (1, 75_000, 0)
    assert _fees(date(2026, 1, 1), date(2026, 12, 31), None)[1] == 1
    assert_sums_match(scopes)

    incremental = rows()
    assert rollup.rebuild() == len(incremental)
    assert rows() == incremental
    out = StringIO()
    call_command("rebuild_receipt_sums", stdout=out)  # the same, by hand (README)
    assert rows() == incremental and f"{len(incremental)} dòng" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_migration_sums_the_receipts_already_there(world, configured):  # noqa: F811
    with freeze_time(at(31, 23, 30, month=1)):
        kept = services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=PAYER)
        paid_at_the_gateway(world, receive(world))
    with freeze_time(at(1, 6, month=2)):
        services.receipt_issue(
            actor=world.clerk, dossier=receive(world), payer=PAYER, method="transfer", transaction_ref="CK2"
        )
        services.receipt_cancel(actor=world.clerk, receipt=kept, reason="Thu nhầm")
    incremental = rows()
    months = [(r[1], r[3], r[6]) for r in incremental if r[0] == "month"]  # the cash one cancelled
    assert months == [(date(2026, 1, 1), "online", 1), (date(2026, 2, 1), "transfer", 0)]
    executor = MigrationExecutor(connection)
    executor.migrate([("receipts", "0006_dossier_keys_to_registry")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert rows() == incremental
    for date_from, date_to in PERIODS:
        assert _fees(date_from, date_to, None) == direct(date_from, date_to, None)

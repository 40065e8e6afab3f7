"""Fees belong to the agency that levies them (issue 18 item 1): the center collects on its
behalf, in the owner's series at that desk when it has one, and transfers each month's total."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from freezegun import freeze_time

from procedures.models import Fee
from receipts import reconciliation, services
from receipts.fee_lines import fee_lines_for
from receipts.models import Receipt, ReceiptSeries
from receipts.services import Payer, ReceiptError
from tests.receipts.conftest import NAME, at, pdf_text, receive

PAYER = Payer(name=NAME)


@pytest.fixture
def two_owners(world):
    """The procedure's charge (75.000) is the construction department's (the resolving agency);
    an appraisal fee of 1.234.567 belongs to the justice department."""
    Fee.objects.create(
        procedure=world.procedure, kind="fee", name="Phí thẩm định", amount=1_234_567, owner=world.justice
    )
    return world


@freeze_time(at(7, 9))
def test_a_receipt_per_owner_in_the_owner_series_at_that_desk(two_owners):
    world = two_owners
    ReceiptSeries.objects.create(
        agency=world.justice, desk=world.center, template_code="01BLP0-001", series="TP-26E"
    )
    dossier = receive(world)
    with pytest.raises(ReceiptError):  # one receipt is one owner's
        services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER)
    receipts = services.receipts_issue(actor=world.clerk, dossier=dossier, payer=PAYER)
    by_owner = {r.owner: r for r in receipts}
    justice, construction = by_owner[world.justice], by_owner[world.construction]
    assert (justice.series_code, justice.number, justice.total) == ("TP-26E", 1, 1_234_567)
    # construction has no series at this desk: the center's (here the default one)
    assert construction.series_code != "TP-26E" and construction.total == 75_000
    assert justice.agency == construction.agency == world.center
    assert [line.owner for line in dossier.fee_lines.all()] == [world.construction, world.justice]


@freeze_time(at(7, 9))
def test_the_receipt_says_on_whose_behalf_and_its_replacement_keeps_owner_and_series(two_owners, client):
    world = two_owners
    ReceiptSeries.objects.create(
        agency=world.justice, desk=world.center, template_code="01BLP0-001", series="TP-26E"
    )
    dossier = receive(world)
    justice_line = dossier.fee_lines.get(owner=world.justice) if dossier.fee_lines.exists() else None
    justice_line = justice_line or fee_lines_for(dossier)[1]
    receipt = services.receipt_issue(
        actor=world.clerk, dossier=dossier, payer=PAYER, line_ids=[justice_line.pk]
    )
    client.force_login(world.clerk)
    page = client.get(reverse("receipts:receipt", args=[receipt.pk])).content.decode()
    assert f"thu hộ {world.justice.name}" in page
    new = services.receipt_replace(
        actor=world.clerk, receipt=receipt, reason="Sai tên", payer=Payer(name="Lê An")
    )
    assert (new.owner, new.series_code, new.number) == (world.justice, "TP-26E", 2)
    verify = client.get(reverse("receipts:verify", args=[new.token])).content.decode()
    assert world.justice.name in verify


@pytest.fixture
def month_of_receipts(two_owners):
    world = two_owners
    with freeze_time(at(7, 9)):
        first = services.receipts_issue(actor=world.clerk, dossier=receive(world), payer=PAYER)
        wrong = services.receipts_issue(actor=world.clerk, dossier=receive(world), payer=PAYER)
        services.receipt_cancel(actor=world.clerk, receipt=wrong[0], reason="Thu nhầm")
    with freeze_time(at(8, 9)):
        transfer = services.receipts_issue(
            actor=world.clerk, dossier=receive(world), payer=PAYER, method="online", transaction_ref="VNP1"
        )
    return {"first": first, "wrong": wrong, "transfer": transfer}


@freeze_time(at(9, 9))
def test_reconciliation_per_owner_equals_the_receipts_and_prints_the_transfer_statement(
    two_owners, month_of_receipts, client
):
    world = two_owners
    rows, totals = reconciliation.by_owner_month(world.manager, 2026, 12)
    by_owner = {row["owner_id"]: row for row in rows}
    for owner in (world.justice, world.construction):
        valid = Receipt.objects.valid().filter(owner=owner)
        assert by_owner[owner.pk]["total"] == sum(r.total for r in valid)
        assert by_owner[owner.pk]["count"] == valid.count()
    assert by_owner[world.justice.pk]["online"] == 1_234_567
    assert sum(row["cancelled"] for row in rows) == 1
    assert totals["total"] == sum(r.total for r in Receipt.objects.valid())

    client.force_login(world.manager)
    page = client.get(reverse("receipts:reconcile") + "?month=2026-12").content.decode()
    assert "2.469.134" in page  # justice: two valid receipts of 1.234.567
    statement = reverse("receipts:transfer_statement") + f"?owner={world.justice.pk}&month=2026-12"
    assert statement.replace("&", "&amp;") in page
    html = client.get(statement).content.decode()
    assert "BẢNG KÊ NỘP TIỀN" in html.upper() and "2.469.134" in html
    assert "Tháng 12 năm 2026" in html  # the year is not a number with a thousands dot
    assert f"Đơn vị thu hộ: {world.center.name}</p>" in html  # the desk that collected
    response = client.get(statement + "&format=pdf")
    if response.status_code == 200:
        text = pdf_text(response.content)
        assert world.justice.name.upper() in text.upper()
        assert "2.469.134" in text and "Tháng 12 năm 2026" in text
    else:  # no Pango on this machine: the printable page says why
        assert response.status_code == 503
    assert client.get(reverse("receipts:transfer_statement") + "?owner=x&month=2026-12").status_code == 404
    assert (
        client.get(reverse("receipts:transfer_statement") + f"?owner={world.justice.pk}").status_code == 404
    )


THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_collections_reconcile_to_the_dong(two_owners):
    world = two_owners
    ReceiptSeries.objects.create(
        agency=world.justice, desk=world.center, template_code="01BLP0-001", series="TP-26E"
    )
    dossiers = [receive(world) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def collect(n: int) -> None:
        try:
            start.wait(timeout=10)
            services.receipts_issue(
                actor=world.clerk, dossier=dossiers[n], payer=Payer(name=f"Người nộp {n}")
            )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=collect, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    rows, totals = reconciliation.by_owner_month(world.manager, *_month_of(Receipt.objects.first()))
    by_owner = {row["owner_id"]: row for row in rows}
    assert by_owner[world.justice.pk]["total"] == THREADS * 1_234_567
    assert by_owner[world.construction.pk]["total"] == THREADS * 75_000
    assert totals["total"] == sum(Receipt.objects.values_list("total", flat=True))
    justice_numbers = sorted(Receipt.objects.filter(owner=world.justice).values_list("number", flat=True))
    assert justice_numbers == list(range(1, THREADS + 1))


def _month_of(receipt):
    from django.utils import timezone

    local = timezone.localtime(receipt.issued_at)
    return local.year, local.month


@freeze_time(at(7, 9))
def test_the_electronic_receipt_file_carries_the_decree_fields(two_owners, client):
    import xml.etree.ElementTree as ET  # noqa: S405  # nosec B405 (our own output)

    world = two_owners
    world.justice.tax_code = "0101234567"
    world.justice.save()
    dossier = receive(world)
    receipts = services.receipts_issue(
        actor=world.clerk,
        dossier=dossier,
        payer=Payer(name=NAME, tax_code="001203004567"),
        method="transfer",
        transaction_ref="FT26341",
    )
    receipt = next(r for r in receipts if r.owner == world.justice)
    client.force_login(world.clerk)
    response = client.get(reverse("receipts:receipt_xml", args=[receipt.pk]))
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314  # nosec B314 (our own output)
    general = root.find("DLBLai/TTChung")
    assert general.findtext("THDon") == "Biên lai thu phí, lệ phí"
    assert (general.findtext("KHMSBLai"), general.findtext("KHBLai"), general.findtext("SBLai")) == (
        receipt.template_code,
        receipt.series_code,
        receipt.number_display,
    )
    assert general.findtext("NLap") == "2026-12-07" and general.findtext("MGDich") == "FT26341"
    content = root.find("DLBLai/NDBLai")
    assert (content.findtext("TCThu/Ten"), content.findtext("TCThu/MST")) == (
        world.justice.name,
        "0101234567",
    )
    assert content.findtext("DVThuHo/Ten") == world.center.name
    assert content.findtext("NNop/MST") == "001203004567"
    assert content.findtext("DSPhi/Phi/STien") == "1234567"
    assert content.findtext("TToan/TgTien") == "1234567"
    assert content.findtext("TToan/TgTBChu").lower().startswith("một triệu")
    client.force_login(world.other_citizen)
    assert client.get(reverse("receipts:receipt_xml", args=[receipt.pk])).status_code == 404

"""Fee lines, receipts numbered without gaps, exemptions, cancellation and replacement."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from dossiers import services as dossier_services
from dossiers.models import Event
from dossiers.workflow import Status
from procedures.models import Fee
from receipts import services
from receipts.fee_lines import fee_lines_for
from receipts.models import FeeLine, Receipt, ReceiptCancellation, ReceiptLine, ReceiptSeries
from receipts.services import Payer, ReceiptError
from tests.factories import applicant
from tests.receipts.conftest import NAME, at, receive
from web.money import amount_in_words

PAYER = Payer(name=NAME, address="Số 1 Trần Phú", tax_code="001203004567")


def add_fee(procedure, **values):
    return Fee.objects.create(procedure=procedure, **values)


@freeze_time(at(7, 8))
def test_fee_lines_are_a_snapshot_of_the_procedure_fees(world):
    dossier = receive(world)
    lines = fee_lines_for(dossier)
    assert [(line.name, line.kind, line.amount) for line in lines] == [("Lệ phí", "charge", 75000)]
    fee = world.procedure.fees.get()
    fee.amount = 99000
    fee.save()
    assert [line.amount for line in fee_lines_for(dossier)] == [75000]  # taken once
    assert FeeLine.objects.filter(dossier=dossier).count() == 1


@freeze_time(at(7, 8))
def test_receipts_are_numbered_without_gaps_in_their_series(world, settings):
    settings.HCC_RECEIPT_TEMPLATE_CODE = "01BLP0-001"
    settings.HCC_RECEIPT_SERIES = "AA-26E"
    numbers = []
    for _ in range(3):
        dossier = receive(world)
        receipt = services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER)
        numbers.append(receipt.number_display)
    assert numbers == ["0000001", "0000002", "0000003"]
    receipt = Receipt.objects.get(number=3)
    assert (receipt.template_code, receipt.series_code) == ("01BLP0-001", "AA-26E")
    assert receipt.total == 75000
    assert receipt.agency == world.center
    assert receipt.collector == world.clerk
    assert ReceiptSeries.objects.get().last_number == 3
    assert [line.amount for line in receipt.lines.all()] == [75000]


@freeze_time(at(7, 8))
def test_an_agency_with_its_own_series_numbers_from_one(world):
    ReceiptSeries.objects.create(agency=world.commune, template_code="01BLP0-002", series="XA-26E")
    services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=PAYER)
    intake = dossier_services.Intake(
        applicant=applicant(),
        documents={d.id: (1, 0) for d in world.on_the_spot.documents.all()},
    )
    add_fee(world.on_the_spot, kind="fee", name="Phí chứng thực", amount=2000)
    commune_dossier = dossier_services.dossier_receive(
        actor=world.commune_clerk, procedure=world.on_the_spot, intake=intake
    )
    receipt = services.receipt_issue(actor=world.commune_clerk, dossier=commune_dossier, payer=PAYER)
    assert (receipt.series_code, receipt.number) == ("XA-26E", 1)


@freeze_time(at(7, 8))
def test_partial_payment_then_the_rest(world):
    add_fee(world.procedure, kind="fee", name="Phí thẩm định", amount=1234567)
    dossier = receive(world)
    lines = fee_lines_for(dossier)
    first = services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER, line_ids=[lines[1].pk])
    assert first.total == 1234567
    second = services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER)
    assert second.total == 75000
    with pytest.raises(ReceiptError):
        services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER)  # nothing left
    with pytest.raises(ReceiptError):  # a line already paid
        services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER, line_ids=[lines[1].pk])
    assert Receipt.objects.count() == 2


@freeze_time(at(7, 8))
def test_non_cash_payment_needs_a_transaction_reference_and_bad_input_changes_nothing(world):
    dossier = receive(world)
    with pytest.raises(ReceiptError) as error:
        services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER, method="transfer")
    assert "transaction_ref" in error.value.message_dict
    with pytest.raises(ReceiptError):
        services.receipt_issue(actor=world.clerk, dossier=dossier, payer=Payer(name="  "))
    assert not Receipt.objects.exists()
    assert not ReceiptSeries.objects.filter(last_number__gt=0).exists()
    receipt = services.receipt_issue(
        actor=world.clerk, dossier=dossier, payer=PAYER, method="online", transaction_ref="VNPAY-123"
    )
    assert (receipt.method, receipt.transaction_ref, receipt.number) == ("online", "VNPAY-123", 1)


@freeze_time(at(7, 8))
def test_exemption_needs_a_reason_and_leaves_nothing_to_collect(world):
    dossier = receive(world)
    line = fee_lines_for(dossier)[0]
    with pytest.raises(ReceiptError):
        services.fee_line_exempt(actor=world.clerk, line=line, reason=" ")
    with pytest.raises(PermissionDenied):
        services.fee_line_exempt(actor=world.reviewer_a, line=line, reason="Hộ nghèo")
    services.fee_line_exempt(actor=world.clerk, line=line, reason="Hộ nghèo")
    line.refresh_from_db()
    assert (line.exempt, line.exempt_reason, line.exempted_by) == (True, "Hộ nghèo", world.clerk)
    with pytest.raises(ReceiptError):
        services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER)


@freeze_time(at(7, 8))
def test_only_the_intake_office_desk_collects(world):
    dossier = receive(world)
    with pytest.raises(PermissionDenied):
        services.receipt_issue(actor=world.reviewer_a, dossier=dossier, payer=PAYER)
    with pytest.raises(ReceiptError):
        services.receipt_issue(actor=world.commune_clerk, dossier=dossier, payer=PAYER)
    assert not Receipt.objects.exists()


@freeze_time(at(7, 8))
def test_no_fee_after_the_result_is_returned(world):
    dossier = receive(world)
    dossier_services.dossier_withdraw(actor=world.clerk, dossier=dossier, reason="Người nộp xin rút")
    with pytest.raises(ReceiptError):
        services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER)


@freeze_time(at(7, 8))
def test_a_financial_obligation_is_never_a_fee_line_nor_on_a_receipt(world):
    """Issue 18 item 2: taxes and levies are paid to the State Treasury on the tax authority's
    notice; the center's receipt never carries them and paying fees does not confirm them."""
    dossier = receive(world)
    services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER)  # the fee at intake
    step = dossier.steps.get(order=1)
    dossier_services.step_claim(actor=world.reviewer_a, step=step)
    dossier_services.dossier_request_payment(
        actor=world.reviewer_a,
        step=step,
        amount=1500000,
        kind="land_use_levy",
        notice_number="TB-15",
        issuing_authority="Thuế cơ sở 1",
        note="Tiền sử dụng đất",
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT
    lines = fee_lines_for(dossier)
    assert services.fees_due(lines) == []
    assert all(line.amount != 1500000 for line in lines)
    with pytest.raises(ReceiptError):
        services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER)
    assert not ReceiptLine.objects.filter(amount=1500000).exists()
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT
    assert not Event.objects.filter(dossier=dossier, action="confirm_payment").exists()


@freeze_time(at(7, 8))
def test_an_issued_receipt_never_changes(world):
    receipt = services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=PAYER)
    receipt.payer_name = "Người khác"
    with pytest.raises(ValidationError):
        receipt.save()
    with pytest.raises(ValidationError):
        receipt.delete()
    with pytest.raises(ValidationError):
        Receipt.objects.filter(pk=receipt.pk).update(total=1)
    with pytest.raises(ValidationError):
        Receipt.objects.all().delete()
    with pytest.raises(ValidationError):
        ReceiptLine.objects.filter(receipt=receipt).update(amount=1)
    assert Receipt.objects.get(pk=receipt.pk).payer_name == NAME


@freeze_time(at(7, 8))
def test_cancel_and_replace(world):
    dossier = receive(world)
    first = services.receipt_issue(actor=world.clerk, dossier=dossier, payer=PAYER)
    with pytest.raises(ReceiptError):
        services.receipt_cancel(actor=world.clerk, receipt=first, reason="")
    with pytest.raises(PermissionDenied):
        services.receipt_cancel(actor=world.reviewer_a, receipt=first, reason="Sai tên")
    replacement = services.receipt_replace(
        actor=world.clerk,
        receipt=first,
        reason="Ghi sai tên người nộp",
        payer=Payer(name="Trần Thị Ngọc Ánh (đúng)", address="Số 2"),
    )
    first = Receipt.objects.get(pk=first.pk)
    assert first.is_cancelled
    assert first.cancellation.reason == "Ghi sai tên người nộp"
    assert replacement.replaces == first
    assert (replacement.number, replacement.total) == (2, first.total)
    assert not replacement.is_cancelled
    with pytest.raises(ReceiptError):
        services.receipt_cancel(actor=world.clerk, receipt=first, reason="lần nữa")
    cancellation = ReceiptCancellation.objects.get()
    cancellation.reason = "khác"
    with pytest.raises(ValidationError):
        cancellation.save()
    # Cancelled without replacement: the fee is due again.
    services.receipt_cancel(actor=world.clerk, receipt=replacement, reason="Thu nhầm hồ sơ")
    assert [line.amount for line in services.fees_due(fee_lines_for(dossier))] == [75000]


def test_amount_in_words():
    assert amount_in_words(75000) == "Bảy mươi lăm nghìn đồng"
    assert amount_in_words(1234567).startswith("Một triệu hai trăm ba mươi bốn nghìn")
    assert amount_in_words(1234567).endswith("đồng")


@freeze_time(at(7, 8))
def test_a_new_series_starts_at_one_and_the_old_one_is_kept(world, settings):
    services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=PAYER)
    old = ReceiptSeries.objects.get()
    old.is_active = False
    old.save()
    settings.HCC_RECEIPT_SERIES = "AA-27E"
    receipt = services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=PAYER)
    assert (receipt.series_code, receipt.number) == ("AA-27E", 1)
    assert ReceiptSeries.objects.get(pk=old.pk).last_number == 1

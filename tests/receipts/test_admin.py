"""Receipts in the admin: read-only; cancelled only through the service, with a reason."""

from django.urls import reverse
from freezegun import freeze_time

from receipts import services
from receipts.models import Receipt, ReceiptSeries
from receipts.services import Payer
from tests.receipts.conftest import NAME, at, receive


@freeze_time(at(7, 9))
def test_issued_receipts_are_read_only_and_cancelled_with_a_reason(world, as_user):
    receipt = services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=Payer(name=NAME))
    client = as_user(world.admin)
    change = reverse("admin:receipts_receipt_change", args=[receipt.pk])
    page = client.get(change)
    assert page.status_code == 200 and NAME in page.content.decode()
    assert client.post(change, {"payer_name": "Khác"}).status_code == 403
    assert client.get(reverse("admin:receipts_receipt_add")).status_code == 403
    assert client.get(reverse("admin:receipts_receipt_delete", args=[receipt.pk])).status_code == 403

    changelist = reverse("admin:receipts_receipt_changelist")
    action = {"action": "cancel_receipts", "_selected_action": [receipt.pk]}
    asked = client.post(changelist, action)
    assert "Lý do hủy" in asked.content.decode()
    assert not Receipt.objects.get(pk=receipt.pk).is_cancelled
    client.post(changelist, {**action, "reason": "Lập trùng"})
    receipt = Receipt.objects.get(pk=receipt.pk)
    assert receipt.is_cancelled and receipt.cancellation.reason == "Lập trùng"
    assert receipt.cancellation.cancelled_by == world.admin


@freeze_time(at(7, 9))
def test_a_series_in_use_keeps_its_codes(world, as_user):
    services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=Payer(name=NAME))
    series = ReceiptSeries.objects.get()
    client = as_user(world.admin)
    page = client.get(reverse("admin:receipts_receiptseries_change", args=[series.pk])).content.decode()
    assert 'name="series"' not in page and "AA-26E" in page

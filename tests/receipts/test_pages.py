"""The fee desk, receipts, verification, reconciliation and who may see what (404 outside)."""

import csv
import io

import pytest
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from dossiers import services as dossier_services
from dossiers.services import Intake
from procedures.models import Fee
from receipts import services
from receipts.fee_lines import fee_lines_for
from receipts.models import Receipt
from receipts.services import Payer
from tests.factories import StaffFactory, applicant
from tests.receipts.conftest import NAME, at, receive


def collect_url(dossier):
    return reverse("receipts:collect", args=[dossier.code])


@pytest.fixture
def dossier(world):
    with freeze_time(at(7, 8)):
        return receive(world)


@freeze_time(at(7, 8, 5))
def test_clerk_collects_from_the_desk_confirmation(world, dossier, as_user):
    client = as_user(world.clerk)
    confirmation = client.get(reverse("dossiers:desk_confirmation", args=[dossier.code])).content.decode()
    assert collect_url(dossier) in confirmation
    page = client.get(collect_url(dossier))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Lệ phí" in body and "75.000" in body and NAME in body
    line = fee_lines_for(dossier)[0]
    response = client.post(
        collect_url(dossier),
        {
            "lines": [line.pk],
            "payer_name": NAME,
            "payer_address": "Số 1",
            "payer_tax_code": "001203004567",
            "method": "cash",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "biên lai ký hiệu AA-26E số 0000001" in body
    receipt = Receipt.objects.get()
    assert (receipt.total, receipt.payer_name, receipt.collector) == (75000, NAME, world.clerk)
    assert reverse("receipts:receipt_pdf", args=[receipt.pk]) in body


def test_transfer_without_reference_is_refused_on_the_form(world, dossier, as_user):
    client = as_user(world.clerk)
    line = fee_lines_for(dossier)[0]
    response = client.post(
        collect_url(dossier), {"lines": [line.pk], "payer_name": NAME, "method": "transfer"}
    )
    assert response.status_code == 200
    assert "Vui lòng nhập mã giao dịch" in response.content.decode()
    assert not Receipt.objects.exists()


def test_exemption_from_the_page(world, dossier, as_user):
    client = as_user(world.clerk)
    line = fee_lines_for(dossier)[0]
    client.post(reverse("receipts:exempt", args=[dossier.code, line.pk]), {"reason": "Người có công"})
    line.refresh_from_db()
    assert line.exempt and line.exempt_reason == "Người có công"


def test_the_citizen_sees_their_own_receipts_and_papers(world, as_user):
    with freeze_time(at(7, 8)):
        intake = Intake(
            applicant=applicant(name=NAME),
            documents={d.id: (1, 0) for d in world.procedure.documents.all()},
        )
        dossier = dossier_services.dossier_receive(
            actor=world.clerk, procedure=world.procedure, intake=intake
        )
        dossier.applicant_user = world.citizen
        dossier.save(update_fields=["applicant_user"])
        receipt = services.receipt_issue(actor=world.clerk, dossier=dossier, payer=Payer(name=NAME))
    client = as_user(world.citizen)
    body = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert reverse("receipts:receipt", args=[receipt.pk]) in body
    assert reverse("receipts:paper_pdf", args=[dossier.code, "giay-tiep-nhan"]) in body
    assert collect_url(dossier) not in body
    assert client.get(reverse("receipts:receipt", args=[receipt.pk])).status_code == 200
    assert client.get(reverse("receipts:paper", args=[dossier.code, "giay-tiep-nhan"])).status_code == 200


def test_everything_naming_a_dossier_is_404_outside_it(world, dossier, as_user):
    with freeze_time(at(7, 9)):
        receipt = services.receipt_issue(actor=world.clerk, dossier=dossier, payer=Payer(name=NAME))
    line = dossier.fee_lines.get()
    urls = [
        collect_url(dossier),
        reverse("receipts:exempt", args=[dossier.code, line.pk]),
        reverse("receipts:paper", args=[dossier.code, "giay-tiep-nhan"]),
        reverse("receipts:paper_pdf", args=[dossier.code, "phieu-kiem-soat"]),
        reverse("receipts:receipt", args=[receipt.pk]),
        reverse("receipts:receipt_pdf", args=[receipt.pk]),
        reverse("receipts:cancel", args=[receipt.pk]),
    ]
    outsiders = [world.other_citizen, world.commune_clerk, world.reviewer_other]
    for user in outsiders:
        client = as_user(user)
        for url in urls:
            method = client.post if "/mien/" in url else client.get
            assert method(url).status_code == 404, (user, url)
    # Inside the dossier but not at its desk: no fee desk either.
    client = as_user(world.reviewer_a)
    assert client.get(collect_url(dossier)).status_code == 404
    assert client.get(reverse("receipts:paper", args=[dossier.code, "phieu-kiem-soat"])).status_code == 200
    # Not signed in: to the login page.
    client.logout()
    assert client.get(collect_url(dossier)).status_code == 302


def test_public_verification_shows_no_personal_data(world, dossier, client):
    with freeze_time(at(7, 9)):
        receipt = services.receipt_issue(
            actor=world.clerk,
            dossier=dossier,
            payer=Payer(name=NAME, address="Số 1 Trần Phú", tax_code="0012"),
        )
    url = reverse("receipts:verify", args=[receipt.token])
    body = client.get(url).content.decode()
    assert "Biên lai hợp lệ" in body
    assert "0000001" in body and "AA-26E" in body and "75.000" in body and "07/12/2026" in body
    assert world.center.name in body
    assert "T*** T** N*** Ánh" in body
    assert NAME not in body and "Trần Phú" not in body and dossier.code not in body
    services.receipt_cancel(actor=world.clerk, receipt=receipt, reason="Sai")
    assert "Biên lai này đã bị hủy" in client.get(url).content.decode()
    assert client.get(reverse("receipts:verify", args=["x" * 32])).status_code == 404


def test_cancel_and_replace_from_the_page(world, dossier, as_user):
    with freeze_time(at(7, 9)):
        receipt = services.receipt_issue(actor=world.clerk, dossier=dossier, payer=Payer(name="Sai Tên"))
    client = as_user(world.clerk)
    url = reverse("receipts:cancel", args=[receipt.pk])
    response = client.post(url, {"reason": "", "replace": "on", "payer_name": NAME, "method": "cash"})
    assert (
        "Lý do hủy" in response.content.decode()
        and not receipt.__class__.objects.get(pk=receipt.pk).is_cancelled
    )
    response = client.post(
        url, {"reason": "Ghi sai tên", "replace": "on", "payer_name": NAME, "method": "cash"}, follow=True
    )
    new = Receipt.objects.get(replaces=receipt)
    assert new.payer_name == NAME and new.number == 2
    assert "Đã hủy biên lai số 0000001 và lập biên lai thay thế số 0000002" in response.content.decode()
    assert as_user(world.reviewer_a).get(reverse("receipts:cancel", args=[new.pk])).status_code == 404


# --- reconciliation ------------------------------------------------------------------------------


@pytest.fixture
def collected(world):
    """Receipts at the center (two clerks, cash and transfer, one cancelled) and at a commune."""
    Fee.objects.create(procedure=world.procedure, kind="fee", name="Phí thẩm định", amount=1234567)
    second_clerk = StaffFactory(role="clerk", agency=world.center, full_name="Lê Văn Thu")
    with freeze_time(at(7, 9)):
        a = services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=Payer(name=NAME))
        b = services.receipt_issue(
            actor=second_clerk,
            dossier=receive(world, actor=second_clerk),
            payer=Payer(name=NAME),
            method="transfer",
            transaction_ref="FT1",
        )
        wrong = services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=Payer(name="Sai"))
        services.receipt_cancel(actor=world.clerk, receipt=wrong, reason="Thu nhầm")
    with freeze_time(at(8, 9)):
        c = services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=Payer(name=NAME))
    with freeze_time(at(2, 9, month=11)):
        services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=Payer(name=NAME))
    return {"a": a, "b": b, "c": c, "wrong": wrong, "second_clerk": second_clerk}


def test_reconciliation_totals_are_the_sum_of_valid_receipts(
    world, collected, as_user, django_assert_max_num_queries
):
    client = as_user(world.manager)
    url = reverse("receipts:reconcile") + "?month=2026-12&day=2026-12-07"
    with django_assert_max_num_queries(11):  # session, user, the scope 3× (2 each), three sums: not per row
        page = client.get(url)
    body = page.content.decode()
    december = collected["a"].total + collected["b"].total + collected["c"].total
    assert december == 3 * 1309567
    assert "3.928.701" in body  # the month, per agency: cancelled and November excluded
    assert "2.619.134" in body  # the 7th, both clerks: the cancelled one excluded

    response = client.get(url + "&export=co-quan.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Cơ quan thu"
    assert rows[1][0] == world.center.name and int(rows[1][-1]) == december
    assert rows[-1][0] == "Tổng cộng" and int(rows[-1][-1]) == december
    assert int(rows[1][2]) == collected["a"].total + collected["c"].total  # cash
    assert int(rows[1][3]) == collected["b"].total  # transfer

    response = client.get(url + "&export=nguoi-thu.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    by_clerk = {row[1]: row for row in rows[1:-1]}
    assert by_clerk[world.clerk.display_name][3] == 1309567  # cash handed over on the 7th
    assert by_clerk["Lê Văn Thu"][3] == 0 and by_clerk["Lê Văn Thu"][6] == 1309567
    assert rows[-1][-1] == 2 * 1309567
    assert sum(r.total for r in Receipt.objects.valid().filter(issued_at__month=12)) == december


def test_reconciliation_is_scoped(world, collected, as_user):
    assert as_user(world.citizen).get(reverse("receipts:reconcile")).status_code == 403
    assert as_user(world.reviewer_a).get(reverse("receipts:reconcile")).status_code == 403
    body = as_user(world.commune_clerk).get(reverse("receipts:reconcile") + "?month=2026-12").content.decode()
    assert world.center.name not in body

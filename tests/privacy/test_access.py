"""Law 91/2025 (issue 22): staff openings of personal data are recorded, append-only; the citizen
sees who opened their dossier; administrators and the data-protection officer list them; every
answer with personal data is kept out of shared caches."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from privacy.models import AccessKind, AccessRecord, AppendOnlyError
from privacy.retention import retention_sweep
from receipts.services import Payer, receipt_issue
from tests.dossiers.test_url_matrix import dossier_addresses
from tests.factories import PASSWORD, StaffFactory


def test_staff_openings_are_recorded_with_who_what_and_where(client, world, case):
    dossier, _step, file = case
    client.force_login(world.reviewer_a)
    assert (
        client.get(reverse("dossiers:detail", args=[dossier.code]), REMOTE_ADDR="198.51.100.7").status_code
        == 200
    )
    assert client.get(reverse("dossiers:file", args=[file.id])).status_code == 200
    assert client.get(f"/api/v1/dossiers/{dossier.code}/").status_code == 200
    records = list(AccessRecord.objects.order_by("id"))
    assert [(r.kind, r.dossier_code) for r in records] == [
        (AccessKind.VIEW, dossier.code),
        (AccessKind.FILE, dossier.code),
        (AccessKind.VIEW, dossier.code),
    ]
    first = records[0]
    assert first.actor == world.reviewer_a and first.agency == world.justice
    assert first.address == "198.51.100.7" and first.what == f"/ho-so/xem/{dossier.code}/"
    # the applicant reading their own dossier, and an outsider's 404, are not recorded
    client.force_login(world.citizen)
    client.get(reverse("dossiers:detail", args=[dossier.code]))
    client.force_login(world.commune_clerk)
    assert client.get(reverse("dossiers:detail", args=[dossier.code])).status_code == 404
    assert AccessRecord.objects.count() == 3


def test_exports_are_recorded(client, world, case):
    client.force_login(world.clerk)
    client.get(
        "/giay-to/so-theo-doi/",
        {"office": world.center.pk, "start": "2026-12-01", "end": "2026-12-31", "format": "xlsx"},
    )
    client.get("/giay-to/doi-soat/", {"month": "2026-12", "export": "nguoi-thu.csv"})
    client.get("/giay-to/doi-soat/", {"month": "2026-12"})  # sums only: not recorded
    assert [r.kind for r in AccessRecord.objects.all()] == [AccessKind.EXPORT, AccessKind.EXPORT]


def test_the_access_record_is_append_only(client, world, case):
    client.force_login(world.clerk)
    client.get(reverse("dossiers:detail", args=[case[0].code]))
    record = AccessRecord.objects.get()
    record.what = "khác"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()


def test_the_citizen_sees_who_at_which_agency_opened_their_dossier(client, world, case):
    client.force_login(world.reviewer_a)
    client.get(reverse("dossiers:detail", args=[case[0].code]))
    client.force_login(world.citizen)
    page = client.get(reverse("privacy:mine"))
    body = page.content.decode()
    assert page.status_code == 200
    assert world.reviewer_a.display_name in body and world.justice.name in body and case[0].code in body
    client.force_login(world.other_citizen)
    assert world.reviewer_a.display_name not in client.get(reverse("privacy:mine")).content.decode()


def test_administrators_and_the_dpo_list_per_dossier_and_per_staff(client, world, case):
    client.force_login(world.reviewer_a)
    client.get(reverse("dossiers:detail", args=[case[0].code]))
    client.force_login(world.reviewer_b)
    client.get(reverse("dossiers:detail", args=[case[0].code]))
    audit = reverse("privacy:audit")
    for outsider in (world.clerk, world.manager, world.citizen):
        client.force_login(outsider)
        assert client.get(audit).status_code == 403
    dpo = StaffFactory(role="reviewer", agency=world.province)
    dpo.user_permissions.add(Permission.objects.get(codename="view_accessrecord"))
    for auditor in (world.admin, dpo):
        client.force_login(auditor)
        by_dossier = client.get(audit, {"ho_so": case[0].code})
        assert len(by_dossier.context["page"].object_list) == 2
        by_staff = client.get(audit, {"can_bo": world.reviewer_b.pk})
        assert [r.actor for r in by_staff.context["page"].object_list] == [world.reviewer_b]


def test_every_dossier_address_and_export_is_private_no_store(client, world, case):
    receipt_issue(actor=world.clerk, dossier=case[0], payer=Payer(name="Nguyễn Văn An"))
    addresses = dossier_addresses(case) + [
        "/giay-to/so-theo-doi/?format=xlsx",
        "/giay-to/doi-soat/?export=co-quan.csv",
        "/thong-ke/bao-cao.csv",
        "/api/v1/dossiers/",
        reverse("dossiers:my_dossiers"),
        reverse("privacy:mine"),
        reverse("accounts:home"),
    ]
    for user in (world.clerk, world.citizen, world.manager):
        client.force_login(user)
        for address in addresses:
            control = client.get(address).get("Cache-Control", "")
            assert "private" in control and "no-store" in control, f"{address}: {control!r}"
    client.logout()
    control = client.get(reverse("dossiers:track_token", args=[case[0].tracking_token]))["Cache-Control"]
    assert "no-store" in control


def test_data_download_holds_the_dossiers_and_files(client, world, case):
    client.force_login(world.citizen)
    response = client.get(reverse("privacy:download"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("du-lieu.json"))
    assert data["account"]["phone"] == world.citizen.phone
    assert [d["code"] for d in data["dossiers"]] == [case[0].code]
    assert any(name.startswith(f"tep/{case[0].code}/") for name in archive.namelist())
    client.force_login(world.clerk)
    assert client.get(reverse("privacy:download")).status_code == 403


def test_a_deletion_request_carried_out_erases_the_account_and_keeps_the_dossier(client, world, case):
    from privacy.admin import DeletionRequestAdmin  # noqa: F401 (the admin action calls the service)
    from privacy.models import DeletionRequest
    from privacy.services import deletion_carry_out

    citizen = world.citizen
    client.force_login(citizen)
    client.post(reverse("privacy:delete_request"), {"reason": "Không dùng nữa"})
    request = DeletionRequest.objects.get()
    deletion_carry_out(request=request)
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.email, citizen.full_name, citizen.is_active) == ("", "", "", False)
    client.logout()
    assert (
        client.post("/tai-khoan/dang-nhap/", {"username": citizen.username, "password": PASSWORD}).status_code
        == 200
    )
    case[0].refresh_from_db()
    assert case[0].applicant_name  # the dossier keeps what was received


def test_retention_sweep_dry_run_counts_then_removes(world, case):
    from accounts.services import registration_start

    with freeze_time("2026-01-01 09:00:00+07:00"):
        registration_start(
            full_name="Lê Văn C", phone="0911111111", password="Mat-khau-2026", notice_version="1.0"
        )
    registration_start(
        full_name="Lê Văn D", phone="0922222222", password="Mat-khau-2026", notice_version="1.0"
    )
    out = io.StringIO()
    call_command("privacy_retention", "--dry-run", stdout=out)
    assert "contact_codes" in out.getvalue() and "would remove 1" in out.getvalue()
    from accounts.models import ContactCode

    assert ContactCode.objects.count() == 2
    swept = {s.kind: s.count for s in retention_sweep(dry_run=False)}
    assert swept["contact_codes"] == 1 and ContactCode.objects.count() == 1


def test_breach_command_prints_what_an_account_touched(client, world, case):
    client.force_login(world.reviewer_a)
    client.get(reverse("dossiers:detail", args=[case[0].code]))
    out = io.StringIO()
    call_command("privacy_touched", world.reviewer_a.username, stdout=out)
    text = out.getvalue()
    assert case[0].code in text and "# 1 dossiers" in text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_record_is_committed_on_its_own_without_waiting_for_the_flush(client, world, case):
    """Outside a transaction the record is its own, committed with ``synchronous_commit`` off for
    that transaction only (``privacy.access._write``); the connection keeps full durability."""
    from django.db import connection

    client.force_login(world.reviewer_a)
    assert client.get(reverse("dossiers:detail", args=[case[0].code])).status_code == 200
    record = AccessRecord.objects.get()
    assert (record.kind, record.dossier_code, record.actor_id) == (
        AccessKind.VIEW,
        case[0].code,
        world.reviewer_a.pk,
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"

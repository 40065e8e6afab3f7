"""Catalog pull from the national database (loopback portal), through the existing importer."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from national.catalog import PullError, catalog_pull, catalog_pull_apply
from national.models import CatalogPull, ProcedureCode, PullStatus
from national.portal_server import CATALOG
from procedures.models import Procedure, ProcessStep
from procedures.services import agency_upsert


@pytest.fixture
def commune_office(world):
    agency, _ = agency_upsert(
        code="UBNDXA",
        name="Ủy ban nhân dân cấp xã",
        level="commune",
        kind="peoples_committee",
        parent_code="UBNDT",
    )
    return agency


def test_a_pull_reports_new_changed_and_withdrawn_and_changes_nothing(world, portal, commune_office):
    # Our "2.000001" is the national 1.004227.000.00.00.H12 (another name there).
    ProcedureCode.objects.create(code="2.000001", national_code="1.004227.000.00.00.H12")
    pull = catalog_pull()
    assert pull.status == PullStatus.WAITING
    assert [row["code"] for row in pull.new] == ["1.001612.000.00.00.H12"]
    changed = {row["code"]: row["fields"] for row in pull.changed}
    assert "tên" in changed["2.000001"]
    assert {row["code"] for row in pull.withdrawn} == {"1.009994", "2.000815"}
    assert not Procedure.objects.filter(code="1.001612.000.00.00.H12").exists()
    assert Procedure.objects.get(code="2.000001").name == "Cấp phiếu lý lịch tư pháp"


def test_applying_imports_keeps_the_routing_and_withdraws(world, portal, commune_office):
    ProcedureCode.objects.create(code="2.000001", national_code="1.004227.000.00.00.H12")
    ProcessStep.objects.create(
        procedure=world.single, order=1, agency=world.justice, name="Thẩm định", working_days=3
    )
    steps_before = list(world.single.process_steps.values_list("order", "agency_id", "working_days"))
    Procedure.objects.filter(pk=world.single.pk).update(on_the_spot=True)  # the province's setting
    pull = catalog_pull()
    with pytest.raises(PermissionDenied):
        catalog_pull_apply(actor=world.clerk, pull=pull)
    catalog_pull_apply(actor=world.admin, pull=pull)
    pull.refresh_from_db()
    assert pull.status == PullStatus.APPLIED and pull.decided_by == world.admin
    created = Procedure.objects.get(code="1.001612.000.00.00.H12")
    assert created.level == "commune" and created.agency == commune_office  # CAPTHUCHIEN objects
    assert not [p for p in pull.problems if p["error"]], pull.problems
    single = Procedure.objects.get(code="2.000001")
    assert single.name == CATALOG[1]["TENTTHC"]  # MADONVI / TENDONVI agency shape
    assert list(single.process_steps.values_list("order", "agency_id", "working_days")) == steps_before
    assert single.on_the_spot  # kept: the national item says nothing of it
    assert not Procedure.objects.get(code="1.009994").is_active
    with pytest.raises(PullError):
        catalog_pull_apply(actor=world.admin, pull=pull)  # once


def test_without_a_portal_there_is_no_pull(world, settings):
    settings.NATIONAL_PORTAL_URL = ""
    with pytest.raises(PullError):
        catalog_pull()


def test_the_administrator_pulls_on_demand_from_the_admin(client, world, portal, commune_office):
    client.force_login(world.admin)
    changelist = reverse("admin:national_catalogpull_changelist")
    assert "Lấy danh mục ngay" in client.get(changelist).content.decode()
    pull_url = reverse("admin:national_catalogpull_pull")
    assert client.get(pull_url).status_code == 405
    page = client.post(pull_url, follow=True)
    pull = CatalogPull.objects.get()
    assert pull.status == PullStatus.WAITING
    assert f"Lần lấy #{pull.pk}: mới 2, thay đổi 0, bãi bỏ 3; chờ duyệt." in page.content.decode()
    portal.state.catalog = []
    page = client.post(pull_url, follow=True)
    assert "danh mục rỗng" in page.content.decode() and CatalogPull.objects.count() == 1

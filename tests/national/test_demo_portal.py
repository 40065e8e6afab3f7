"""The loopback portal as ``make run`` starts it: it serves the demo catalog, and remembers the
dossiers it accepted across a restart (a second ``make run`` can still update them)."""

import json
from io import StringIO

import pytest
from django.core.management.base import BaseCommand
from freezegun import freeze_time

from dossiers import services
from national import client
from national.catalog import PullError, catalog_pull, catalog_pull_apply
from national.models import CatalogPull, PullStatus, SyncMessage, SyncStatus
from national.portal_server import CATALOG, PortalState, load_catalog, serve_in_thread
from national.services import sync_sweep
from procedures.demo_catalog import demo_dir, load_demo
from tests.dossiers.test_services import at, submit_online


def test_a_pull_of_the_catalog_we_imported_reports_only_what_is_new(db, portal):
    load_demo(BaseCommand(stdout=StringIO()), dossiers=0, verbosity=0)
    demo = load_catalog(json.loads((demo_dir() / "catalog.json").read_text(encoding="utf-8")))
    portal.state.catalog = CATALOG + demo
    pull = catalog_pull()
    assert sorted(row["code"] for row in pull.new) == sorted(item["MATTHC"] for item in CATALOG)
    assert pull.changed == [] and pull.withdrawn == []  # the importer and the report agree


def test_an_empty_national_list_makes_no_report(world, portal):
    portal.state.catalog = []
    with pytest.raises(PullError, match="rỗng"):
        catalog_pull()
    assert not CatalogPull.objects.exists()


def test_a_pull_that_cannot_be_imported_stays_waiting(world):
    pull = CatalogPull.objects.create(items={"not": "a list"})
    with pytest.raises(PullError):
        catalog_pull_apply(actor=world.admin, pull=pull)
    pull.refresh_from_db()
    assert pull.status == PullStatus.WAITING and pull.decided_by is None


def test_the_demo_portal_remembers_what_it_accepted_across_a_restart(world, settings, tmp_path):
    kept = tmp_path / "portal.json"
    first = serve_in_thread(state=PortalState(state_file=str(kept)))
    settings.NATIONAL_PORTAL_URL = first.url
    settings.NATIONAL_PORTAL_USERNAME = settings.NATIONAL_PORTAL_PASSWORD = "hcc-demo"
    settings.NATIONAL_PORTAL_UNIT_CODE = "000.00.00.H99"
    client.reset()
    with freeze_time(at(4, 16)):
        dossier = submit_online(world)
        assert sync_sweep()["sent"] == 1
    first.stop()

    state = PortalState(state_file=str(kept))
    state.load()
    second = serve_in_thread(state=state)
    settings.NATIONAL_PORTAL_URL = second.url
    client.reset()
    try:
        with freeze_time(at(7, 7, 30)):
            services.dossier_accept(actor=world.clerk, dossier=dossier)
            outcome = sync_sweep()
        assert outcome["sent"] == 1 and outcome["refused"] == 0  # an update of a known dossier
        assert set(SyncMessage.objects.values_list("status", flat=True)) == {SyncStatus.SENT}
        assert second.state.dossiers[dossier.code]["TrangThaiHoSo"] == "2"
    finally:
        client.reset()
        second.stop()

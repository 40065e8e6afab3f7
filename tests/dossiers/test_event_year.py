"""Each event carries its dossier's year (``Dossier.received_year``), the partition key of the event
log on PostgreSQL (``dossiers.partitions``): it must never change for a dossier, or its timeline
would be split between two partitions."""

from datetime import datetime
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from dossiers import selectors, services
from dossiers.history import import_history
from dossiers.models import Dossier, Event
from tests.dossiers.test_history import write
from tests.dossiers.test_services import submit_online

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_an_online_dossier_sent_on_new_years_eve_keeps_its_year_when_received_in_january(world):
    with freeze_time("2025-12-31 23:50:00+07:00"):
        dossier = submit_online(world)
    with freeze_time("2026-01-05 08:00:00+07:00"):
        services.dossier_accept(actor=world.clerk, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.received_at.year == 2026 and dossier.received_year == 2025
    assert set(Event.objects.filter(dossier=dossier).values_list("dossier_year", flat=True)) == {2025}
    # the staff page reads the whole timeline from that year
    shown = selectors.dossier_for(world.clerk, dossier.code).events.all()
    assert [e.action for e in shown] == ["submit", "accept"]


def test_an_imported_submission_not_yet_received_keeps_its_year_when_received(world, tmp_path):
    with freeze_time("2025-12-30 10:00:00+07:00"):
        import_history(write(tmp_path, "OLD-1,1.009994,SXD,TTPVHCC,online,Nguyễn Văn An,,,submitted,,"))
    dossier = Dossier.objects.get(code="OLD-1")
    assert dossier.submitted_at == datetime(2025, 12, 30, 10, 0, tzinfo=HCM)  # its import time
    with freeze_time("2026-01-05 08:00:00+07:00"):
        services.dossier_accept(actor=world.clerk, dossier=dossier)
    assert set(Event.objects.filter(dossier=dossier).values_list("dossier_year", flat=True)) == {2025}


def test_imported_history_is_kept_by_the_year_it_was_received(world, tmp_path):
    import_history(
        write(
            tmp_path,
            "OLD-2,1.009994,SXD,TTPVHCC,counter,Lê Văn Ba,2024-12-31T23:30,,returned,2025-01-03T10:00,"
            "2025-01-04T09:00",
        )
    )
    assert list(Event.objects.filter(dossier__code="OLD-2").values_list("dossier_year", flat=True)) == [2024]

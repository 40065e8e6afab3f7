"""The event log partitioned by the dossier's year on PostgreSQL (issue 25, ``dossiers.partitions``):
the migration converts a database with rows, a dossier's timeline is read from one partition,
inserts land in their year's partition, the beat task makes the coming years'."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from freezegun import freeze_time

from dossiers import partitions, selectors, services
from dossiers.models import Event
from dossiers.services import Intake
from dossiers.tasks import add_year_partitions
from national.models import SyncMessage
from tests.factories import applicant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def receive(world):
    documents = {d.id: (d.originals, d.copies) for d in world.procedure.documents.all()}
    return services.dossier_receive(
        actor=world.clerk,
        procedure=world.procedure,
        intake=Intake(applicant=applicant(), documents=documents),
    )


def events_by_partition() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM dossiers_event GROUP BY 1")
        return dict(cursor.fetchall())


def explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def two_years(world):
    """A dossier received on the last evening of 2025 (local time, 16:30 UTC) and one in 2026.
    The test database was made in 2026: 2025 gets its partition as a history import would."""
    partitions.ensure_year_partitions([2025])
    with freeze_time("2025-12-31 23:30:00+07:00"):
        old = receive(world)
    with freeze_time("2026-12-07 09:00:00+07:00"):
        new = receive(world)
        services.dossier_withdraw(actor=world.clerk, dossier=new, reason="Người nộp rút")
    return old, new


def test_inserts_land_in_their_dossiers_year(two_years):
    old, new = two_years
    assert (old.received_year, new.received_year) == (2025, 2026)
    with connection.cursor() as cursor:
        assert partitions.is_partitioned(cursor)
    by_partition = events_by_partition()
    assert by_partition == {
        "dossiers_event_y2025": Event.objects.filter(dossier=old).count(),
        "dossiers_event_y2026": Event.objects.filter(dossier=new).count(),
    }
    assert by_partition["dossiers_event_y2026"] >= 2  # received, then withdrawn


def test_a_timeline_is_read_from_one_partition(two_years, world):
    old, new = two_years
    dossier = selectors.dossier_for(world.clerk, new.code)
    assert [e.action for e in dossier.events.all()] == list(
        Event.objects.filter(dossier=new).order_by("at", "id").values_list("action", flat=True)
    )
    plan = explain(Event.objects.filter(dossier=new, dossier_year=new.received_year).order_by("at", "id"))
    assert "dossiers_event_y2026" in plan
    assert "dossiers_event_y2025" not in plan and "dossiers_event_default" not in plan
    # without the year every partition is probed: what the selectors avoid
    assert "dossiers_event_y2025" in explain(Event.objects.filter(dossier=new))


def test_the_migration_converts_an_event_log_with_rows_and_back(two_years):
    old, new = two_years
    before = sorted(Event.objects.values_list("id", "dossier_id", "action", "at", "dossier_year"))
    messages = sorted(SyncMessage.objects.values_list("id", "event_id", "event_year"))
    assert messages, "the national sync writes a message for these events"
    executor = MigrationExecutor(connection)
    executor.migrate([("dossiers", "0018_staff_page_indexes"), ("national", "0002_catalog_pull")])
    with connection.cursor() as cursor:
        assert not partitions.is_partitioned(cursor)
        cursor.execute("SELECT id, dossier_id, action, at FROM dossiers_event ORDER BY id")
        assert cursor.fetchall() == [row[:4] for row in before]
        # an existing database: a message pointing at an event by its id alone
        cursor.execute("SELECT count(*) FROM national_syncmessage")
        assert cursor.fetchone()[0] == len(messages)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        assert partitions.is_partitioned(cursor)
        parts = partitions.year_partitions(cursor)
    this_year = date.today().year
    for year in (2025, 2026, this_year, this_year + 1):
        assert partitions.partition_name(year) in parts
    assert partitions.DEFAULT in parts
    assert sorted(Event.objects.values_list("id", "dossier_id", "action", "at", "dossier_year")) == before
    assert sorted(SyncMessage.objects.values_list("id", "event_id", "event_year")) == messages
    assert set(events_by_partition()) == {"dossiers_event_y2025", "dossiers_event_y2026"}
    # the sequence goes on after the copied ids
    with freeze_time("2026-12-08 09:00:00+07:00"):
        services.dossier_withdraw(actor=old.received_by, dossier=old, reason="Người nộp rút")
    assert Event.objects.order_by("-id").first().id > max(row[0] for row in before)


def test_a_message_cannot_name_an_event_of_another_year(two_years):
    message = SyncMessage.objects.order_by("id").first()
    with pytest.raises(Exception, match="national_syncmessage_event_fk"), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE national_syncmessage SET event_year = event_year + 1 WHERE id = %s", [message.id]
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_beat_makes_next_years_partition_and_moves_waiting_rows(two_years, world):
    with freeze_time("2024-06-03 09:00:00+07:00"):
        older = receive(world)  # no partition for 2024: its events wait in the default one
    waiting = Event.objects.filter(dossier=older).count()
    assert events_by_partition()[partitions.DEFAULT] == waiting > 0
    with freeze_time("2028-12-01 02:00:00+07:00"):
        assert add_year_partitions() == ["dossiers_event_y2028", "dossiers_event_y2029"]
    assert partitions.ensure_year_partitions([2024, 2025]) == ["dossiers_event_y2024"]
    assert events_by_partition()["dossiers_event_y2024"] == waiting
    assert partitions.DEFAULT not in events_by_partition()
    assert [e.dossier_id for e in selectors.dossier_for(world.clerk, older.code).events.all()] == [
        older.id
    ] * waiting
    with freeze_time("2028-12-02 02:00:00+07:00"):
        assert add_year_partitions() == []  # once made, nothing more

"""The dossiers and the event log partitioned by the dossier's year on PostgreSQL (issue 25,
``dossiers.partitions``): the migrations convert a database with rows and back, a dossier, its
timeline, its tracking by code or token are read from one partition, inserts land in their year's
partition, the registry keeps codes and tokens unique across years and is what references point
at, the beat task makes the coming years' partitions of both tables."""

import re
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from freezegun import freeze_time

from dossiers import partitions, selectors, services
from dossiers.models import Dossier, DossierKey, Event, Step
from dossiers.services import Intake
from dossiers.tasks import add_year_partitions
from national.models import SyncMessage
from tests.factories import DossierFactory, applicant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def receive(world):
    documents = {d.id: (d.originals, d.copies) for d in world.procedure.documents.all()}
    return services.dossier_receive(
        actor=world.clerk,
        procedure=world.procedure,
        intake=Intake(applicant=applicant(), documents=documents),
    )


def events_by_partition(table: str = "dossiers_event") -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text, count(*) FROM {table} GROUP BY 1")  # noqa: S608
        return dict(cursor.fetchall())


def executed_partitions(queryset) -> set[str]:
    """The dossier partitions a query really read (``EXPLAIN ANALYZE``: the year named by the
    registry prunes the others when the statement runs, shown "never executed")."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    return {
        word
        for line in lines
        if "never executed" not in line
        for word in line.replace("(", " ").split()
        if re.fullmatch(r"dossiers_dossier_(y\d{4}|default)", word)
    }


def explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def timezone_now():
    from django.utils import timezone

    return timezone.now()


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
    assert events_by_partition(partitions.DOSSIERS) == {
        "dossiers_dossier_y2025": 1,
        "dossiers_dossier_y2026": 1,
    }
    assert sorted(DossierKey.objects.values_list("id", "received_year", "code", "tracking_token")) == sorted(
        Dossier.objects.values_list("id", "received_year", "code", "tracking_token")
    )


def test_tracking_and_the_dossier_page_read_one_partition(two_years, world):
    old, new = two_years
    assert executed_partitions(selectors._tracked().filter(selectors.by_key("code", new.code))) == {
        "dossiers_dossier_y2026"
    }
    by_token = selectors._tracked().filter(selectors.by_key("tracking_token", old.tracking_token))
    assert executed_partitions(by_token) == {"dossiers_dossier_y2025"}
    assert selectors.dossier_for_tracking(old.code, old.secret) == old
    assert selectors.dossier_by_token(new.tracking_token) == new
    assert selectors.dossier_for(world.clerk, old.code) == old
    tracked = selectors.public_tracking(token=old.tracking_token)
    assert tracked.code == old.code and tracked.timeline
    assert selectors.public_tracking(code=new.code, secret=new.secret).code == new.code
    assert selectors.dossier_for_tracking("KHONG-CO", "ABCDEFGH") is None


def test_unprepared_tracking_is_planned_for_the_dossiers_own_partitions(two_years):
    """Behind PgBouncer in transaction mode nothing is prepared and every statement is planned
    where it is sent: public tracking reads the registry first, then its statement names the
    dossier's year, so its plan (``EXPLAIN``, no run) holds that year's partitions of the dossiers
    and events alone. A code not in the registry is answered after the registry alone."""
    old, new = two_years
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    before = connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"]
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with connection.execute_wrapper(record):
            assert selectors.public_tracking(token=old.tracking_token).code == old.code
            assert selectors.public_tracking(code=new.code, secret=new.secret).code == new.code
            assert selectors.public_tracking(code="KHONG-CO", secret=new.secret) is None
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = before
    planned = []
    with connection.cursor() as cursor:
        for sql, params in sent:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            planned.append(set(re.findall(r"dossiers_(?:dossier|event)_(?:y\d{4}|default)", plan)))
    assert [sql.split(" WHERE ")[0] for sql, _params in sent][::2] == [
        f"SELECT id, received_year FROM {partitions.REGISTRY}"
    ] * 3
    assert planned == [
        set(),
        {"dossiers_dossier_y2025", "dossiers_event_y2025"},
        set(),
        {"dossiers_dossier_y2026", "dossiers_event_y2026"},
        set(),
    ]


def test_the_unprepared_dossier_page_is_planned_for_the_dossiers_own_partitions(two_years, world, client):
    """The staff's dossier page, behind PgBouncer in transaction mode (nothing prepared): it reads
    the registry first, and none of its statements then names a partition of another year in its
    plan (``EXPLAIN``, no run), nor joins the dossiers to sort related rows (the models' own order
    by dossier did). A code not in the registry: 404 after the registry alone."""
    old, new = two_years
    client.force_login(world.clerk)
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    before = connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"]
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with connection.execute_wrapper(record):
            for dossier in (old, new):
                assert client.get(f"/ho-so/xem/{dossier.code}/").status_code == 200
            first_missing = len(sent)
            assert client.get("/ho-so/xem/KHONG-CO/").status_code == 404
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = before
    registry = f"SELECT id, received_year FROM {partitions.REGISTRY}"
    assert [sql for sql, _params in sent[first_missing:] if "dossiers_" in sql] == [
        f"{registry} WHERE code = %s"
    ]
    planned = {}
    with connection.cursor() as cursor:
        for sql, params in sent[:first_missing]:
            if not sql.lstrip().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            planned[sql] = set(re.findall(r"dossiers_(?:dossier|event)_(?:y\d{4}|default)", plan))
    read = set().union(*planned.values())
    assert read == {
        "dossiers_dossier_y2025",
        "dossiers_event_y2025",
        "dossiers_dossier_y2026",
        "dossiers_event_y2026",
    }
    assert all(len({name[-4:] for name in names}) <= 1 for names in planned.values()), planned


def test_the_registry_refuses_a_code_or_token_reused_in_another_year(two_years, world):
    old, new = two_years
    for reused in ({"code": old.code}, {"tracking_token": old.tracking_token}):
        with (
            pytest.raises(IntegrityError, match="dossiers_dossierkey_"),
            transaction.atomic(),
            freeze_time("2026-06-01 09:00:00+07:00"),
        ):
            DossierFactory(procedure=world.procedure, submitted_at=timezone_now(), **reused)
    # a code changed later (the intake's provisional code becomes the real one) is checked too
    with pytest.raises(IntegrityError, match="dossiers_dossierkey_code_key"), transaction.atomic():
        Dossier.objects.filter(pk=new.pk).update(code=old.code)
    assert DossierKey.objects.get(pk=new.pk).code == new.code


def test_a_reference_to_a_missing_dossier_is_refused(two_years):
    old, _new = two_years
    step = Step.objects.filter(dossier=old).first() or Step.objects.first()
    missing = Dossier.objects.order_by("-id").first().id + 1000
    with (
        pytest.raises(IntegrityError, match="REFERENCES|dossiers_dossierkey|foreign key"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE dossiers_step SET dossier_id = %s WHERE id = %s", [missing, step.id])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # nor can a registry row exist without its dossier, or a dossier without its registry row
    with (
        pytest.raises(IntegrityError, match="dossiers_dossierkey_dossier_fk"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO dossiers_dossierkey (id, received_year, code, tracking_token, intake_office_id) "
            "VALUES (%s, 2026, 'X-1', 'x-token-000000000000000', %s)",
            [missing, old.intake_office_id],
        )
    with (
        pytest.raises(IntegrityError, match="dossier_registry_fk"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM dossiers_dossierkey WHERE id = %s", [old.id])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


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
    dossiers = sorted(Dossier.objects.values_list("id", "code", "tracking_token", "status", "received_year"))
    before = sorted(Event.objects.values_list("id", "dossier_id", "action", "at", "dossier_year"))
    messages = sorted(SyncMessage.objects.values_list("id", "event_id", "event_year"))
    assert messages, "the national sync writes a message for these events"
    executor = MigrationExecutor(connection)
    executor.migrate([("dossiers", "0018_staff_page_indexes"), ("national", "0002_catalog_pull")])
    with connection.cursor() as cursor:
        assert not partitions.is_partitioned(cursor)
        assert not partitions.is_partitioned(cursor, partitions.DOSSIERS)
        cursor.execute("SELECT to_regclass('dossiers_dossierkey')")
        assert cursor.fetchone()[0] is None
        cursor.execute("SELECT id, code, tracking_token, status FROM dossiers_dossier ORDER BY id")
        assert cursor.fetchall() == [row[:4] for row in dossiers]
        # the plain table's own keys are back, and the references point at it
        cursor.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint "
            "WHERE confrelid = 'dossiers_dossier'::regclass AND contype = 'f'"
        )
        referencing = sorted(row[0] for row in cursor.fetchall())
        assert len(referencing) == 17, " ".join(referencing)
        with pytest.raises(IntegrityError, match="dossier_code_key"), transaction.atomic():
            cursor.execute("UPDATE dossiers_dossier SET code = %s WHERE id = %s", [old.code, new.id])
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
    assert (
        sorted(Dossier.objects.values_list("id", "code", "tracking_token", "status", "received_year"))
        == dossiers
    )
    assert set(events_by_partition(partitions.DOSSIERS)) == {
        "dossiers_dossier_y2025",
        "dossiers_dossier_y2026",
    }
    assert DossierKey.objects.count() == len(dossiers)
    with connection.cursor() as cursor:
        parts = partitions.year_partitions(cursor, partitions.DOSSIERS)
        # the 17 references point at the registry, the registry and the dossiers at each other
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE confrelid = 'dossiers_dossierkey'::regclass "
            "AND contype = 'f' AND conparentid = 0"
        )
        assert cursor.fetchone()[0] == 18
    for year in (2025, 2026, this_year, this_year + 1):
        assert partitions.partition_name(year, partitions.DOSSIERS) in parts
    # the sequences go on after the copied ids
    with freeze_time("2026-12-08 09:00:00+07:00"):
        services.dossier_withdraw(actor=old.received_by, dossier=old, reason="Người nộp rút")
    assert Event.objects.order_by("-id").first().id > max(row[0] for row in before)
    assert DossierFactory().id > max(row[0] for row in dossiers)


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
    assert events_by_partition(partitions.DOSSIERS)[partitions.DOSSIERS_DEFAULT] == 1
    with freeze_time("2028-12-01 02:00:00+07:00"):
        assert add_year_partitions() == [
            "dossiers_dossier_y2028",
            "dossiers_dossier_y2029",
            "dossiers_event_y2028",
            "dossiers_event_y2029",
        ]
    assert partitions.ensure_year_partitions([2024, 2025]) == [
        "dossiers_dossier_y2024",
        "dossiers_event_y2024",
    ]
    assert events_by_partition()["dossiers_event_y2024"] == waiting
    assert partitions.DEFAULT not in events_by_partition()
    assert events_by_partition(partitions.DOSSIERS)["dossiers_dossier_y2024"] == 1
    assert partitions.DOSSIERS_DEFAULT not in events_by_partition(partitions.DOSSIERS)
    assert DossierKey.objects.get(pk=older.pk).code == older.code  # the move kept its registry row
    assert [e.dossier_id for e in selectors.dossier_for(world.clerk, older.code).events.all()] == [
        older.id
    ] * waiting
    with freeze_time("2028-12-02 02:00:00+07:00"):
        assert add_year_partitions() == []  # once made, nothing more

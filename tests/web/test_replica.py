"""The replica router against a real streaming replica of the test PostgreSQL (``.ci/replica``
starts one; ``TEST_REPLICA_PORT`` names its port; skipped without). The dashboards' reads go
there; sessions, users and everything inside a transaction stay on the primary."""

import os
import time

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from procedures.models import Agency
from procedures.services import agency_upsert
from tests.factories import StaffFactory
from web import compiled

PORT = os.environ.get("TEST_REPLICA_PORT", "")
pytestmark = [
    pytest.mark.skipif(
        not PORT, reason="no streaming replica: .ci/replica start 5432 5442 and TEST_REPLICA_PORT"
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]
if PORT and "replica" not in connections.settings:
    # Known before the test databases are made, as a mirror of the default one (no database of its
    # own is made on the standby, it streams the primary's); the fixture points it at the standby.
    connections.settings["replica"] = {**connections.settings["default"], "TEST": {"MIRROR": "default"}}


@pytest.fixture
def replica(settings, on_postgres):
    """The ``replica`` database: the test database, read on the standby's port."""
    if not on_postgres:
        pytest.skip("a streaming replica is PostgreSQL's")
    standby = connections["replica"]
    standby.close()
    primary = connections["default"].settings_dict
    standby.settings_dict = {**primary, "PORT": PORT, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    settings.DATABASE_ROUTERS = ["web.replica.ReplicaRouter"]
    session = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:session],
        "web.replica.LagTolerantReadsMiddleware",
        *settings.MIDDLEWARE[session:],
    ]
    yield standby
    standby.close()


def province() -> Agency:
    agency, _ = agency_upsert(code="UBNDT", name="UBND tỉnh", level="province", kind="peoples_committee")
    return agency


def replayed(replica_connection, timeout: float = 20.0) -> float:
    """Wait until the standby has replayed what the primary has written; the seconds it took."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with replica_connection.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"the replica did not replay {target} within {timeout} s")


def test_the_replica_is_a_read_only_standby_that_streams_the_primary(replica):
    agency, _ = agency_upsert(code="REPL1", name="Sở thử bản sao", level="province", kind="department")
    replayed(replica)
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
        cursor.execute(f"SELECT name FROM {Agency._meta.db_table} WHERE id = %s", [agency.pk])  # noqa: S608
        assert cursor.fetchone()[0] == "Sở thử bản sao"
    with pytest.raises(Exception, match="read-only"), replica.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Agency._meta.db_table}")  # noqa: S608


def test_the_dashboard_reads_its_figures_on_the_replica_and_the_session_on_the_primary(replica, client):
    manager = StaffFactory(role=Role.MANAGER, agency=province())
    client.force_login(manager)
    replayed(replica)
    with CaptureQueriesContext(connection) as primary, CaptureQueriesContext(replica) as standby:
        assert client.get(reverse("dashboards:dashboard")).status_code == 200
    assert standby.captured_queries, "no read went to the replica"
    # the session and the user are read by statements prepared once a connection: after the
    # first request only ``EXECUTE name (…)`` names them (``web.sessions``, ``accounts.backends``)
    session = ("django_session", "hcc_session_read")
    user = ("accounts_user", compiled.statement_name(("session_user",)))
    assert not any(word in q["sql"] for q in standby.captured_queries for word in (*session, *user))
    assert any(word in q["sql"] for q in primary.captured_queries for word in session)
    # the wide rollups too, which ``figures`` sums in its own SQL (the year to date: its months
    # and the days of this month)
    for table in ("dashboards_monthlyagencyinputs", "dashboards_dailyagencyinputs"):
        assert any(table in q["sql"] for q in standby.captured_queries), table
        assert not any(table in q["sql"] for q in primary.captured_queries), table


def test_a_page_outside_the_lag_tolerant_ones_and_a_transaction_read_the_primary(replica, client):
    manager = StaffFactory(role=Role.MANAGER, agency=province())
    client.force_login(manager)
    with CaptureQueriesContext(replica) as standby:
        assert client.get(reverse("dossiers:inbox")).status_code in (200, 403)
    assert standby.captured_queries == []

    from web.replica import _lag_tolerant

    token = _lag_tolerant.set(True)
    try:
        with CaptureQueriesContext(replica) as standby:
            assert Agency.objects.filter(code="REPL1").count() == 0  # outside a transaction: replica
            with transaction.atomic():
                agency_upsert(code="REPL2", name="Sở mới", level="province", kind="department")
                assert Agency.objects.filter(code="REPL2").count() == 1  # reads its own write
        assert len(standby.captured_queries) == 1
    finally:
        _lag_tolerant.reset(token)

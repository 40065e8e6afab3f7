"""Behind a real PgBouncer in transaction mode (``.ci/pgbouncer``; ``.ci/run`` runs these with the
tracking, online submission and login tests through it, ``DATABASE_TRANSACTION_POOLING=1``;
skipped on a direct connection). Nothing may stay on a server session: it is another client's
next (docs/scaling.md, ``web.pooling``)."""

import threading

import psycopg2
import pytest
from django.db import connection, connections, transaction

from dossiers import selectors
from national.services import relax_commit_durability
from notifications import tasks as notification_tasks
from tests.factories import DossierFactory
from web.pooling import transaction_pooled

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not transaction_pooled(connection),
        reason="not behind PgBouncer: .ci/pgbouncer start 5432 6432, DATABASE_TRANSACTION_POOLING=1",
    ),
    pytest.mark.django_db,
]


def admin_console(command: str) -> list[tuple]:
    """A command of PgBouncer's admin console (autocommit: it runs no transactions)."""
    params = connection.settings_dict
    admin = psycopg2.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        password=params["PASSWORD"],
        dbname="pgbouncer",
    )
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(command)
            return cursor.fetchall()
    finally:
        admin.close()


def show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_the_portal_talks_to_postgresql_through_pgbouncer_in_transaction_mode():
    with connection.cursor() as cursor:
        cursor.execute("SELECT inet_server_port()")
        (server_port,) = cursor.fetchone()
    assert str(server_port) != str(connection.settings_dict["PORT"])
    config = {row[0]: row[1] for row in admin_console("SHOW CONFIG")}
    assert config["pool_mode"] == "transaction"
    assert config["server_reset_query"] == ""


def test_a_workers_relaxed_durability_is_not_left_on_a_shared_server_session():
    """Directly connected, a worker sets ``synchronous_commit = off`` for its session; behind the
    pooler that session would be a web request's next, so the worker keeps full durability."""
    relax_commit_durability()
    notification_tasks._relax_commit_durability()
    assert show("synchronous_commit") == "on"
    with transaction.atomic():
        assert show("synchronous_commit") == "on"


@pytest.mark.django_db(transaction=True)
def test_the_tracking_statement_answers_on_whichever_server_session_it_gets():
    """Tracking's statement is sent unprepared (``web.prepared``): a ``PREPARE`` made in one
    transaction would be missing in the next one, run on another server session. Eight threads,
    each its own client connection, look up the same dossier forty times over a smaller pool."""
    dossier = DossierFactory()
    expected = selectors.public_tracking(code=dossier.code, secret=dossier.secret)
    assert expected is not None
    answers, errors = [], []

    def look_up():
        try:
            for _ in range(40):
                answers.append(selectors.public_tracking(code=dossier.code, secret=dossier.secret))
        except Exception as error:  # the assertion below reports it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=look_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(answers) == 320
    assert all(answer == expected for answer in answers)

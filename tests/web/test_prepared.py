"""Statements prepared once per PostgreSQL connection (``web.prepared``)."""

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from web import prepared
from web.pooling import transaction_pooled

SQL = "SELECT CAST(%s AS integer) + CAST(%s AS integer), CAST(%s AS text)"


def run(params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        prepared.execute(cursor, "hcc_test_sum", SQL, params)
        return cursor.fetchall()


@pytest.mark.django_db
def test_the_answers_are_those_of_the_plain_statement():
    with connection.cursor() as cursor:
        cursor.execute(SQL, [2, 3, "a"])
        plain = cursor.fetchall()
    assert run([2, 3, "a"]) == plain == [(5, "a")]
    assert run([40, 2, "b"]) == [(42, "b")]


@pytest.mark.postgres
@pytest.mark.skipif(transaction_pooled(connection), reason="behind PgBouncer nothing is prepared")
@pytest.mark.django_db(transaction=True)
def test_postgres_prepares_once_per_connection_and_again_after_a_reconnect():
    connections["default"].close()
    with CaptureQueriesContext(connection) as first:
        run([1, 1, "x"])
        run([2, 2, "y"])
    sent = [query["sql"] for query in first.captured_queries]
    assert sent[0].startswith(
        "PREPARE hcc_test_sum AS SELECT CAST($1 AS integer) + CAST($2 AS integer), CAST($3 AS text)"
    )
    assert [sql.split(" (")[0] for sql in sent[1:]] == ["EXECUTE hcc_test_sum"] * 2
    # A rollback keeps the prepared statement: it belongs to the session.
    with transaction.atomic():
        run([3, 3, "z"])
        transaction.set_rollback(True)
    assert run([4, 4, "w"]) == [(8, "w")]
    connections["default"].close()
    with CaptureQueriesContext(connection) as again:
        assert run([5, 5, "v"]) == [(10, "v")]
    assert again.captured_queries[0]["sql"].startswith("PREPARE hcc_test_sum")


def test_a_name_that_is_not_an_identifier_is_refused(db, on_postgres):
    if not on_postgres:
        pytest.skip("other databases run the statement as it is")
    with connection.cursor() as cursor, pytest.raises(ValueError):
        prepared.execute(cursor, "x; DROP TABLE y", SQL, [1, 2, "a"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_behind_a_transaction_pooler_the_statement_is_sent_as_it_is():
    """PgBouncer in transaction mode hands each transaction another server session: a statement
    prepared on one would be missing on the next (docker-compose.yml, docs/scaling.md)."""
    connections["default"].close()
    before = connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"]
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with CaptureQueriesContext(connection) as sent:
            assert run([1, 2, "p"]) == [(3, "p")]
            assert run([2, 2, "q"]) == [(4, "q")]
        assert [q["sql"] for q in sent.captured_queries] == [
            "SELECT CAST(1 AS integer) + CAST(2 AS integer), CAST('p' AS text)",
            "SELECT CAST(2 AS integer) + CAST(2 AS integer), CAST('q' AS text)",
        ]
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = before
        connections["default"].close()


@pytest.mark.postgres
@pytest.mark.skipif(transaction_pooled(connection), reason="behind PgBouncer nothing is prepared")
@pytest.mark.django_db(transaction=True)
def test_statements_named_by_their_text_are_kept_up_to_a_bound(monkeypatch):
    """``execute_text``: one prepared statement per text and connection; past ``MAX_BY_TEXT``
    texts the one used longest ago is let go, with the same answers."""
    monkeypatch.setattr(prepared, "MAX_BY_TEXT", 2)
    connections["default"].close()
    texts = [f"SELECT CAST(%s AS integer) + {n}" for n in range(3)]

    def ask(sql: str, value: int):
        with connection.cursor() as cursor:
            prepared.execute_text(cursor, sql, [value])
            return cursor.fetchone()[0]

    with CaptureQueriesContext(connection) as seen:
        answers = [ask(texts[0], 10), ask(texts[1], 10), ask(texts[0], 10), ask(texts[2], 10)]
        answers.append(ask(texts[0], 1))  # still kept: used after the second text
        answers.append(ask(texts[1], 1))  # let go for the third: prepared again
    assert answers == [10, 11, 10, 12, 1, 2]
    sent = [" ".join(query["sql"].split(" ")[:2]) for query in seen.captured_queries]
    first, second, third = (prepared.text_name(sql) for sql in texts)
    assert sent == [
        f"PREPARE {first}",
        f"EXECUTE {first}",
        f"PREPARE {second}",
        f"EXECUTE {second}",
        f"EXECUTE {first}",
        f"DEALLOCATE {second}",
        f"PREPARE {third}",
        f"EXECUTE {third}",
        f"EXECUTE {first}",
        f"DEALLOCATE {third}",
        f"PREPARE {second}",
        f"EXECUTE {second}",
    ]


@pytest.mark.postgres
@pytest.mark.skipif(transaction_pooled(connection), reason="behind PgBouncer nothing is prepared")
@pytest.mark.django_db(transaction=True)
def test_values_written_into_the_text_are_prepared_without_parameters():
    """``execute_text(inline=True)``: the values in the text as psycopg2 writes them (a date, an
    array, a string with a quote), no parameters; a value holding "%" is run as it is."""
    from datetime import date

    connections["default"].close()
    sql = "SELECT CAST(%s AS date) + 1, %s = ANY(%s), CAST(%s AS text)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [date(2026, 2, 28), 3, [1, 3], "l'an"])
        plain = cursor.fetchall()
    for value in ("l'an", "50 %"):
        with CaptureQueriesContext(connection) as seen, connection.cursor() as cursor:
            prepared.execute_text(cursor, sql, [date(2026, 2, 28), 3, [1, 3], value], inline=True)
            assert cursor.fetchall() == [(date(2026, 3, 1), True, value)]
        sent = [query["sql"] for query in seen.captured_queries]
        if value == "l'an":
            assert plain == [(date(2026, 3, 1), True, value)]
            assert sent[0].startswith("PREPARE hcc_text_") and "'2026-02-28'::date" in sent[0]
            assert sent[1].startswith("EXECUTE hcc_text_") and "(" not in sent[1]
        else:
            assert len(sent) == 1 and sent[0].startswith("SELECT") and "'50 %'" in sent[0]

"""Statements prepared once per PostgreSQL connection, for the busiest public lookups.

PostgreSQL plans every statement it is sent. For a lookup of a few index rows that planning costs
more than the execution: the public tracking statement (``dossiers.selectors.public_tracking``)
takes about 0.25 ms to plan and 0.2 ms to run at a million dossiers. ``execute`` sends
``PREPARE`` the first time a connection runs a statement, then ``EXECUTE`` with the parameters,
so it is planned once per connection (connections are kept, ``CONN_MAX_AGE``). A prepared
statement belongs to the session, not the transaction: a rollback keeps it. It does not survive
a pooler that hands each transaction another server session (PgBouncer in transaction mode):
behind one, ``DISABLE_SERVER_SIDE_CURSORS`` is set on the database (as Django asks for transaction
pooling; ``DATABASE_TRANSACTION_POOLING=1``) and the statement is simply executed, planned each
time, as on other databases.
"""

import hashlib
import re
import weakref
from collections import OrderedDict

from web.pooling import transaction_pooled

# The statements each open connection has prepared, by name.
_prepared: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# Statements named by their text (``execute_text``) a connection keeps prepared at most, the
# longest unused let go first: a question's shapes are few (the dashboard's: its grouping, its
# filters, the scope and dates written in), and a connection lives ``CONN_MAX_AGE``.
MAX_BY_TEXT = 32
_by_text: "weakref.WeakKeyDictionary[object, OrderedDict[str, None]]" = weakref.WeakKeyDictionary()


def _numbered(sql: str) -> str:
    """``%s`` placeholders as PREPARE's ``$1``, ``$2``… (the SQL has no literal ``%``)."""
    count = iter(range(1, sql.count("%s") + 1))
    return re.sub(r"%s", lambda _m: f"${next(count)}", sql)


def execute(cursor, name: str, sql: str, params: list) -> None:
    """Run ``sql`` with ``params`` on Django's ``cursor``, as the statement ``name`` prepared on
    this connection when it is PostgreSQL. ``sql`` must be the same text every time for a name."""
    if not _NAME.match(name):
        raise ValueError(f"not a statement name: {name!r}")
    if cursor.db.vendor != "postgresql" or transaction_pooled(cursor.db):
        cursor.execute(sql, params)
        return
    raw = cursor.db.connection
    names = _prepared.setdefault(raw, set())
    if name not in names:
        cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")  # noqa: S608  # nosec B608
        names.add(name)
    if params:
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)  # nosec B608
    else:
        cursor.execute(f"EXECUTE {name}")


def text_name(sql: str) -> str:
    """The name ``execute_text`` prepares ``sql`` under."""
    return "hcc_text_" + hashlib.sha256(sql.encode()).hexdigest()[:24]


def execute_text(cursor, sql: str, params: list, *, inline: bool = False) -> None:
    """``execute`` under a name made of ``sql``'s text, for a statement assembled from a few
    shapes (``dashboards.figures._Batch``): each shape is prepared once per connection; past
    ``MAX_BY_TEXT`` of them the one used longest ago is let go (``DEALLOCATE``).

    ``inline``: the values are written into the text as psycopg2 writes them anyway (it sends a
    statement's values in its text, ``mogrify``), and the statement is prepared without
    parameters. PostgreSQL then plans it once: with parameters it may plan each execution again
    for their values (a "custom plan"), which for the dashboard's union of a dozen reads cost as
    much as running it. A text holding a ``%`` (from a value) is run as it is."""
    if cursor.db.vendor != "postgresql" or transaction_pooled(cursor.db):
        cursor.execute(sql, params)
        return
    if inline:
        sql, params = cursor.cursor.mogrify(sql, params).decode(), []
        if "%" in sql:  # PREPARE's placeholders are written from "%s": run it as it is
            cursor.execute(sql)
            return
    name = text_name(sql)
    raw = cursor.db.connection
    kept = _by_text.setdefault(raw, OrderedDict())
    if name in kept:
        kept.move_to_end(name)
    else:
        if len(kept) >= MAX_BY_TEXT:
            oldest, _none = kept.popitem(last=False)
            names = _prepared.get(raw, set())
            if oldest in names:  # (not when its PREPARE failed)
                cursor.execute(f"DEALLOCATE {oldest}")
                names.discard(oldest)
        kept[name] = None
    execute(cursor, name, sql, params)


def among(cursor, column: str, values) -> tuple[str, list]:
    """``column`` is one of ``values``, as SQL and its parameters for ``execute``: one array
    parameter on PostgreSQL (the same text for any number of values, so one prepared statement),
    a list of placeholders elsewhere (``1 = 0`` for none). ``column`` is ours, never input."""
    values = list(values)
    if cursor.db.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def scoped(cursor, name: str, where: str, params: list, columns: tuple[str, ...], values):
    """A statement's ``name``, ``where`` and ``params`` narrowed to the rows whose ``columns`` (any
    of them) are ``among`` ``values``, under its own name (``name_scoped``: one prepared statement
    for any scope); as they are when ``values`` is None (no scope: everything)."""
    if values is None:
        return name, where, params
    parts, extra = [], []
    for column in columns:
        sql, column_params = among(cursor, column, values)
        parts.append(sql)
        extra += column_params
    return f"{name}_scoped", f"{where} AND ({' OR '.join(parts)})", params + extra

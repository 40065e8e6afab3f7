"""PgBouncer in transaction mode (``DATABASE_TRANSACTION_POOLING=1``, docs/scaling.md).

Behind such a pooler each transaction may run on another server session, and a server session
passes from one client to the next. So nothing may be left on the session: no server-side cursor
(Django's ``DISABLE_SERVER_SIDE_CURSORS``, set by settings from the same variable, is the flag
this module reads), no statement prepared with ``PREPARE`` (``web.prepared``), no ``SET`` without
``LOCAL``, no session advisory lock. A temporary table created and used in one transaction is
fine (``ON COMMIT DELETE ROWS``: the next user of the session finds it empty).
"""

from django.db import connection as default_connection


def transaction_pooled(connection=default_connection) -> bool:
    """Whether ``connection`` goes through a pooler that hands each transaction any server
    session."""
    return connection.vendor == "postgresql" and bool(
        connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    )

"""Django's database sessions, with the two statements of a request prepared (issue 25).

Every signed-in request reads its session row, and every request that changed the session writes
it back: through the ORM each statement was built and compiled again (about a sixth of an online
submission's page in Python). Here the read and the update of an existing row are plain SQL,
prepared once per PostgreSQL connection (``web.prepared``); the rest is Django's ``db`` engine
unchanged: the same table, the same encoding, creation and deletion through the ORM, the same
errors (an update that finds no row is ``UpdateError``, as the ORM's forced update).
"""

import logging
from contextlib import nullcontext

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

from web import prepared

# Django's table (``django.contrib.sessions.models.Session``)
_READ = "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s"
_UPDATE = "UPDATE django_session SET session_data = %s, expire_date = %s WHERE session_key = %s"


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        """The row's data when the key is known and not expired, else None (and no key)."""
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        try:
            key = self.session_key  # a malformed cookie is refused here (SuspiciousOperation)
            with connection.cursor() as cursor:
                prepared.execute(
                    cursor,
                    "hcc_session_read",
                    _READ,
                    [key, connection.ops.adapt_datetimefield_value(timezone.now())],
                )
                row = cursor.fetchone()
        except SuspiciousOperation as exc:
            logging.getLogger(f"django.security.{exc.__class__.__name__}").warning(str(exc))
            row = None
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=row[0])

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        data = self._get_session()
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        params = [
            self.encode(data),
            connection.ops.adapt_datetimefield_value(self.get_expiry_date()),
            self.session_key,
        ]
        # One statement in autocommit is atomic by itself; inside a caller's transaction a
        # savepoint keeps a failure from breaking it, as Django's engine does.
        try:
            with (
                transaction.atomic(using=alias) if connection.in_atomic_block else nullcontext(),
                connection.cursor() as cursor,
            ):
                prepared.execute(cursor, "hcc_session_update", _UPDATE, params)
                updated = cursor.rowcount
        except DatabaseError:
            raise UpdateError from None
        if updated != 1:
            raise UpdateError

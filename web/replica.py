"""Reads that tolerate a few seconds of lag on a streaming replica of PostgreSQL (docs/scaling.md).

Off unless ``REPLICA_DATABASE_URL`` is set (settings then add the ``replica`` database, this
router and this middleware). What goes to the replica is narrow, and said in settings:

- only reads of a GET or HEAD request to a view of a URL namespace in ``REPLICA_READ_NAMESPACES``
  (the dashboards: figures, the dossiers behind a figure, the report exports, the statistics API);
- only models outside ``REPLICA_PRIMARY_APPS`` (sessions, users, logins, access records stay on the
  primary: a user who just logged in must not be thrown out by a replica a second behind);
- never inside a transaction on the primary: everything in a transaction that writes, reads
  included, goes to the primary.

Writes always go to the primary. With the replica down, those pages fail as any page would with
the primary down; a deployment that prefers them slower rather than failing unsets the variable.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections

# True while a request whose reads may lag is being served
_lag_tolerant: ContextVar[bool] = ContextVar("hcc_lag_tolerant_reads", default=False)
REPLICA = "replica"


class ReplicaRouter:
    """Routes the reads of a lag-tolerant request to ``replica``; everything else to ``default``."""

    def db_for_read(self, model, **hints):
        if not _lag_tolerant.get() or REPLICA not in connections.settings:
            return None
        if model._meta.app_label in settings.REPLICA_PRIMARY_APPS:
            return None
        if connections["default"].in_atomic_block:
            return None  # a transaction reads what it wrote, on the primary
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data: the replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class LagTolerantReadsMiddleware:
    """Marks the GET and HEAD requests of the views in ``REPLICA_READ_NAMESPACES`` as reading from
    the replica (``ReplicaRouter``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _lag_tolerant.set(False)
        try:
            return self.get_response(request)
        finally:
            _lag_tolerant.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method not in ("GET", "HEAD") or match is None:
            return None
        if set(match.namespaces) & set(settings.REPLICA_READ_NAMESPACES) or (
            match.url_name in settings.REPLICA_READ_URL_NAMES
        ):
            _lag_tolerant.set(True)
        return None

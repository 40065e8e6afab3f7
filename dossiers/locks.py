"""The one way to take a dossier's row lock, for every app.

A service that changes a dossier (or rows whose rule depends on it: fee lines, ratings, payments)
locks the dossier's row first, in its own transaction, so that two people acting on one dossier at
once are served one after the other. The lock is taken with ``of=("self",)``: FOR UPDATE on the
dossier only, never on the rows joined by ``select_related``. Locking the joined procedure or
office as well would block every insert that references them (a foreign key check takes KEY
SHARE on the referenced row) and deadlocked concurrent intakes before. A test
(``tests/dossiers/test_locks.py``) finds any other ``select_for_update`` on a dossier.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from dossiers.models import Dossier


def dossiers_for_update(queryset: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    """``queryset`` (all dossiers by default) locking the dossiers' rows only, when evaluated."""
    queryset = Dossier.objects.all() if queryset is None else queryset
    return queryset.select_for_update(of=("self",))


def dossier_lock(dossier: Dossier | int, *, related: Iterable[str] = ()) -> Dossier:
    """The dossier read again under its row lock (the caller's transaction holds it until its end),
    with the rows named by ``related`` fetched in the same query and left unlocked."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    queryset = Dossier.objects.all()
    related = tuple(related)
    if related:  # select_related() with no names would join every foreign key
        queryset = queryset.select_related(*related)
    return dossiers_for_update(queryset).get(pk=pk)

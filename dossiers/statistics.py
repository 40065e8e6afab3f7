"""The one door from the dossiers to the statistics' rollups, so that ``dossiers`` imports nothing of
``dashboards`` (DESIGN.md, "Layout": ``dashboards`` reads everything and nothing imports it).

The rollups must move in the transaction that changes a dossier (a figure is never a moment
behind, and a rolled-back change leaves no count). So every writer of a dossier tells this module
what changed, in its transaction, and the module passes it on to the one listener that
``DashboardsConfig.ready`` registers (``dashboards.rollup.RollupListener``):

- ``dossier_changed(dossier)``: a service changed one dossier (``_transition``, intake,
  ``dossier_note_opinion``); called before ``save()``, it reads the stored row and gives the
  listener the row before and the row after;
- ``bulk_change(queryset, **changes)``: many dossiers changed outside the services (demo data,
  repairs), the rows before and after a batch at a time;
- ``dossiers_inserted(ids)`` and, on PostgreSQL, ``staging_sql``/``add_staged``: rows the history
  import inserted in bulk (the statement that inserts them also stages their cells).

A row is a dict of ``ROW_FIELDS``: what the statistics read of a dossier. Without a listener (an
installation without ``dashboards``) nothing is counted; ``tests/dashboards`` checks that the
listener is registered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.db import transaction

from dossiers import tracking_pages
from dossiers.locks import dossiers_for_update
from dossiers.models import Dossier

# What the statistics read of a dossier (and of its procedure and agency).
ROW_FIELDS = (
    "status",
    "channel",
    "received_at",
    "due_at",
    "result_ready_at",
    "returned_at",
    "closed_at",
    "procedure_id",
    "procedure__field_id",
    "resolving_agency_id",
    "resolving_agency__level",
    "rated_unsatisfied",
    "has_feedback",
    "papers_digitised",
    "result_digitised",
    "papers_reused",
)
# The dossier's own columns among them (the rest come from its procedure and agency).
OWN_FIELDS = tuple(name for name in ROW_FIELDS if "__" not in name)


class Listener(Protocol):
    def changed(self, old: list[dict], new: list[dict]) -> None:
        """Dossiers went from the rows ``old`` to the rows ``new`` (either may hold rows the other
        has not: a new dossier has no old row), in the caller's transaction."""

    def create_staging(self, cursor) -> None:
        """PostgreSQL: make ready what ``staging_sql`` writes into (once a transaction)."""

    def staging_sql(self, source: str) -> str:
        """PostgreSQL: SQL to append to a ``WITH`` list whose CTE ``source`` returns rows just
        inserted (``id`` and ``OWN_FIELDS``): it stages their contribution; the parameter ``tz``
        is the local time zone's name. Empty: nothing to add."""

    def add_staged(self, cursor) -> None:
        """PostgreSQL: count what ``staging_sql`` staged, in the same transaction."""


class _Nobody:
    def changed(self, old: list[dict], new: list[dict]) -> None:
        return None

    def create_staging(self, cursor) -> None:
        return None

    def staging_sql(self, source: str) -> str:
        return ""

    def add_staged(self, cursor) -> None:
        return None


_NOBODY = _Nobody()
_listener: Listener | None = None


def register(listener: Listener) -> None:
    """Set the statistics' listener (``DashboardsConfig.ready``). There is one: registering another
    is a configuration error."""
    global _listener
    if _listener is not None and _listener is not listener:
        raise RuntimeError("dossiers.statistics: a listener is registered already")
    _listener = listener


def listener() -> Listener:
    return _listener or _NOBODY


def row_of(dossier: Dossier) -> dict:
    """The statistics' row of ``dossier`` as it is in memory (saved or not)."""
    procedure = dossier.procedure
    agency = dossier.resolving_agency
    return {
        **{name: getattr(dossier, name) for name in OWN_FIELDS},
        "procedure__field_id": procedure.field_id,
        "resolving_agency__level": agency.level,
    }


def dossier_changed(dossier: Dossier, *, new: bool = False) -> None:
    """Tell the statistics that ``dossier`` goes from its stored row to its state in memory. Call
    it inside the transaction that saves the dossier, before ``save()`` (``new=True`` for a
    dossier whose stored row is not its previous state: just created)."""
    old = []
    if not new and dossier.pk:
        old = list(Dossier.objects.filter(pk=dossier.pk).values(*ROW_FIELDS))
    listener().changed(old, [row_of(dossier)])


def bulk_change(queryset, *, batch_size: int = 20_000, **changes) -> int:
    """``queryset.update(**changes)`` with the statistics told, in batches, for changes of many
    dossiers outside the services (demo data, repairs): ``changes`` may only name columns of
    ``OWN_FIELDS``. Returns the rows changed."""
    unknown = set(changes) - set(OWN_FIELDS)
    if unknown:
        raise ValueError(f"bulk_change cannot change {sorted(unknown)}")
    changed = 0
    with transaction.atomic():
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            rows = list(dossiers_for_update(Dossier.objects.filter(pk__in=chunk)).values(*ROW_FIELDS))
            listener().changed(rows, [{**row, **changes} for row in rows])
            changed += Dossier.objects.filter(pk__in=chunk).update(**changes)
            tracking_pages.changed(Dossier.objects.filter(pk__in=chunk).values_list("code", "tracking_token"))
    return changed


def dossiers_inserted(ids: Iterable[int], *, batch_size: int = 20_000) -> None:
    """Tell the statistics of dossiers just inserted outside the services (any database)."""
    ids = list(ids)
    for start in range(0, len(ids), batch_size):
        rows = list(Dossier.objects.filter(pk__in=ids[start : start + batch_size]).values(*ROW_FIELDS))
        listener().changed([], rows)

"""A procedure's required documents and fees kept in the process, per version of the procedure
(issue 25): every page of the online submission shows them, and they change a few times a year.

The version is the procedure's ``updated_at``, read with the procedure on every request (so every
process sees a change at its next request; nothing to invalidate across processes). Every way the
catalog changes a document or a fee also saves its procedure — ``procedure_upsert`` (the import,
the demo) and the admin (its inlines save the procedure) — and a document or fee saved or deleted
any other way moves the version too (``touch_procedure``, connected in ``ProceduresConfig.ready``).
A change made in this process also empties this process's copy at once (two changes within the
same clock tick, as under a frozen clock in the tests, would otherwise keep one version).

The rows are kept as model instances; each caller gets its own copies, so that what a page sets
on them (a label, a flag) stays on that page.
"""

import copy
import threading
from collections import OrderedDict

from django.utils import timezone

from procedures.models import Fee, Procedure, RequiredDocument

MAX_PROCEDURES = 512  # about a province's online catalog; the oldest used is dropped beyond
_kept: OrderedDict[tuple, tuple] = OrderedDict()
_lock = threading.Lock()
_generation = [0]  # moved by every change of a procedure, document or fee made in this process


def _version(procedure: Procedure):
    """The procedure's version, or None when its instance was read without ``updated_at``."""
    return procedure.__dict__.get("updated_at")


def _rows(kind: str, procedure: Procedure, read) -> list:
    version = _version(procedure)
    if version is None:
        return read()
    key = (kind, procedure.pk, version, _generation[0])
    with _lock:
        rows = _kept.get(key)
        if rows is not None:
            _kept.move_to_end(key)
    if rows is None:
        rows = tuple(read())
        with _lock:
            _kept[key] = rows
            while len(_kept) > MAX_PROCEDURES * 2:
                _kept.popitem(last=False)
    return [copy.copy(row) for row in rows]


def documents_of(procedure: Procedure) -> list[RequiredDocument]:
    """The procedure's required documents in their order (``order``, then ``id``)."""
    prefetched = getattr(procedure, "_prefetched_objects_cache", {}).get("documents")
    if prefetched is not None:
        return list(prefetched)
    return _rows("documents", procedure, lambda: list(procedure.documents.order_by("order", "id")))


def fees_of(procedure: Procedure) -> list[Fee]:
    """The procedure's fees in their order (``id``)."""
    prefetched = getattr(procedure, "_prefetched_objects_cache", {}).get("fees")
    if prefetched is not None:
        return list(prefetched)
    return _rows("fees", procedure, lambda: list(procedure.fees.all()))


def forget_all(*args, **kwargs) -> None:
    """Empty this process's copy (a procedure, document or fee changed in this process)."""
    with _lock:
        _generation[0] += 1
        _kept.clear()


def touch_procedure(sender, instance, **kwargs) -> None:
    """A document or fee saved or deleted: its procedure's version moves (see the module)."""
    forget_all()
    if kwargs.get("raw"):
        return  # loading a fixture
    Procedure.objects.filter(pk=instance.procedure_id).update(updated_at=timezone.now())


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in (RequiredDocument, Fee):
        post_save.connect(touch_procedure, sender=model, dispatch_uid=f"versioned.{model.__name__}.saved")
        post_delete.connect(touch_procedure, sender=model, dispatch_uid=f"versioned.{model.__name__}.deleted")
    post_save.connect(forget_all, sender=Procedure, dispatch_uid="versioned.Procedure.saved")
    post_delete.connect(forget_all, sender=Procedure, dispatch_uid="versioned.Procedure.deleted")

"""The one place where the apps built on dossiers plug in, without dossiers importing them.

Imports point one way (DESIGN.md): ``documents`` (digitisation at intake, the citizen's document
store and its reuse), ``national`` (the national portal's sync outbox) and ``receipts`` (a
dossier's fee lines) build on ``dossiers``, so ``dossiers`` cannot call them. Instead an app
registers an extension here from its ``AppConfig.ready()`` (a ``DossierExtension`` overriding the
points it needs), and the dossier services call the registered extensions at these points,
inside their own transaction:

- ``offers``: papers an applicant already holds that a new dossier's required documents could
  reuse (the desk and online forms show them as choices; nothing is uploaded again);
- ``after_intake``: a dossier was received or submitted, with the reuse the person ticked
  (``Intake.reused``: required document id → the key of the offer);
- ``after_files``: files were stored on a dossier (at intake, as a supplement, as the result;
  called with none for a result that came without files);
- ``on_event``: an event was written (every action on a dossier), right after the notices;
- ``after_import``: dossiers were written in bulk outside the services (the history import, the
  demo's history), each batch in its own transaction: an app adds what its ``on_event`` would
  have written for them (``receipts`` sets the fees of those still open to collection).
- ``papers_changed``: a paper of the dossier was signed or its signature revoked (``receipts``),
  which may change whether its result counts as digital.
- ``page_flags``: what the dossier page reads of the app's rows, as ``Exists`` expressions on the
  dossier (name → expression): the page reads them with the dossier in its one statement, and the
  app's block skips the read of rows a dossier does not have (``dossiers.selectors.may_have``).

An extension writes rows only (an outbox); anything remote happens after commit. It raises
``ValidationError`` for bad input (an offer that is not the applicant's): the service then changes
nothing, as any exception in an extension rolls the action back. With no extension registered,
the dossier services work as before.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ReuseOffer:
    """A paper the applicant already holds, offered for a required document."""

    key: str  # the offering app's id of the paper
    document_id: int  # the procedure's RequiredDocument it would stand for
    label: str  # what the person reads: kind, number, issuer, date, validity


class DossierExtension:
    """An app's part in the dossier services: every point does nothing unless overridden."""

    def offers(self, *, procedure, user=None, id_number: str = "", tax_code: str = "") -> list[ReuseOffer]:
        return []

    def after_intake(self, *, dossier, actor, reused: dict[int, str]) -> set[int]:
        return set()

    def after_files(self, *, dossier, actor, files: list, kind: str) -> None:
        return None

    def on_event(self, event) -> None:
        return None

    def after_import(self) -> None:
        return None

    def papers_changed(self, *, dossier) -> None:
        return None

    def page_flags(self) -> dict:
        return {}


_extensions: list[DossierExtension] = []


def register(extension: DossierExtension) -> None:
    """Take part in the dossier services: one extension of a kind, however often it is registered."""
    if not any(type(known) is type(extension) for known in _extensions):
        _extensions.append(extension)


def offers(*, procedure, user=None, id_number: str = "", tax_code: str = "") -> dict[int, list[ReuseOffer]]:
    """Required document id → the papers offered for it. ``user``: the person filling in the form
    (a citizen online, a clerk at the desk: the extension scopes what each may be offered)."""
    found: dict[int, list[ReuseOffer]] = {}
    for extension in _extensions:
        for offer in extension.offers(procedure=procedure, user=user, id_number=id_number, tax_code=tax_code):
            found.setdefault(offer.document_id, []).append(offer)
    return found


def after_intake(*, dossier, actor, reused: dict[int, str]) -> set[int]:
    """Record the reuse; returns the required document ids the reused papers stand for."""
    covered: set[int] = set()
    for extension in _extensions:
        covered |= extension.after_intake(dossier=dossier, actor=actor, reused=reused)
    return covered


def after_files(*, dossier, actor, files: list, kind: str) -> None:
    for extension in _extensions:
        extension.after_files(dossier=dossier, actor=actor, files=files, kind=kind)


def on_event(event) -> None:
    """Every extension's work on a new event, in the transaction that writes it."""
    for extension in _extensions:
        extension.on_event(event)


def after_import() -> None:
    """Every extension's work after dossiers were written in bulk (history import, demo history)."""
    for extension in _extensions:
        extension.after_import()


def papers_changed(*, dossier) -> None:
    """A signed paper of ``dossier`` was made or revoked (``receipts``), in the caller's
    transaction."""
    for extension in _extensions:
        extension.papers_changed(dossier=dossier)


def page_flags() -> dict:
    """Every extension's ``page_flags``: name → an expression on the dossier row."""
    flags: dict = {}
    for extension in _extensions:
        flags.update(extension.page_flags())
    return flags

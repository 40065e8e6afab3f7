"""Where the apps built on dossiers take part in intake and results without dossiers importing them.

Imports point one way (DESIGN.md): ``documents`` (digitisation at intake, the citizen's document
store and its reuse) builds on ``dossiers``, so ``dossiers`` cannot call it. Instead an app
registers an extension here from its ``AppConfig.ready()``, and the dossier services call the
registered extensions at three points, inside their own transaction:

- ``offers``: papers an applicant already holds that a new dossier's required documents could
  reuse (the desk and online forms show them as choices; nothing is uploaded again);
- ``after_intake``: a dossier was received or submitted, with the reuse the person ticked
  (``Intake.reused``: required document id → the key of the offer);
- ``after_files``: files were stored on a dossier (at intake, as a supplement, as the result;
  called with none for a result that came without files).

An extension raises ``ValidationError`` for bad input (an offer that is not the applicant's): the
service then changes nothing. With no extension registered, intake works as before.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ReuseOffer:
    """A paper the applicant already holds, offered for a required document."""

    key: str  # the offering app's id of the paper
    document_id: int  # the procedure's RequiredDocument it would stand for
    label: str  # what the person reads: kind, number, issuer, date, validity


class DossierExtension(Protocol):
    def offers(
        self, *, procedure, user=None, id_number: str = "", tax_code: str = ""
    ) -> list[ReuseOffer]: ...

    def after_intake(self, *, dossier, actor, reused: dict[int, str]) -> set[int]: ...

    def after_files(self, *, dossier, actor, files: list, kind: str) -> None: ...


_extensions: list[DossierExtension] = []


def register(extension: DossierExtension) -> None:
    if extension not in _extensions:
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

"""What every dossier service shares: the errors, the intake dataclasses, locking, the event
log and the checks of who may act."""

import base64
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers import extensions, notices, statistics
from dossiers.files import FileUpload, store_file
from dossiers.locks import dossier_lock
from dossiers.models import (
    ApplicantKind,
    Dossier,
    Event,
    FileKind,
    IdKind,
    ReturnMethod,
    Step,
    StepStatus,
)
from dossiers.permissions import acting_role
from dossiers.workflow import TransitionRefused, move_for
from procedures import workdays
from procedures.models import Agency

SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper


def new_secret() -> str:
    """The tracking secret printed for the applicant: 8 letters of ``SECRET_ALPHABET``."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(8))


# Each byte value → the letter of its low five bits: with 32 letters every letter is equally likely.
assert len(SECRET_ALPHABET) == 32  # noqa: S101  # nosec B101
_SECRET_LETTERS = bytes(SECRET_ALPHABET.encode()[b & 31] for b in range(256))


def new_secrets(count: int) -> list[str]:
    """``count`` secrets like ``new_secret``'s, from one read of the OS's random source (bulk
    history: a million one by one cost seconds)."""
    letters = secrets.token_bytes(8 * count).translate(_SECRET_LETTERS).decode("ascii")
    return [letters[i : i + 8] for i in range(0, 8 * count, 8)]


def new_tracking_tokens(count: int) -> list[str]:
    """``count`` QR tokens like ``secrets.token_urlsafe(24)`` (192 bits, 32 characters), at once."""
    text = base64.urlsafe_b64encode(secrets.token_bytes(24 * count)).decode("ascii")
    return [text[i : i + 32] for i in range(0, 32 * count, 32)]


class DossierError(ValidationError):
    """Bad input for a dossier action: nothing was changed."""


@dataclass
class Applicant:
    name: str
    id_number: str
    address: str
    kind: str = ApplicantKind.PERSON
    organisation_name: str = ""
    tax_code: str = ""
    phone: str = ""
    email: str = ""
    # A CCCD, or a passport number with the holder's nationality (ISO 3166-1 alpha-2).
    id_kind: str = IdKind.CCCD
    nationality: str = ""


@dataclass
class Intake:
    """What the applicant brings: the request, documents ticked, files and how to get the result."""

    applicant: Applicant
    request_summary: str = ""
    sets_count: int = 1
    return_method: str = ReturnMethod.COUNTER
    return_address: str = ""
    # document id → (originals, copies) ticked at the desk
    documents: dict[int, tuple[int, int]] = field(default_factory=dict)
    files: list[FileUpload] = field(default_factory=list)
    # document id → the key of a paper the applicant already holds, reused instead of a new copy
    # (``dossiers.extensions``: offered by the document store)
    reused: dict[int, str] = field(default_factory=dict)
    # The agency that resolves, chosen among ``procedures.selectors.competent_agencies`` (e.g. the
    # commune where the person lives); ``None``: the office itself, or the only competent one.
    resolving_agency: Agency | None = None


def _now() -> datetime:
    return timezone.now()


def _event(
    dossier: Dossier, *, actor, action: str, from_status: str, note: str = "", step=None, **data
) -> Event:
    event = Event.objects.create(
        dossier=dossier,
        step=step,
        action=action,
        from_status=from_status or "",
        to_status=dossier.status,
        actor=actor,
        agency=getattr(actor, "agency", None),
        at=_now(),
        note=note,
        data=data,
    )
    notices.on_event(event)  # the applicant's and staff's notices, in this same transaction
    extensions.on_event(event)  # other apps' outboxes (the national portal's sync), likewise
    return event


def _transition(dossier: Dossier, to: str, *, actor, action: str, note: str = "", step=None, **data) -> Event:
    """Move the (locked) dossier to ``to``, save it with whatever else the caller set on it, and log
    the move: the one way a service changes a dossier's status."""
    previous = dossier.status
    dossier.status = to
    statistics.dossier_changed(dossier)  # the statistics' rollups, in this transaction
    dossier.save()
    return _event(dossier, actor=actor, action=action, from_status=previous, note=note, step=step, **data)


def _locked(dossier: Dossier) -> Dossier:
    return dossier_lock(dossier, related=("procedure",))


def _refuse(message: str) -> TransitionRefused:
    return TransitionRefused(message)


def _check_move(dossier: None, action: str, actor: User) -> str:
    """The move that creates a dossier (receive, submit); an existing dossier's moves are checked
    by ``dossiers.permissions.check_action``."""
    return move_for(dossier, action, acting_role(actor)).to


def _require_text(value: str, field_name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DossierError({field_name: [message]})
    return value


def _activate_order(dossier: Dossier, order: int, *, at: datetime, calendar=None) -> list[Step]:
    steps = list(dossier.steps.filter(order=order))
    for step in steps:
        step.status = StepStatus.ACTIVE
        step.started_at = at
        step.due_at = workdays.due_at(at, step.working_days, calendar=calendar)
        step.claimed_by = None
        step.claimed_at = None
        step.finished_at = None
        step.finished_by = None
        step.save()
    return steps


def _store_files(dossier: Dossier, files: list[FileUpload], *, actor: User, kind: str) -> None:
    rows = []
    for upload in files:
        try:
            rows.append(store_file(dossier=dossier, upload=upload, actor=actor, kind=kind))
        except ValidationError as exc:
            raise DossierError({"files": exc.messages}) from exc
    if rows or kind == FileKind.RESULT:
        extensions.after_files(dossier=dossier, actor=actor, files=rows, kind=kind)


def _record_reuse(dossier: Dossier, intake: Intake, *, actor: User) -> None:
    """The papers reused from the applicant's store (``dossiers.extensions``): each must be
    accepted by the app that offered it, else nothing is kept."""
    try:
        covered = extensions.after_intake(dossier=dossier, actor=actor, reused=intake.reused)
    except ValidationError as exc:
        raise DossierError({"reused": exc.messages}) from exc
    if set(intake.reused) - covered:
        raise DossierError({"reused": [_("Giấy tờ dùng lại không có trong kho dữ liệu của người nộp.")]})


def _close(dossier: Dossier, *, actor: User, action: str, reason: str, step: Step | None = None) -> Dossier:
    """End the (locked, checked) dossier with ``action``: open steps are cancelled."""
    to = move_for(dossier.status, action, acting_role(actor)).to
    dossier.closing_reason = reason
    dossier.closed_at = _now()
    dossier.paused_at = None
    dossier.steps.exclude(status=StepStatus.DONE).update(status=StepStatus.CANCELLED)
    _transition(dossier, to, actor=actor, action=action, note=reason, step=step)
    return dossier


def _locked_step(step: Step) -> tuple[Dossier, Step]:
    dossier = _locked(step.dossier)
    step = Step.objects.select_for_update(of=("self",)).select_related("agency").get(pk=step.pk)
    return dossier, step


def _finish(step: Step, *, actor: User, note: str) -> None:
    step.status = StepStatus.DONE
    step.finished_at = _now()
    step.finished_by = actor
    step.note = note
    step.save()

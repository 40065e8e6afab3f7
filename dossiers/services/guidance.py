"""Supplement and refusal at the intake stage (forms 02 and 03 of Circular 03/2025/TT-VPCP).

Decree 61/2018/NĐ-CP art. 19(2) as amended by Decree 107/2021/NĐ-CP (carried into Decree
118/2025/NĐ-CP): an incomplete dossier is not received; the desk guides the applicant to
supplement it, listing what is missing once and in full (form 02); a dossier that cannot be
received is refused with the reason (form 03).

- A walk-in dossier at the desk: ``intake_guidance_record`` keeps the desk's record of the paper
  handed over (``IntakeGuidance``); no dossier is made, nothing counts as received.
- An online submission before acceptance: ``dossier_request_intake_supplement`` (once) and
  ``dossier_supply_intake``; refusal is ``intake.dossier_refuse_intake``.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phones import normalize_phone
from dossiers.files import FileUpload
from dossiers.models import Dossier, FileKind, GuidanceKind, IntakeGuidance, SupplementRequest
from dossiers.permissions import check_action
from dossiers.services.common import (
    Applicant,
    DossierError,
    _check_move,
    _locked,
    _now,
    _require_text,
    _store_files,
    _transition,
)
from dossiers.services.intake import _check_office, _clean_identity
from dossiers.workflow import Action
from procedures.models import Agency, Procedure


def _clean_items(items: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(item.strip() for item in items if item and item.strip()))
    if not cleaned:
        raise DossierError(
            {"items": [_("Vui lòng liệt kê đầy đủ, một lần, các nội dung cần bổ sung, hoàn thiện.")]}
        )
    return cleaned


@transaction.atomic
def dossier_request_intake_supplement(
    *, actor: User, dossier: Dossier, items: list[str], note: str = ""
) -> SupplementRequest:
    """Before accepting an online submission, the desk sends it back to the applicant once, with
    everything to supplement listed at once (form 02). It is not received: no code of the register,
    no clock; the applicant is told (SMS, e-mail) and supplies online, and the submission comes back
    to the desk's queue to be accepted or refused. A second request is refused
    (``permissions.intake_supplement_not_asked``)."""
    items = _clean_items(items)
    dossier = _locked(dossier)
    to = check_action(actor=actor, dossier=dossier, action=Action.REQUEST_INTAKE_SUPPLEMENT)
    request = SupplementRequest.objects.create(
        dossier=dossier, step=None, items=items, requested_by=actor, requested_at=_now(), at_intake=True
    )
    _transition(
        dossier, to, actor=actor, action=Action.REQUEST_INTAKE_SUPPLEMENT, note=note.strip(), items=items
    )
    return request


@transaction.atomic
def dossier_supply_intake(
    *, actor: User, dossier: Dossier, note: str = "", files: list[FileUpload] | None = None
) -> Dossier:
    """The applicant sends what the desk asked for before acceptance; the submission waits in the
    desk's queue again."""
    dossier = _locked(dossier)
    to = check_action(actor=actor, dossier=dossier, action=Action.SUPPLY_INTAKE)
    if not files and not note.strip():
        raise DossierError(
            {"files": [_("Vui lòng đính kèm giấy tờ bổ sung hoặc ghi chú nội dung đã bổ sung.")]}
        )
    at = _now()
    _store_files(dossier, files or [], actor=actor, kind=FileKind.SUPPLEMENT)
    dossier.supplement_requests.filter(at_intake=True, supplied_at__isnull=True).update(
        supplied_at=at, supplied_note=note.strip()
    )
    _transition(dossier, to, actor=actor, action=Action.SUPPLY_INTAKE, note=note.strip())
    return dossier


def _next_guidance_code(office: Agency, at: datetime) -> str:
    day = timezone.localdate(at)
    prefix = f"{office.code}-HD-{day:%y%m%d}-"
    taken = IntakeGuidance.objects.filter(code__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@transaction.atomic
def intake_guidance_record(
    *,
    actor: User,
    procedure: Procedure,
    kind: str,
    applicant: Applicant,
    items: list[str] | None = None,
    reason: str = "",
) -> IntakeGuidance:
    """A walk-in dossier the desk does not receive: form 02 (incomplete: ``items`` lists everything
    missing, once and in full) or form 03 (cannot be received: ``reason``). No dossier is made;
    nothing counts as received. The applicant's identity is checked when given (it may be
    unknown to a person only asking)."""
    _check_move(None, Action.RECEIVE, actor)  # desk staff only
    at = _now()
    office = _check_office(actor.agency, timezone.localdate(at))
    if kind not in GuidanceKind.values:
        raise DossierError({"kind": [_("Loại phiếu không hợp lệ.")]})
    errors: dict[str, list[str]] = {}
    if not applicant.name.strip():
        errors["name"] = [_("Vui lòng nhập họ tên người nộp.")]
    if applicant.id_number.strip():
        _clean_identity(applicant, errors)
    if applicant.phone:
        try:
            applicant.phone = normalize_phone(applicant.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if errors:
        raise DossierError(errors)
    if kind == GuidanceKind.SUPPLEMENT:
        items = _clean_items(items or [])
    else:
        items = []
        reason = _require_text(reason, "reason", _("Vui lòng nêu rõ lý do từ chối tiếp nhận."))
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return IntakeGuidance.objects.create(
                    code=_next_guidance_code(office, at),
                    kind=kind,
                    office=office,
                    procedure=procedure,
                    applicant_kind=applicant.kind,
                    applicant_name=applicant.name.strip(),
                    organisation_name=applicant.organisation_name.strip(),
                    id_kind=applicant.id_kind,
                    id_number=applicant.id_number,
                    nationality=applicant.nationality,
                    tax_code=applicant.tax_code.strip(),
                    phone=applicant.phone,
                    address=applicant.address.strip(),
                    items=items,
                    reason=reason.strip(),
                    created_by=actor,
                    created_at=at,
                )
        except IntegrityError:
            continue  # another desk of the office took the number: take the next one
    raise DossierError(_("Không cấp được số phiếu, vui lòng thử lại."))

"""Every change of a dossier: one transaction each, the dossier row locked, an Event written in
the same transaction, the move checked against ``dossiers.workflow``."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.phones import normalize_phone
from dossiers.files import FileUpload, store_file
from dossiers.models import (
    ApplicantKind,
    Channel,
    DocumentReceived,
    Dossier,
    DossierCounter,
    Event,
    FileKind,
    ReturnMethod,
    Step,
    StepStatus,
    SupplementRequest,
)
from dossiers.validators import validate_id_number, validate_tax_code
from dossiers.workflow import Action, TransitionRefused, move_for
from procedures import workdays
from procedures.models import Agency, Level, Procedure, RequiredDocument

SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed from paper


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


# --- helpers -----------------------------------------------------------------------------------


def _role(actor: User) -> str:
    return Role.ADMIN if actor.is_superuser and actor.role == Role.CITIZEN else actor.role


def _now() -> datetime:
    return timezone.now()


def _event(
    dossier: Dossier, *, actor, action: str, from_status: str, note: str = "", step=None, **data
) -> Event:
    return Event.objects.create(
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


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().select_related("procedure").get(pk=dossier.pk)


def _refuse(message: str) -> TransitionRefused:
    return TransitionRefused(message)


def _check_move(dossier: Dossier | None, action: str, actor: User) -> str:
    status = dossier.status if dossier else None
    return move_for(status, action, _role(actor)).to


def _require_text(value: str, field_name: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DossierError({field_name: [message]})
    return value


def _clean_applicant(applicant: Applicant) -> Applicant:
    errors: dict[str, list[str]] = {}
    if not applicant.name.strip():
        errors["name"] = [_("Vui lòng nhập họ tên người nộp.")]
    try:
        validate_id_number(applicant.id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    if not applicant.address.strip():
        errors["address"] = [_("Vui lòng nhập địa chỉ.")]
    if applicant.kind == ApplicantKind.ORGANISATION:
        if not applicant.organisation_name.strip():
            errors["organisation_name"] = [_("Vui lòng nhập tên tổ chức.")]
        try:
            validate_tax_code(applicant.tax_code)
        except ValidationError as exc:
            errors["tax_code"] = exc.messages
    if applicant.phone:
        try:
            applicant.phone = normalize_phone(applicant.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if errors:
        raise DossierError(errors)
    applicant.name = applicant.name.strip()
    applicant.email = applicant.email.strip().lower()
    return applicant


def _check_return(intake: Intake) -> None:
    if intake.return_method not in ReturnMethod.values:
        raise DossierError({"return_method": [_("Hình thức nhận kết quả không hợp lệ.")]})
    if intake.return_method == ReturnMethod.POST and not intake.return_address.strip():
        raise DossierError({"return_address": [_("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")]})
    if not 1 <= intake.sets_count <= 99:
        raise DossierError({"sets_count": [_("Số bộ hồ sơ phải từ 1 đến 99.")]})


def next_dossier_code(office: Agency, day) -> str:
    """``<office code>-<yymmdd>-<nnnn>``, gapless per office and day: the counter row is bumped
    under a row lock inside the caller's transaction, so a rolled-back intake gives its number
    back."""
    counter = DossierCounter.objects.select_for_update().filter(office=office, day=day).first()
    if counter is None:
        try:
            with transaction.atomic():
                DossierCounter.objects.create(office=office, day=day, last=0)
        except IntegrityError:
            pass  # another intake made the row first; lock it below
        counter = DossierCounter.objects.select_for_update().get(office=office, day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{office.code}-{day:%y%m%d}-{counter.last:04d}"


def resolving_agency_for(procedure: Procedure, office: Agency) -> Agency:
    """Who resolves: the procedure's agency, except that a commune-level procedure received at a
    commune's desk is resolved by that commune."""
    if procedure.level == Level.COMMUNE and office.level == Level.COMMUNE:
        return office
    return procedure.agency


def _start_clock(dossier: Dossier, *, actor: User, at: datetime) -> None:
    """Received: the clock starts, the due date is computed and stored, steps are made."""
    calendar = workdays.WorkCalendar()
    dossier.received_at = at
    dossier.received_by = actor
    dossier.due_at = workdays.due_at(at, dossier.procedure.processing_days, calendar=calendar)
    templates = list(dossier.procedure.process_steps.select_related("agency").order_by("order", "id"))
    if templates:
        steps = [
            Step(dossier=dossier, order=t.order, agency=t.agency, name=t.name, working_days=t.working_days)
            for t in templates
        ]
    else:
        steps = [
            Step(
                dossier=dossier,
                order=1,
                agency=dossier.resolving_agency,
                name=_("Giải quyết hồ sơ"),
                working_days=dossier.procedure.processing_days,
            )
        ]
    Step.objects.bulk_create(steps)
    _activate_order(dossier, min(s.order for s in steps), at=at, calendar=calendar)


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
    for upload in files:
        try:
            store_file(dossier=dossier, upload=upload, actor=actor, kind=kind)
        except ValidationError as exc:
            raise DossierError({"files": exc.messages}) from exc


def _new_dossier(
    *, procedure: Procedure, office: Agency, channel: str, intake: Intake, applicant_user, at
) -> Dossier:
    return Dossier(
        # A provisional code: the real one is taken last (``_assign_code``), so the office's
        # counter row stays locked only for the end of the intake transaction.
        code=f"~{secrets.token_hex(12)}",
        secret="".join(secrets.choice(SECRET_ALPHABET) for _ in range(8)),
        tracking_token=secrets.token_urlsafe(24),
        procedure=procedure,
        resolving_agency=resolving_agency_for(procedure, office),
        intake_office=office,
        channel=channel,
        applicant_user=applicant_user,
        applicant_kind=intake.applicant.kind,
        applicant_name=intake.applicant.name,
        organisation_name=intake.applicant.organisation_name,
        id_number=intake.applicant.id_number,
        tax_code=intake.applicant.tax_code,
        phone=intake.applicant.phone,
        email=intake.applicant.email,
        address=intake.applicant.address.strip(),
        request_summary=intake.request_summary.strip(),
        sets_count=intake.sets_count,
        return_method=intake.return_method,
        return_address=intake.return_address.strip(),
        submitted_at=at,
    )


def _assign_code(dossier: Dossier, at: datetime) -> None:
    dossier.code = next_dossier_code(dossier.intake_office, timezone.localdate(at))
    dossier.save(update_fields=["code"])


def procedure_accepts(procedure: Procedure, channel: str) -> bool:
    """Whether a desk or the portal may take a dossier of ``procedure`` through ``channel``."""
    return {
        Channel.COUNTER: procedure.accepts_counter,
        Channel.ONLINE: procedure.accepts_online,
        Channel.POSTAL: procedure.accepts_postal or procedure.accepts_counter,
    }[channel]


def _check_procedure(procedure: Procedure, channel: str) -> None:
    if not procedure.is_active:
        raise DossierError(_("Thủ tục này không còn áp dụng."))
    if not procedure_accepts(procedure, channel):
        raise DossierError(_("Thủ tục này không tiếp nhận hồ sơ qua kênh đã chọn."))


def _record_documents(dossier: Dossier, documents: dict[int, tuple[int, int]]) -> None:
    names = dict(dossier.procedure.documents.values_list("id", "name"))
    if set(documents) - set(names):
        raise DossierError(_("Thành phần hồ sơ không thuộc thủ tục này."))
    DocumentReceived.objects.bulk_create(
        DocumentReceived(
            dossier=dossier, document_id=doc_id, name=names[doc_id], originals=orig, copies=copies
        )
        for doc_id, (orig, copies) in documents.items()
        if orig or copies
    )


def missing_mandatory_documents(procedure: Procedure, received_ids: set[int]) -> list[RequiredDocument]:
    return [d for d in procedure.documents.all() if d.mandatory and d.id not in received_ids]


# --- intake ------------------------------------------------------------------------------------


@transaction.atomic
def dossier_receive(
    *, actor: User, procedure: Procedure, intake: Intake, channel: str = Channel.COUNTER
) -> Dossier:
    """A clerk (counter) or postal staff (post) receives a dossier at a one-stop desk: the code is
    given, the clock starts, the steps are made."""
    if channel not in (Channel.COUNTER, Channel.POSTAL):
        raise DossierError(_("Kênh tiếp nhận không hợp lệ."))
    to = _check_move(None, Action.RECEIVE, actor)
    office = actor.agency
    if office is None or not office.has_one_stop_desk:
        raise _refuse(_("Tài khoản của bạn không thuộc bộ phận một cửa nào."))
    _check_procedure(procedure, channel)
    intake.applicant = _clean_applicant(intake.applicant)
    _check_return(intake)
    missing = missing_mandatory_documents(procedure, {k for k, (o, c) in intake.documents.items() if o or c})
    if missing:
        raise DossierError(
            _("Chưa nhận đủ giấy tờ bắt buộc: %(names)s.") % {"names": "; ".join(d.name for d in missing)}
        )
    at = _now()
    dossier = _new_dossier(
        procedure=procedure, office=office, channel=channel, intake=intake, applicant_user=None, at=at
    )
    dossier.status = to
    dossier.save()
    _record_documents(dossier, intake.documents)
    _store_files(dossier, intake.files, actor=actor, kind=FileKind.SUBMISSION)
    _start_clock(dossier, actor=actor, at=at)
    dossier.save()
    _assign_code(dossier, at)
    _event(
        dossier,
        actor=actor,
        action=Action.RECEIVE,
        from_status="",
        channel=channel,
        due_at=dossier.due_at.isoformat(),
    )
    return dossier


@transaction.atomic
def dossier_submit(*, actor: User, procedure: Procedure, office: Agency, intake: Intake) -> Dossier:
    """A citizen submits online; the dossier waits in the clerks' queue of ``office``."""
    to = _check_move(None, Action.SUBMIT, actor)
    _check_procedure(procedure, Channel.ONLINE)
    if not (office.has_one_stop_desk and office.is_active):
        raise DossierError({"office": [_("Nơi tiếp nhận phải là một bộ phận một cửa đang hoạt động.")]})
    intake.applicant = _clean_applicant(intake.applicant)
    _check_return(intake)
    doc_ids = {u.document_id for u in intake.files if u.document_id}
    missing = missing_mandatory_documents(procedure, doc_ids)
    if missing:
        raise DossierError(
            {
                "files": [
                    _("Còn thiếu giấy tờ bắt buộc: %(names)s.")
                    % {"names": "; ".join(d.name for d in missing)}
                ]
            }
        )
    at = _now()
    dossier = _new_dossier(
        procedure=procedure, office=office, channel=Channel.ONLINE, intake=intake, applicant_user=actor, at=at
    )
    dossier.status = to
    dossier.save()
    _store_files(dossier, intake.files, actor=actor, kind=FileKind.SUBMISSION)
    _assign_code(dossier, at)
    _event(dossier, actor=actor, action=Action.SUBMIT, from_status="")
    return dossier


def _staff_of(actor: User, *agencies: Agency) -> None:
    if actor.is_superuser:
        return
    if actor.agency_id not in {a.id for a in agencies}:
        raise _refuse(_("Hồ sơ này không thuộc cơ quan của bạn."))


@transaction.atomic
def dossier_accept(*, actor: User, dossier: Dossier) -> Dossier:
    """A clerk of the chosen office accepts an online dossier: the clock starts now."""
    dossier = _locked(dossier)
    to = _check_move(dossier, Action.ACCEPT, actor)
    _staff_of(actor, dossier.intake_office)
    previous = dossier.status
    dossier.status = to
    _start_clock(dossier, actor=actor, at=_now())
    dossier.save()
    _event(
        dossier, actor=actor, action=Action.ACCEPT, from_status=previous, due_at=dossier.due_at.isoformat()
    )
    return dossier


def _close(dossier: Dossier, *, actor: User, action: str, reason: str, step: Step | None = None) -> Dossier:
    previous = dossier.status
    dossier.status = _check_move(dossier, action, actor)
    dossier.closing_reason = reason
    dossier.closed_at = _now()
    dossier.paused_at = None
    dossier.save()
    dossier.steps.exclude(status=StepStatus.DONE).update(status=StepStatus.CANCELLED)
    _event(dossier, actor=actor, action=action, from_status=previous, note=reason, step=step)
    return dossier


@transaction.atomic
def dossier_refuse_intake(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do từ chối."))
    dossier = _locked(dossier)
    _check_move(dossier, Action.REFUSE_INTAKE, actor)
    _staff_of(actor, dossier.intake_office)
    return _close(dossier, actor=actor, action=Action.REFUSE_INTAKE, reason=reason)


@transaction.atomic
def dossier_withdraw(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """The applicant withdraws (online, or at the desk through a clerk) before the result."""
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do rút hồ sơ."))
    dossier = _locked(dossier)
    _check_move(dossier, Action.WITHDRAW, actor)
    if _role(actor) == Role.CITIZEN and dossier.applicant_user_id != actor.id:
        raise _refuse(_("Bạn chỉ rút được hồ sơ của chính mình."))
    if _role(actor) == Role.CLERK:
        _staff_of(actor, dossier.intake_office)
    return _close(dossier, actor=actor, action=Action.WITHDRAW, reason=reason)


# --- processing ----------------------------------------------------------------------------------


def _locked_step(step: Step) -> tuple[Dossier, Step]:
    dossier = _locked(step.dossier)
    step = Step.objects.select_for_update().select_related("agency").get(pk=step.pk)
    return dossier, step


def _require_claimed_by(step: Step, actor: User) -> None:
    if step.status != StepStatus.CLAIMED or step.claimed_by_id != actor.id:
        raise _refuse(_("Bạn cần nhận xử lý bước này trước."))


@transaction.atomic
def step_claim(*, actor: User, step: Step) -> Step:
    """A reviewer of the step's agency takes the step."""
    dossier, step = _locked_step(step)
    to = _check_move(dossier, Action.CLAIM, actor)
    _staff_of(actor, step.agency)
    if step.status != StepStatus.ACTIVE:
        raise _refuse(_("Bước này không ở trạng thái chờ xử lý."))
    previous = dossier.status
    step.status = StepStatus.CLAIMED
    step.claimed_by = actor
    step.claimed_at = _now()
    step.save()
    dossier.status = to
    dossier.save()
    _event(dossier, actor=actor, action=Action.CLAIM, from_status=previous, step=step)
    return step


def _finish(step: Step, *, actor: User, note: str) -> None:
    step.status = StepStatus.DONE
    step.finished_at = _now()
    step.finished_by = actor
    step.note = note
    step.save()


@transaction.atomic
def step_forward(*, actor: User, step: Step, note: str = "") -> Step:
    """Finish a step and pass the dossier on: the next order starts when every step of this
    order is done. In the last order, parallel steps are finished this way and the one left
    last approves with ``step_approve``."""
    dossier, step = _locked_step(step)
    to = _check_move(dossier, Action.FORWARD, actor)
    _require_claimed_by(step, actor)
    next_order = (
        dossier.steps.filter(order__gt=step.order).order_by("order").values_list("order", flat=True).first()
    )
    parallel_open = dossier.steps.filter(order=step.order).exclude(pk=step.pk).exclude(status=StepStatus.DONE)
    if next_order is None and not parallel_open.exists():
        raise _refuse(_("Đây là bước cuối: hãy phê duyệt hoặc từ chối."))
    _finish(step, actor=actor, note=note)
    previous = dossier.status
    started = []
    if next_order is not None and not parallel_open.exists():
        started = _activate_order(dossier, next_order, at=_now())
    dossier.status = to
    dossier.save()
    _event(
        dossier,
        actor=actor,
        action=Action.FORWARD,
        from_status=previous,
        note=note,
        step=step,
        to_agencies=[s.agency.code for s in started],
    )
    return step


@transaction.atomic
def step_send_back(*, actor: User, step: Step, reason: str) -> Step:
    """Send the dossier back to the previous order's steps, with a reason."""
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do trả lại."))
    dossier, step = _locked_step(step)
    to = _check_move(dossier, Action.SEND_BACK, actor)
    _require_claimed_by(step, actor)
    previous_order = (
        dossier.steps.filter(order__lt=step.order).order_by("-order").values_list("order", flat=True).first()
    )
    if previous_order is None:
        raise _refuse(_("Đây là bước đầu tiên, không có bước trước để trả lại."))
    dossier.steps.filter(order=step.order).update(
        status=StepStatus.WAITING, claimed_by=None, claimed_at=None, started_at=None, due_at=None
    )
    started = _activate_order(dossier, previous_order, at=_now())
    previous = dossier.status
    dossier.status = to
    dossier.save()
    _event(
        dossier,
        actor=actor,
        action=Action.SEND_BACK,
        from_status=previous,
        note=reason,
        step=step,
        to_agencies=[s.agency.code for s in started],
    )
    return step


@transaction.atomic
def dossier_request_supplement(
    *, actor: User, step: Step, items: list[str], note: str = ""
) -> SupplementRequest:
    """Ask the applicant for more documents: the clock pauses until they are supplied."""
    items = [item.strip() for item in items if item and item.strip()]
    if not items:
        raise DossierError({"items": [_("Vui lòng liệt kê ít nhất một nội dung cần bổ sung.")]})
    dossier, step = _locked_step(step)
    to = _check_move(dossier, Action.REQUEST_SUPPLEMENT, actor)
    _require_claimed_by(step, actor)
    at = _now()
    request = SupplementRequest.objects.create(
        dossier=dossier, step=step, items=items, requested_by=actor, requested_at=at
    )
    previous = dossier.status
    dossier.status = to
    dossier.paused_at = at
    dossier.save()
    _event(
        dossier,
        actor=actor,
        action=Action.REQUEST_SUPPLEMENT,
        from_status=previous,
        note=note,
        step=step,
        items=items,
    )
    return request


def _resume_clock(dossier: Dossier, at: datetime) -> timedelta:
    """Move the due dates by the working time spent paused."""
    calendar = workdays.WorkCalendar()
    paused = workdays.working_time_between(dossier.paused_at, at, calendar=calendar)
    if paused:
        dossier.due_at = workdays.add_working_time(dossier.due_at, paused, calendar=calendar)
        for step in dossier.steps.filter(status__in=[StepStatus.ACTIVE, StepStatus.CLAIMED]):
            step.due_at = workdays.add_working_time(step.due_at, paused, calendar=calendar)
            step.save(update_fields=["due_at"])
    dossier.paused_at = None
    return paused


@transaction.atomic
def dossier_supply(
    *, actor: User, dossier: Dossier, note: str = "", files: list[FileUpload] | None = None
) -> Dossier:
    """The applicant (online) or a clerk (at the desk) supplies what was asked; processing
    resumes and the due date moves by the paused working time."""
    dossier = _locked(dossier)
    to = _check_move(dossier, Action.SUPPLY, actor)
    if _role(actor) == Role.CITIZEN and dossier.applicant_user_id != actor.id:
        raise _refuse(_("Bạn chỉ bổ sung được hồ sơ của chính mình."))
    if _role(actor) == Role.CLERK:
        _staff_of(actor, dossier.intake_office)
    if not files and not note.strip():
        raise DossierError(
            {"files": [_("Vui lòng đính kèm giấy tờ bổ sung hoặc ghi chú nội dung đã bổ sung.")]}
        )
    at = _now()
    _store_files(dossier, files or [], actor=actor, kind=FileKind.SUPPLEMENT)
    request = dossier.supplement_requests.filter(supplied_at__isnull=True).first()
    if request:
        request.supplied_at = at
        request.supplied_note = note
        request.save()
    paused = _resume_clock(dossier, at)
    previous = dossier.status
    dossier.status = to
    dossier.save()
    _event(
        dossier,
        actor=actor,
        action=Action.SUPPLY,
        from_status=previous,
        note=note,
        paused_seconds=int(paused.total_seconds()),
        due_at=dossier.due_at.isoformat(),
    )
    return dossier


@transaction.atomic
def step_approve(
    *, actor: User, step: Step, result_note: str, files: list[FileUpload] | None = None
) -> Dossier:
    """The last step approves: the result is ready."""
    result_note = _require_text(result_note, "result_note", _("Vui lòng ghi kết quả giải quyết."))
    dossier, step = _locked_step(step)
    to = _check_move(dossier, Action.APPROVE, actor)
    _require_claimed_by(step, actor)
    if dossier.steps.filter(order__gt=step.order).exists():
        raise _refuse(_("Chưa phải bước cuối: hãy chuyển bước tiếp theo."))
    if dossier.steps.filter(order=step.order).exclude(pk=step.pk).exclude(status=StepStatus.DONE).exists():
        raise _refuse(_("Các bước song song chưa xong."))
    _finish(step, actor=actor, note=result_note)
    _store_files(dossier, files or [], actor=actor, kind=FileKind.RESULT)
    previous = dossier.status
    dossier.status = to
    dossier.result_note = result_note
    dossier.result_ready_at = _now()
    dossier.save()
    _event(dossier, actor=actor, action=Action.APPROVE, from_status=previous, note=result_note, step=step)
    return dossier


@transaction.atomic
def step_refuse(*, actor: User, step: Step, reason: str) -> Dossier:
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do từ chối."))
    dossier, step = _locked_step(step)
    _check_move(dossier, Action.REFUSE, actor)
    _require_claimed_by(step, actor)
    _finish(step, actor=actor, note=reason)
    return _close(dossier, actor=actor, action=Action.REFUSE, reason=reason, step=step)


def _reviewer_of_current_steps(dossier: Dossier, actor: User) -> None:
    agencies = [
        s.agency
        for s in dossier.steps.select_related("agency").filter(
            status__in=[StepStatus.ACTIVE, StepStatus.CLAIMED]
        )
    ] or [dossier.resolving_agency]
    _staff_of(actor, *agencies)


@transaction.atomic
def dossier_stop(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """An agency stops processing, with a notice (e.g. the applicant never supplied)."""
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do dừng xử lý."))
    dossier = _locked(dossier)
    _check_move(dossier, Action.STOP, actor)
    _reviewer_of_current_steps(dossier, actor)
    return _close(dossier, actor=actor, action=Action.STOP, reason=reason)


@transaction.atomic
def dossier_apologize(*, actor: User, dossier: Dossier, reason: str, new_date: datetime) -> Dossier:
    """The responsible agency records an apology for lateness, with its reason and a new date."""
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do chậm trễ."))
    dossier = _locked(dossier)
    to = _check_move(dossier, Action.APOLOGIZE, actor)
    _reviewer_of_current_steps(dossier, actor)
    if timezone.is_naive(new_date):
        new_date = timezone.make_aware(new_date)
    if new_date <= (dossier.due_at or _now()) or new_date <= _now():
        raise DossierError(
            {"new_date": [_("Ngày hẹn mới phải sau hạn trả kết quả hiện tại và sau hôm nay.")]}
        )
    previous = dossier.status
    dossier.status = to
    dossier.promised_at = new_date
    dossier.save()
    _event(
        dossier,
        actor=actor,
        action=Action.APOLOGIZE,
        from_status=previous,
        note=reason,
        new_date=new_date.isoformat(),
    )
    return dossier


@transaction.atomic
def dossier_return(
    *,
    actor: User,
    dossier: Dossier,
    collected_by: str = "",
    id_checked: bool = False,
    postal_tracking: str = "",
) -> Dossier:
    """The desk hands the result over: at the counter (who collected it, ID checked) or by post
    (tracking number)."""
    dossier = _locked(dossier)
    to = _check_move(dossier, Action.RETURN_RESULT, actor)
    _staff_of(actor, dossier.intake_office)
    if dossier.return_method == ReturnMethod.POST:
        postal_tracking = _require_text(
            postal_tracking, "postal_tracking", _("Vui lòng nhập số hiệu bưu gửi.")
        )
    elif dossier.return_method == ReturnMethod.COUNTER:
        collected_by = _require_text(collected_by, "collected_by", _("Vui lòng ghi người nhận kết quả."))
        if not id_checked:
            raise DossierError({"id_checked": [_("Cần kiểm tra giấy tờ tùy thân của người nhận.")]})
    previous = dossier.status
    dossier.status = to
    dossier.returned_at = _now()
    dossier.closed_at = dossier.returned_at
    dossier.returned_to = collected_by.strip()
    dossier.postal_tracking = postal_tracking.strip()
    dossier.save()
    _event(
        dossier,
        actor=actor,
        action=Action.RETURN_RESULT,
        from_status=previous,
        collected_by=dossier.returned_to,
        postal_tracking=dossier.postal_tracking,
        id_checked=id_checked,
    )
    return dossier


@transaction.atomic
def dossier_resolve_on_the_spot(*, actor: User, dossier: Dossier, result_note: str) -> Dossier:
    """On-the-spot procedures: the clerk who received the dossier approves it at the desk."""
    result_note = _require_text(result_note, "result_note", _("Vui lòng ghi kết quả giải quyết."))
    dossier = _locked(dossier)
    to = _check_move(dossier, Action.APPROVE_ON_THE_SPOT, actor)
    _staff_of(actor, dossier.intake_office)
    if not dossier.procedure.on_the_spot:
        raise _refuse(_("Thủ tục này không giải quyết tại chỗ."))
    at = _now()
    for step in dossier.steps.exclude(status=StepStatus.DONE):
        step.status = StepStatus.DONE
        step.finished_at = at
        step.finished_by = actor
        step.save()
    previous = dossier.status
    dossier.status = to
    dossier.result_note = result_note
    dossier.result_ready_at = at
    dossier.save()
    _event(dossier, actor=actor, action=Action.APPROVE_ON_THE_SPOT, from_status=previous, note=result_note)
    return dossier


@transaction.atomic
def dossier_request_payment(*, actor: User, step: Step, amount: int, note: str = "") -> Dossier:
    """A financial obligation (e.g. land-use tax) must be paid before processing continues."""
    if amount <= 0:
        raise DossierError({"amount": [_("Số tiền phải lớn hơn 0.")]})
    dossier, step = _locked_step(step)
    to = _check_move(dossier, Action.REQUEST_PAYMENT, actor)
    _require_claimed_by(step, actor)
    previous = dossier.status
    dossier.status = to
    dossier.save()
    _event(
        dossier,
        actor=actor,
        action=Action.REQUEST_PAYMENT,
        from_status=previous,
        note=note,
        step=step,
        amount=amount,
    )
    return dossier


@transaction.atomic
def dossier_confirm_payment(*, actor: User, dossier: Dossier, note: str = "") -> Dossier:
    dossier = _locked(dossier)
    to = _check_move(dossier, Action.CONFIRM_PAYMENT, actor)
    if _role(actor) == Role.CLERK:
        _staff_of(actor, dossier.intake_office)
    else:
        _reviewer_of_current_steps(dossier, actor)
    previous = dossier.status
    dossier.status = to
    dossier.save()
    _event(dossier, actor=actor, action=Action.CONFIRM_PAYMENT, from_status=previous, note=note)
    return dossier


def punctuality(dossier: Dossier) -> str | None:
    """early / on_time / late for a resolved dossier (by date, DESIGN.md), else None."""
    if not dossier.result_ready_at or not dossier.due_at:
        return None
    ready = timezone.localdate(dossier.result_ready_at)
    due = timezone.localdate(dossier.due_at)
    if ready < due:
        return "early"
    return "on_time" if ready == due else "late"

"""Intake: at the desk (counter, post), online, acceptance or refusal of an online submission,
withdrawal; dossier codes and the start of the clock."""

import secrets
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Consent, User
from accounts.phones import normalize_phone
from accounts.services import consent_record
from dossiers import statistics
from dossiers.models import (
    ApplicantKind,
    Channel,
    DocumentReceived,
    Dossier,
    DossierCounter,
    FileKind,
    IdKind,
    RegisterCounter,
    ReturnMethod,
    Step,
)
from dossiers.permissions import check_action
from dossiers.services.common import (
    Applicant,
    DossierError,
    Intake,
    _activate_order,
    _check_move,
    _close,
    _event,
    _locked,
    _now,
    _record_reuse,
    _refuse,
    _require_text,
    _store_files,
    _transition,
    new_secret,
)
from dossiers.validators import (
    normalize_passport_number,
    validate_id_number,
    validate_nationality,
    validate_passport_number,
    validate_tax_code,
)
from dossiers.workflow import Action
from procedures import workdays
from procedures.models import Agency, Procedure, RequiredDocument
from procedures.selectors import competent_agencies


def _clean_identity(applicant: Applicant, errors: dict[str, list[str]]) -> None:
    """A person is identified by a CCCD, or a passport number with a nationality; an organisation
    by its tax code, its representative's number then being optional."""
    organisation = applicant.kind == ApplicantKind.ORGANISATION
    applicant.id_number = "".join((applicant.id_number or "").split())
    if applicant.id_kind not in IdKind.values:
        errors["id_kind"] = [_("Loại giấy tờ tùy thân không hợp lệ.")]
        return
    if applicant.id_kind == IdKind.PASSPORT:
        applicant.id_number = normalize_passport_number(applicant.id_number)
        applicant.nationality = (applicant.nationality or "").strip().upper()
        try:
            validate_nationality(applicant.nationality)
        except ValidationError as exc:
            errors["nationality"] = exc.messages
        validate = validate_passport_number
        missing = _("Vui lòng nhập số hộ chiếu.")
    else:
        applicant.nationality = ""
        validate = validate_id_number
        missing = _("Vui lòng nhập số định danh cá nhân (CCCD).")
    if not applicant.id_number:
        if not organisation:
            errors["id_number"] = [missing]
        return
    try:
        validate(applicant.id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages


def _clean_applicant(applicant: Applicant) -> Applicant:
    errors: dict[str, list[str]] = {}
    if not applicant.name.strip():
        errors["name"] = [_("Vui lòng nhập họ tên người nộp.")]
    _clean_identity(applicant, errors)
    if not applicant.address.strip():
        errors["address"] = [_("Vui lòng nhập địa chỉ.")]
    if applicant.kind == ApplicantKind.ORGANISATION:
        if not applicant.organisation_name.strip():
            errors["organisation_name"] = [_("Vui lòng nhập tên tổ chức.")]
        applicant.tax_code = "".join((applicant.tax_code or "").split())
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


def next_register_line(office: Agency, book: int) -> int:
    """The next line of ``office``'s register in ``book`` (the year), gapless: the counter row is
    bumped under a row lock inside the receiving transaction (Circular 03/2025/TT-VPCP, form 07:
    the register is kept per year, each dossier received takes the next line)."""
    counter = RegisterCounter.objects.select_for_update().filter(office=office, book=book).first()
    if counter is None:
        try:
            with transaction.atomic():
                RegisterCounter.objects.create(office=office, book=book, last=0)
        except IntegrityError:
            pass  # another intake made the row first; lock it below
        counter = RegisterCounter.objects.select_for_update().get(office=office, book=book)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _assign_register_line(dossier: Dossier) -> None:
    """Write the received dossier into its office's register: taken last in the transaction, like
    the code, so the counter row stays locked for the shortest time."""
    book = timezone.localdate(dossier.received_at).year
    dossier.register_book = book
    dossier.register_number = next_register_line(dossier.intake_office, book)
    dossier.save(update_fields=["register_book", "register_number"])


def resolving_agency_for(
    procedure: Procedure, office: Agency, *, chosen: Agency | None = None, day: date | None = None
) -> Agency:
    """Who resolves a dossier received at ``office`` (intake regardless of administrative boundary,
    Decree 118/2025/NĐ-CP): the agency the desk or the applicant chose among the competent ones
    (``competent_agencies``: for a commune-level procedure, any commune of the province, e.g. where
    the person lives); without a choice, the office itself when it is competent (a commune's own
    desk) or the only competent agency. Only agencies of the present structure (rule 7)."""
    day = day or timezone.localdate()
    candidates = competent_agencies(procedure, day)
    if chosen is not None:
        if chosen.pk not in {a.pk for a in candidates}:
            raise DossierError(
                {
                    "resolving_agency": [
                        _("%(agency)s không giải quyết thủ tục này hoặc không còn tiếp nhận hồ sơ.")
                        % {"agency": chosen.name}
                    ]
                }
            )
        return chosen
    for agency in candidates:
        if agency.pk == office.pk:
            return agency
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise DossierError(_("Không có cơ quan nào đang hoạt động giải quyết thủ tục này."))
    raise DossierError(
        {
            "resolving_agency": [
                _("Vui lòng chọn cơ quan giải quyết (ví dụ UBND xã, phường nơi người nộp cư trú).")
            ]
        }
    )


def _planned_steps(dossier: Dossier, day: date) -> list[Step]:
    """The dossier's steps from the procedure's routing template (unsaved): a step of the
    catalog's agency goes to the dossier's resolving agency (a commune procedure to the commune
    chosen). Every agency routed to must receive on ``day`` (``Agency.receives_on``), or the
    intake is refused naming it."""
    procedure = dossier.procedure
    resolving = dossier.resolving_agency
    templates = list(procedure.process_steps.select_related("agency").order_by("order", "id"))
    if templates:
        steps = [
            Step(
                dossier=dossier,
                order=t.order,
                agency=resolving if t.agency_id == procedure.agency_id else t.agency,
                name=t.name,
                working_days=t.working_days,
            )
            for t in templates
        ]
    else:
        steps = [
            Step(
                dossier=dossier,
                order=1,
                agency=resolving,
                name=_("Giải quyết hồ sơ"),
                working_days=procedure.processing_days,
            )
        ]
    for step in steps:
        if not step.agency.receives_on(day):
            raise DossierError(
                _(
                    "Không thể chuyển hồ sơ đến %(agency)s: cơ quan này không còn hoạt động trong cơ cấu "
                    "hiện nay. Quản trị viên cần cập nhật quy trình của thủ tục."
                )
                % {"agency": step.agency.name}
            )
    return steps


def _start_clock(dossier: Dossier, steps: list[Step], *, actor: User, at: datetime) -> None:
    """Received: the clock starts, the due date is computed and stored, the planned steps are
    saved and the first order starts."""
    calendar = workdays.WorkCalendar()
    dossier.received_at = at
    dossier.received_by = actor
    procedure = dossier.procedure
    dossier.due_at = workdays.due_at(
        at, procedure.processing_days, unit=procedure.time_unit, calendar=calendar
    )
    for step in steps:
        step.dossier = dossier
    Step.objects.bulk_create(steps)
    _activate_order(dossier, min(s.order for s in steps), at=at, calendar=calendar)


def office_receives(office: Agency | None, day: date | None = None) -> bool:
    """Whether ``office`` is a one-stop desk that may receive a new dossier now (rule 7)."""
    return bool(office and office.has_one_stop_desk and office.receives_on(day or timezone.localdate()))


def _check_office(office: Agency | None, day: date) -> Agency:
    """The desk that receives: a one-stop desk of the present structure (rule 7)."""
    if office is None or not office.has_one_stop_desk:
        raise _refuse(_("Tài khoản của bạn không thuộc bộ phận một cửa nào."))
    if not office.receives_on(day):
        raise _refuse(
            _("%(office)s không còn hoạt động trong cơ cấu hiện nay nên không tiếp nhận hồ sơ mới.")
            % {"office": office.name}
        )
    return office


def _new_dossier(
    *, procedure: Procedure, office: Agency, channel: str, intake: Intake, applicant_user, at
) -> Dossier:
    return Dossier(
        # A provisional code: the real one is taken last (``_assign_code``), so the office's
        # counter row stays locked only for the end of the intake transaction.
        code=f"~{secrets.token_hex(12)}",
        secret=new_secret(),
        tracking_token=secrets.token_urlsafe(24),
        procedure=procedure,
        resolving_agency=resolving_agency_for(
            procedure, office, chosen=intake.resolving_agency, day=timezone.localdate(at)
        ),
        intake_office=office,
        channel=channel,
        applicant_user=applicant_user,
        applicant_kind=intake.applicant.kind,
        applicant_name=intake.applicant.name,
        organisation_name=intake.applicant.organisation_name,
        id_kind=intake.applicant.id_kind,
        id_number=intake.applicant.id_number,
        nationality=intake.applicant.nationality,
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


@transaction.atomic
def dossier_receive(
    *, actor: User, procedure: Procedure, intake: Intake, channel: str = Channel.COUNTER
) -> Dossier:
    """A clerk (counter) or postal staff (post) receives a dossier at a one-stop desk: the code is
    given, the clock starts, the steps are made."""
    if channel not in (Channel.COUNTER, Channel.POSTAL):
        raise DossierError(_("Kênh tiếp nhận không hợp lệ."))
    to = _check_move(None, Action.RECEIVE, actor)
    at = _now()
    office = _check_office(actor.agency, timezone.localdate(at))
    _check_procedure(procedure, channel)
    intake.applicant = _clean_applicant(intake.applicant)
    _check_return(intake)
    received = {k for k, (o, c) in intake.documents.items() if o or c} | set(intake.reused)
    missing = missing_mandatory_documents(procedure, received)
    if missing:
        raise DossierError(
            _("Chưa nhận đủ giấy tờ bắt buộc: %(names)s.") % {"names": "; ".join(d.name for d in missing)}
        )
    dossier = _new_dossier(
        procedure=procedure, office=office, channel=channel, intake=intake, applicant_user=None, at=at
    )
    steps = _planned_steps(dossier, timezone.localdate(at))
    dossier.status = to
    dossier.save()
    _record_documents(dossier, intake.documents)
    _store_files(dossier, intake.files, actor=actor, kind=FileKind.SUBMISSION)
    _record_reuse(dossier, intake, actor=actor)
    _start_clock(dossier, steps, actor=actor, at=at)
    statistics.dossier_changed(dossier, new=True)  # the statistics' rollups, in this transaction
    dossier.save()
    _assign_code(dossier, at)
    _assign_register_line(dossier)
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
def dossier_submit(
    *, actor: User, procedure: Procedure, office: Agency, intake: Intake, notice_version: str = ""
) -> Dossier:
    """A citizen submits online; the dossier waits in the clerks' queue of ``office``. With the
    version of the processing notice they agreed to (the online form asks for it), their consent
    is recorded with the dossier's code (accounts.Consent; Law 91/2025)."""
    to = _check_move(None, Action.SUBMIT, actor)
    _check_procedure(procedure, Channel.ONLINE)
    at = _now()
    if not (office.has_one_stop_desk and office.receives_on(timezone.localdate(at))):
        raise DossierError({"office": [_("Nơi tiếp nhận phải là một bộ phận một cửa đang hoạt động.")]})
    intake.applicant = _clean_applicant(intake.applicant)
    _check_return(intake)
    doc_ids = {u.document_id for u in intake.files if u.document_id} | set(intake.reused)
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
    dossier = _new_dossier(
        procedure=procedure, office=office, channel=Channel.ONLINE, intake=intake, applicant_user=actor, at=at
    )
    _planned_steps(dossier, timezone.localdate(at))  # the routing is possible: said now, not at acceptance
    dossier.status = to
    dossier.save()
    _store_files(dossier, intake.files, actor=actor, kind=FileKind.SUBMISSION)
    _record_reuse(dossier, intake, actor=actor)
    _assign_code(dossier, at)
    _event(dossier, actor=actor, action=Action.SUBMIT, from_status="")
    if notice_version:
        consent_record(
            user=actor,
            purpose=Consent.Purpose.SUBMISSION,
            notice_version=notice_version,
            at=at,
            dossier_code=dossier.code,
        )
    return dossier


@transaction.atomic
def dossier_accept(*, actor: User, dossier: Dossier) -> Dossier:
    """A clerk of the chosen office accepts an online dossier: the clock starts now."""
    dossier = _locked(dossier)
    to = check_action(actor=actor, dossier=dossier, action=Action.ACCEPT)
    at = _now()
    _start_clock(dossier, _planned_steps(dossier, timezone.localdate(at)), actor=actor, at=at)
    _transition(dossier, to, actor=actor, action=Action.ACCEPT, due_at=dossier.due_at.isoformat())
    _assign_register_line(dossier)
    return dossier


@transaction.atomic
def dossier_refuse_intake(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do từ chối."))
    dossier = _locked(dossier)
    check_action(actor=actor, dossier=dossier, action=Action.REFUSE_INTAKE)
    return _close(dossier, actor=actor, action=Action.REFUSE_INTAKE, reason=reason)


@transaction.atomic
def dossier_withdraw(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """The applicant withdraws (online, or at the desk through a clerk) before the result."""
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do rút hồ sơ."))
    dossier = _locked(dossier)
    check_action(actor=actor, dossier=dossier, action=Action.WITHDRAW)
    return _close(dossier, actor=actor, action=Action.WITHDRAW, reason=reason)

"""Processing: steps claimed, forwarded and sent back, supplements and financial obligations (the
clock pauses for both), refusal, stop and apology."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from dossiers.files import FileUpload
from dossiers.models import (
    Dossier,
    FileKind,
    FinancialObligation,
    ObligationKind,
    Step,
    StepStatus,
    SupplementRequest,
)
from dossiers.permissions import check_action
from dossiers.services.common import (
    DossierError,
    _activate_order,
    _close,
    _finish,
    _locked,
    _locked_step,
    _now,
    _require_text,
    _store_files,
    _transition,
)
from dossiers.workflow import Action
from procedures import workdays


@transaction.atomic
def step_claim(*, actor: User, step: Step) -> Step:
    """A reviewer of the step's agency takes the step."""
    dossier, step = _locked_step(step)
    to = check_action(actor=actor, dossier=dossier, action=Action.CLAIM, step=step)
    step.status = StepStatus.CLAIMED
    step.claimed_by = actor
    step.claimed_at = _now()
    step.save()
    _transition(dossier, to, actor=actor, action=Action.CLAIM, step=step)
    return step


@transaction.atomic
def step_forward(*, actor: User, step: Step, note: str = "") -> Step:
    """Finish a step and pass the dossier on: the next order starts when every step of this
    order is done. In the last order, parallel steps are finished this way and the one left
    last approves with ``step_approve``."""
    dossier, step = _locked_step(step)
    to = check_action(actor=actor, dossier=dossier, action=Action.FORWARD, step=step)
    next_order = (
        dossier.steps.filter(order__gt=step.order).order_by("order").values_list("order", flat=True).first()
    )
    parallel_open = dossier.steps.filter(order=step.order).exclude(pk=step.pk).exclude(status=StepStatus.DONE)
    _finish(step, actor=actor, note=note)
    started = []
    if next_order is not None and not parallel_open.exists():
        started = _activate_order(dossier, next_order, at=_now())
    _transition(
        dossier,
        to,
        actor=actor,
        action=Action.FORWARD,
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
    to = check_action(actor=actor, dossier=dossier, action=Action.SEND_BACK, step=step)
    previous_order = (
        dossier.steps.filter(order__lt=step.order).order_by("-order").values_list("order", flat=True).first()
    )
    dossier.steps.filter(order=step.order).update(
        status=StepStatus.WAITING, claimed_by=None, claimed_at=None, started_at=None, due_at=None
    )
    started = _activate_order(dossier, previous_order, at=_now())
    _transition(
        dossier,
        to,
        actor=actor,
        action=Action.SEND_BACK,
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
    to = check_action(actor=actor, dossier=dossier, action=Action.REQUEST_SUPPLEMENT, step=step)
    at = _now()
    request = SupplementRequest.objects.create(
        dossier=dossier, step=step, items=items, requested_by=actor, requested_at=at
    )
    dossier.paused_at = at
    _transition(dossier, to, actor=actor, action=Action.REQUEST_SUPPLEMENT, note=note, step=step, items=items)
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
    to = check_action(actor=actor, dossier=dossier, action=Action.SUPPLY)
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
    _transition(
        dossier,
        to,
        actor=actor,
        action=Action.SUPPLY,
        note=note,
        paused_seconds=int(paused.total_seconds()),
        due_at=dossier.due_at.isoformat(),
    )
    return dossier


@transaction.atomic
def step_refuse(*, actor: User, step: Step, reason: str) -> Dossier:
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do từ chối."))
    dossier, step = _locked_step(step)
    check_action(actor=actor, dossier=dossier, action=Action.REFUSE, step=step)
    _finish(step, actor=actor, note=reason)
    return _close(dossier, actor=actor, action=Action.REFUSE, reason=reason, step=step)


@transaction.atomic
def dossier_stop(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """An agency stops processing, with a notice (e.g. the applicant never supplied)."""
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do dừng xử lý."))
    dossier = _locked(dossier)
    check_action(actor=actor, dossier=dossier, action=Action.STOP)
    return _close(dossier, actor=actor, action=Action.STOP, reason=reason)


@transaction.atomic
def dossier_apologize(*, actor: User, dossier: Dossier, reason: str, new_date: datetime) -> Dossier:
    """The responsible agency records an apology for lateness (form 04), with its reason and a new
    date: once per dossier (``permissions.first_apology``), and the new date a working time (Decree
    61/2018, art. 18 as amended by Decree 107/2021: the result is handed over in office hours)."""
    reason = _require_text(reason, "reason", _("Vui lòng nêu lý do chậm trễ."))
    dossier = _locked(dossier)
    to = check_action(actor=actor, dossier=dossier, action=Action.APOLOGIZE)
    if timezone.is_naive(new_date):
        new_date = timezone.make_aware(new_date)
    if new_date <= (dossier.due_at or _now()) or new_date <= _now():
        raise DossierError(
            {"new_date": [_("Ngày hẹn mới phải sau hạn trả kết quả hiện tại và sau hôm nay.")]}
        )
    if not workdays.WorkCalendar().is_working_moment(new_date):
        raise DossierError(
            {
                "new_date": [
                    _(
                        "Ngày hẹn mới phải là thời gian làm việc: ngày làm việc (không phải thứ Bảy, "
                        "Chủ nhật, ngày lễ, ngày nghỉ), trong giờ hành chính."
                    )
                ]
            }
        )
    dossier.promised_at = new_date
    _transition(dossier, to, actor=actor, action=Action.APOLOGIZE, note=reason, new_date=new_date.isoformat())
    return dossier


@transaction.atomic
def dossier_request_payment(
    *,
    actor: User,
    step: Step,
    amount: int,
    kind: str = ObligationKind.OTHER,
    notice_number: str = "",
    issuing_authority: str = "",
    due_date: date | None = None,
    note: str = "",
) -> FinancialObligation:
    """The applicant must pay a financial obligation (land-use levy, registration fee, tax...)
    assessed on a notice before processing continues: a ``FinancialObligation`` is recorded, the
    dossier waits in ``awaiting_payment`` (national status 6) and its clock is paused until the
    payment is confirmed (Decree 101/2024/NĐ-CP art. 22 for land; docs/rules.md). The obligation is
    paid to the State Treasury on the notice, never on the center's fee receipt."""
    errors = {}
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = [_("Số tiền phải là số nguyên đồng lớn hơn 0.")]
    if kind not in ObligationKind.values:
        errors["kind"] = [_("Loại nghĩa vụ tài chính không hợp lệ.")]
    notice_number = (notice_number or "").strip()
    issuing_authority = (issuing_authority or "").strip()
    if not notice_number:
        errors["notice_number"] = [_("Vui lòng ghi số thông báo nộp tiền.")]
    if not issuing_authority:
        errors["issuing_authority"] = [_("Vui lòng ghi cơ quan ra thông báo (ví dụ: Thuế cơ sở).")]
    if errors:
        raise DossierError(errors)
    dossier, step = _locked_step(step)
    to = check_action(actor=actor, dossier=dossier, action=Action.REQUEST_PAYMENT, step=step)
    at = _now()
    obligation = FinancialObligation.objects.create(
        dossier=dossier,
        step=step,
        kind=kind,
        amount=amount,
        notice_number=notice_number,
        issuing_authority=issuing_authority,
        due_date=due_date,
        note=(note or "").strip(),
        requested_by=actor,
        requested_at=at,
    )
    dossier.paused_at = at
    _transition(
        dossier,
        to,
        actor=actor,
        action=Action.REQUEST_PAYMENT,
        note=note,
        step=step,
        amount=amount,
        obligation=obligation.pk,
        kind=kind,
        notice_number=notice_number,
    )
    return obligation


@transaction.atomic
def dossier_confirm_payment(*, actor: User, dossier: Dossier, proof: str, note: str = "") -> Dossier:
    """A clerk of the intake office or a reviewer of the current step confirms that the applicant
    paid every open financial obligation, with the payment proof (the treasury's or bank's
    document number): processing resumes and the due dates move by the paused working time."""
    proof = _require_text(
        proof, "proof", _("Vui lòng ghi số chứng từ nộp tiền vào ngân sách nhà nước (hoặc của ngân hàng).")
    )
    dossier = _locked(dossier)
    to = check_action(actor=actor, dossier=dossier, action=Action.CONFIRM_PAYMENT)
    at = _now()
    open_obligations = FinancialObligation.objects.select_for_update().filter(
        dossier=dossier, confirmed_at__isnull=True
    )
    confirmed = [o.pk for o in open_obligations]
    open_obligations.update(payment_proof=proof[:300], confirmed_by=actor, confirmed_at=at)
    paused = _resume_clock(dossier, at) if dossier.paused_at else timedelta(0)
    _transition(
        dossier,
        to,
        actor=actor,
        action=Action.CONFIRM_PAYMENT,
        note=note,
        proof=proof,
        obligations=confirmed,
        paused_seconds=int(paused.total_seconds()),
        due_at=dossier.due_at.isoformat() if dossier.due_at else None,
    )
    return dossier

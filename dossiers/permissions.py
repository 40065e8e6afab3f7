"""What a user may do to a dossier now: the one answer, for the services and for the pages.

An action is allowed when the state table (``dossiers.workflow.TRANSITIONS``) has the move for the
dossier's status and the user's acting role, *and* every named check of that action passes (the
user's own dossier, their office's desk, their agency's step, the step they claimed, the last
step, ...). Each check is a small function that raises ``TransitionRefused`` with the message the
person sees.

- The services call ``check_action`` on the locked rows before changing anything.
- The pages and the API ask ``dossier_actions_for`` which buttons to show; it runs the same checks
  on the rows they already read, so a button is shown exactly when the service would accept it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import on_the_spot_signers
from dossiers.models import Dossier, Step, StepStatus
from dossiers.workflow import TRANSITIONS, Action, TransitionRefused, move_for

OPEN_STEP = (StepStatus.ACTIVE, StepStatus.CLAIMED)
# Actions taken on one step of the dossier (the others act on the dossier as a whole).
STEP_ACTIONS = frozenset(
    {
        Action.CLAIM,
        Action.FORWARD,
        Action.SEND_BACK,
        Action.REQUEST_SUPPLEMENT,
        Action.REQUEST_PAYMENT,
        Action.APPROVE,
        Action.REFUSE,
    }
)


def acting_role(user) -> str:
    """The role the state table knows ``user`` by: a superuser without a staff role acts as
    administrator (who takes no dossier action)."""
    return Role.ADMIN if user.is_superuser and user.role == Role.CITIZEN else user.role


@dataclass
class Situation:
    """The rows a check looks at: who acts, on which dossier, on which step (step actions)."""

    actor: object
    dossier: Dossier
    step: Step | None = None

    @cached_property
    def role(self) -> str:
        return acting_role(self.actor)

    @cached_property
    def steps(self) -> list[Step]:
        # The dossier's prefetched steps on a page; a fresh read (after the lock) in a service.
        return list(self.dossier.steps.all())

    @cached_property
    def current_steps(self) -> list[Step]:
        return [s for s in self.steps if s.status in OPEN_STEP]


Check = Callable[[Situation], None]


def _staff_of(actor, *agency_ids: int | None) -> None:
    if actor.is_superuser:
        return
    if actor.agency_id not in agency_ids:
        raise TransitionRefused(_("Hồ sơ này không thuộc cơ quan của bạn."))


# --- the named checks ----------------------------------------------------------------------------


def own_dossier(s: Situation) -> None:
    """A citizen acts on their own dossier only."""
    if s.role == Role.CITIZEN and s.dossier.applicant_user_id != s.actor.id:
        raise TransitionRefused(_("Bạn chỉ thao tác được trên hồ sơ của chính mình."))


def intake_desk(s: Situation) -> None:
    """Desk staff act on the dossiers of their own office's desk."""
    if s.role in (Role.CLERK, Role.POSTAL):
        _staff_of(s.actor, s.dossier.intake_office_id)


def responsible_reviewer(s: Situation) -> None:
    """A reviewer of an agency whose step is open now (or of the resolving agency when none is)."""
    if s.role == Role.REVIEWER:
        agencies = {step.agency_id for step in s.current_steps} or {s.dossier.resolving_agency_id}
        _staff_of(s.actor, *agencies)


def step_of_agency(s: Situation) -> None:
    """A reviewer of the step's own agency."""
    _staff_of(s.actor, s.step.agency_id)


def step_waiting(s: Situation) -> None:
    if s.step.status != StepStatus.ACTIVE:
        raise TransitionRefused(_("Bước này không ở trạng thái chờ xử lý."))


def step_claimed_by_actor(s: Situation) -> None:
    if s.step.status != StepStatus.CLAIMED or s.step.claimed_by_id != s.actor.id:
        raise TransitionRefused(_("Bạn cần nhận xử lý bước này trước."))


def _later(s: Situation) -> bool:
    return any(other.order > s.step.order for other in s.steps)


def _parallel_open(s: Situation) -> bool:
    return any(
        other.order == s.step.order and other.pk != s.step.pk and other.status != StepStatus.DONE
        for other in s.steps
    )


def step_not_last(s: Situation) -> None:
    """Forward: a later order to pass to, or parallel steps of this order still open (the step
    is finished and the one left last approves)."""
    if not _later(s) and not _parallel_open(s):
        raise TransitionRefused(_("Đây là bước cuối: hãy phê duyệt hoặc từ chối."))


def step_not_first(s: Situation) -> None:
    if not any(other.order < s.step.order for other in s.steps):
        raise TransitionRefused(_("Đây là bước đầu tiên, không có bước trước để trả lại."))


def step_last(s: Situation) -> None:
    """Approve: the last order, with every parallel step of it done."""
    if _later(s):
        raise TransitionRefused(_("Chưa phải bước cuối: hãy chuyển bước tiếp theo."))
    if _parallel_open(s):
        raise TransitionRefused(_("Các bước song song chưa xong."))


def first_supplement_request(s: Situation) -> None:
    """One supplement request while the dossier is processed: Decree 61/2018, art. 18 as amended
    by Decree 107/2021 (the notice asking for more documents is given once, in full, for the
    whole processing; Decree 118/2025 keeps the rule — docs/rules.md says what was not confirmed).
    The clock pause of that one request is in ``dossier_request_supplement``/``dossier_supply``."""
    if any(r.step_id is not None for r in s.dossier.supplement_requests.all()):
        raise TransitionRefused(
            _(
                "Hồ sơ này đã được yêu cầu bổ sung một lần. Theo Nghị định 61/2018/NĐ-CP (sửa đổi bởi "
                "Nghị định 107/2021/NĐ-CP), việc yêu cầu bổ sung trong quá trình giải quyết chỉ thực "
                "hiện một lần; nếu hồ sơ vẫn không đủ điều kiện, hãy từ chối giải quyết và nêu lý do."
            )
        )


def first_apology(s: Situation) -> None:
    """One new date (apology letter, form 04 of Circular 03/2025/TT-VPCP): Decree 61/2018,
    art. 18 as amended by Decree 107/2021 (the new date of the result is set once)."""
    if s.dossier.promised_at is not None:
        raise TransitionRefused(
            _(
                "Hồ sơ này đã có văn bản xin lỗi và hẹn lại ngày trả kết quả. Theo Nghị định "
                "61/2018/NĐ-CP (sửa đổi bởi Nghị định 107/2021/NĐ-CP), việc hẹn lại chỉ thực hiện một lần."
            )
        )


def on_the_spot_procedure(s: Situation) -> None:
    if not s.dossier.procedure.on_the_spot:
        raise TransitionRefused(_("Thủ tục này không giải quyết tại chỗ."))


def on_the_spot_signer_at_desk(s: Situation) -> None:
    """Someone at the desk is authorised to sign this procedure's result on the spot
    (``accounts.models.SigningAuthority``)."""
    if not on_the_spot_signers(procedure=s.dossier.procedure, office=s.dossier.intake_office_id).exists():
        raise TransitionRefused(
            _(
                "Chưa có người được ủy quyền ký kết quả thủ tục này tại bộ phận một cửa; "
                "quản trị viên ghi ủy quyền ký trước khi giải quyết tại chỗ."
            )
        )


def resolving_agency_receives(s: Situation) -> None:
    """Accept an online submission only while its resolving agency belongs to the present
    structure (active; no district-level agency from 1 July 2025): ``Agency.receives_on``."""
    agency = s.dossier.resolving_agency
    if not agency.receives_on(timezone.localdate()):
        raise TransitionRefused(
            _("%(agency)s không còn hoạt động trong cơ cấu hiện nay: không thể tiếp nhận hồ sơ.")
            % {"agency": agency.name}
        )


def intake_supplement_not_asked(s: Situation) -> None:
    """Before acceptance the desk asks for a supplement once, listing everything at once
    (Decree 61/2018 art. 19(2)(a) as amended by Decree 107/2021: "một lần, đầy đủ"); after it,
    the submission is accepted or refused."""
    if any(r.at_intake for r in s.dossier.supplement_requests.all()):
        raise TransitionRefused(
            _(
                "Hồ sơ đã được yêu cầu bổ sung một lần trước khi tiếp nhận: theo quy định chỉ yêu cầu "
                "một lần, đầy đủ. Hãy tiếp nhận hoặc từ chối tiếp nhận (nêu rõ lý do)."
            )
        )


# The checks of each action, in the order they run (the first failing one gives the message).
CHECKS: dict[str, tuple[Check, ...]] = {
    Action.ACCEPT: (intake_desk, resolving_agency_receives),
    Action.REFUSE_INTAKE: (intake_desk,),
    Action.REQUEST_INTAKE_SUPPLEMENT: (intake_desk, intake_supplement_not_asked),
    Action.SUPPLY_INTAKE: (own_dossier,),
    Action.CLAIM: (step_of_agency, step_waiting),
    Action.FORWARD: (step_claimed_by_actor, step_not_last),
    Action.SEND_BACK: (step_claimed_by_actor, step_not_first),
    Action.REQUEST_SUPPLEMENT: (step_claimed_by_actor, first_supplement_request),
    Action.REQUEST_PAYMENT: (step_claimed_by_actor,),
    Action.APPROVE: (step_claimed_by_actor, step_last),
    Action.REFUSE: (step_claimed_by_actor,),
    Action.SUPPLY: (own_dossier, intake_desk),
    Action.WITHDRAW: (own_dossier, intake_desk),
    Action.CONFIRM_PAYMENT: (intake_desk, responsible_reviewer),
    Action.APOLOGIZE: (responsible_reviewer, first_apology),
    Action.STOP: (responsible_reviewer,),
    Action.APPROVE_ON_THE_SPOT: (intake_desk, on_the_spot_procedure, on_the_spot_signer_at_desk),
    Action.RETURN_RESULT: (intake_desk,),
}
assert set(CHECKS) == {a for (state, a) in TRANSITIONS if state is not None}  # noqa: S101  # nosec B101


def check_action(*, actor, dossier: Dossier, action: str, step: Step | None = None) -> str:
    """Refuse (``TransitionRefused``) unless ``actor`` may take ``action`` on ``dossier`` (and
    ``step``, for a step action) now; return the status the move leads to."""
    to = move_for(dossier.status, action, acting_role(actor)).to
    situation = Situation(actor=actor, dossier=dossier, step=step)
    for check in CHECKS[action]:
        check(situation)
    return to


@dataclass(frozen=True)
class Allowed:
    """One thing the user may do now; ``step`` is set for a step action."""

    action: str
    step: Step | None = None


def dossier_actions_for(*, actor, dossier: Dossier) -> list[Allowed]:
    """Everything ``actor`` may do to ``dossier`` now, in the state table's order: what
    ``check_action`` would accept. Reads ``dossier.steps.all()`` once (prefetch it on list pages
    that show step actions)."""
    role = acting_role(actor)
    candidates = [
        a for (state, a), move in TRANSITIONS.items() if state == dossier.status and role in move.roles
    ]
    if not candidates:
        return []
    result: list[Allowed] = []
    base = Situation(actor=actor, dossier=dossier)
    for action in candidates:
        if action in STEP_ACTIONS:
            for step in base.current_steps:
                if _passes(Situation(actor=actor, dossier=dossier, step=step), action, base):
                    result.append(Allowed(action, step))
        elif _passes(base, action, base):
            result.append(Allowed(action))
    return result


def _passes(situation: Situation, action: str, base: Situation) -> bool:
    # Share the one read of the steps (if any check made it) between the situations of one dossier.
    if situation is not base and "steps" in base.__dict__:
        situation.__dict__["steps"] = base.steps
    try:
        for check in CHECKS[action]:
            check(situation)
    except TransitionRefused:
        return False
    return True


def may(*, actor, dossier: Dossier, action: str, step: Step | None = None) -> bool:
    """Whether ``dossier_actions_for`` offers ``action`` (on ``step``)."""
    return any(
        a.action == action and (step is None or (a.step is not None and a.step.pk == step.pk))
        for a in dossier_actions_for(actor=actor, dossier=dossier)
    )


def action_names(allowed: list[Allowed]) -> list[str]:
    """The distinct action names of ``allowed``, in order (the API's ``actions``)."""
    return list(dict.fromkeys(a.action for a in allowed))

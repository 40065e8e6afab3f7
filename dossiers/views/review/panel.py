"""The dossier page's action panel: what the signed-in person may do to a dossier now."""

from dataclasses import dataclass

from accounts.models import Role
from accounts.permissions import can
from dossiers.models import Dossier, Step, StepStatus
from dossiers.workflow import Action, actions_from


@dataclass(frozen=True)
class PanelAction:
    """One button of the dossier page's action panel.

    ``target`` names the page that does it (a URL name of the dossiers app, without the
    namespace); ``step`` is set for step actions; ``method`` is "post" for one-click actions."""

    action: str
    target: str
    step: Step | None = None
    method: str = "get"
    danger: bool = False

    @property
    def label(self) -> str:
        return Action(self.action).label


def acting_role(user) -> str:
    """The role the state table knows the user by (as ``dossiers.services`` does)."""
    return Role.ADMIN if user.is_superuser and user.role == Role.CITIZEN else user.role


OPEN_STEP = (StepStatus.ACTIVE, StepStatus.CLAIMED)
STEP_DANGER = {Action.SEND_BACK, Action.REFUSE}
DESK_TARGETS = {
    Action.ACCEPT: ("desk_accept", "post"),
    Action.REFUSE_INTAKE: ("desk_refuse_intake", "get"),
    Action.APPROVE_ON_THE_SPOT: ("desk_on_the_spot", "get"),
    Action.SUPPLY: ("desk_supply", "get"),
    Action.WITHDRAW: ("desk_withdraw", "get"),
    Action.RETURN_RESULT: ("desk_return", "get"),
    Action.CONFIRM_PAYMENT: ("confirm_payment", "get"),
}
APPLICANT_TARGETS = {Action.SUPPLY: "my_supply", Action.WITHDRAW: "my_withdraw"}


def available_actions(dossier: Dossier, user) -> list[PanelAction]:
    """What ``user`` may do to ``dossier`` now: the moves the state table allows their role from
    the dossier's status, narrowed to their scope (their agency's steps, the step they claimed,
    their own office's desk, their own dossier). The services check all of it again."""
    role = acting_role(user)
    allowed = set(actions_from(dossier.status, role))
    if not allowed:
        return []
    result: list[PanelAction] = []
    if role == Role.REVIEWER and can(user, "step.process"):
        steps = list(dossier.steps.all())
        current = [s for s in steps if s.status in OPEN_STEP]
        if Action.CLAIM in allowed:
            result += [
                PanelAction(Action.CLAIM, "step_action", step=s, method="post")
                for s in current
                if s.status == StepStatus.ACTIVE and s.agency_id == user.agency_id
            ]
        for step in current:
            if step.status != StepStatus.CLAIMED or step.claimed_by_id != user.id:
                continue
            later = any(s.order > step.order for s in steps)
            earlier = any(s.order < step.order for s in steps)
            parallel_open = any(
                s.order == step.order and s.pk != step.pk and s.status != StepStatus.DONE for s in steps
            )
            wanted = [
                (Action.FORWARD, later),
                (Action.SEND_BACK, earlier),
                (Action.REQUEST_SUPPLEMENT, True),
                (Action.REQUEST_PAYMENT, True),
                (Action.APPROVE, not later and not parallel_open),
                (Action.REFUSE, True),
            ]
            result += [
                PanelAction(action, "step_action", step=step, danger=action in STEP_DANGER)
                for action, ok in wanted
                if ok and action in allowed
            ]
        responsible = {s.agency_id for s in current} or {dossier.resolving_agency_id}
        if user.agency_id in responsible:
            for action, target in (
                (Action.CONFIRM_PAYMENT, "confirm_payment"),
                (Action.APOLOGIZE, "apologize"),
                (Action.STOP, "stop"),
            ):
                if action in allowed:
                    result.append(PanelAction(action, target, danger=action == Action.STOP))
    elif role in (Role.CLERK, Role.POSTAL) and user.agency_id == dossier.intake_office_id:
        for action in allowed:
            if action == Action.APPROVE_ON_THE_SPOT and not dossier.procedure.on_the_spot:
                continue
            if action in DESK_TARGETS:
                target, method = DESK_TARGETS[action]
                danger = action in (Action.REFUSE_INTAKE, Action.WITHDRAW)
                result.append(PanelAction(action, target, method=method, danger=danger))
    elif role == Role.CITIZEN and dossier.applicant_user_id == user.id:
        result += [
            PanelAction(action, APPLICANT_TARGETS[action], danger=action == Action.WITHDRAW)
            for action in allowed
            if action in APPLICANT_TARGETS
        ]
    return result


def may(dossier: Dossier, user, action: str, step: Step | None = None) -> bool:
    return any(
        a.action == action and (step is None or (a.step is not None and a.step.pk == step.pk))
        for a in available_actions(dossier, user)
    )

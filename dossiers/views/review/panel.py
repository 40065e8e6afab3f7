"""The dossier page's action panel: what the signed-in person may do to a dossier now."""

from dataclasses import dataclass, replace

from django.urls import NoReverseMatch, reverse

from accounts.models import Role
from dossiers.models import Dossier, Step
from dossiers.permissions import acting_role, dossier_actions_for
from dossiers.workflow import Action


@dataclass(frozen=True)
class PanelAction:
    """One button of the dossier page's action panel.

    ``target`` names the page that does it (a URL name of the dossiers app, without the
    namespace) and ``href`` is its address ("" when no such page exists: the button is left out);
    ``step`` is set for step actions; ``method`` is "post" for one-click actions."""

    action: str
    target: str
    step: Step | None = None
    method: str = "get"
    danger: bool = False
    href: str = ""

    @property
    def label(self) -> str:
        return Action(self.action).label


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


REVIEWER_TARGETS = {
    Action.CONFIRM_PAYMENT: "confirm_payment",
    Action.APOLOGIZE: "apologize",
    Action.STOP: "stop",
}


def available_actions(dossier: Dossier, user) -> list[PanelAction]:
    """The buttons for what ``user`` may do to ``dossier`` now (``dossier_actions_for``): each
    allowed action mapped to the page that does it."""
    role = acting_role(user)
    result: list[PanelAction] = []
    for allowed in dossier_actions_for(actor=user, dossier=dossier):
        action = allowed.action
        if allowed.step is not None:
            method = "post" if action == Action.CLAIM else "get"
            danger = action in STEP_DANGER
            result.append(PanelAction(action, "step_action", step=allowed.step, method=method, danger=danger))
        elif role == Role.REVIEWER and action in REVIEWER_TARGETS:
            result.append(PanelAction(action, REVIEWER_TARGETS[action], danger=action == Action.STOP))
        elif role in (Role.CLERK, Role.POSTAL) and action in DESK_TARGETS:
            target, method = DESK_TARGETS[action]
            danger = action in (Action.REFUSE_INTAKE, Action.WITHDRAW)
            result.append(PanelAction(action, target, method=method, danger=danger))
        elif role == Role.CITIZEN and action in APPLICANT_TARGETS:
            result.append(PanelAction(action, APPLICANT_TARGETS[action], danger=action == Action.WITHDRAW))
    return [replace(entry, href=_href(entry, dossier)) for entry in result]


def _href(entry: PanelAction, dossier: Dossier) -> str:
    args = [entry.step.pk, entry.action] if entry.target == "step_action" else [dossier.code]
    try:
        return reverse(f"dossiers:{entry.target}", args=args)
    except NoReverseMatch:  # a page another area has not built yet: no button
        return ""


def may(dossier: Dossier, user, action: str, step: Step | None = None) -> bool:
    return any(
        a.action == action and (step is None or (a.step is not None and a.step.pk == step.pk))
        for a in available_actions(dossier, user)
    )

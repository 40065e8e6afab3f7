"""The one place that answers "may this user do this?" for every app.

Each action is a dotted name; ``ACTIONS`` says which roles may take it. Apps call
``can(user, action)`` in views and services and ``require(user, action)`` where refusal is an
error. Which *objects* a user may see (the scope of dossiers, steps, reports) is answered by each
app's selectors from the user's role and agency (``agency_scope``).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Role
from procedures.selectors import agency_descendant_ids

C, K, P, R, M, A = Role.CITIZEN, Role.CLERK, Role.POSTAL, Role.REVIEWER, Role.MANAGER, Role.ADMIN

ACTIONS: dict[str, frozenset[str]] = {
    # catalog
    "catalog.manage": frozenset({A}),
    "calendar.manage": frozenset({A}),
    # accounts
    "accounts.manage_staff": frozenset({A}),
    # dossiers
    "dossier.submit_online": frozenset({C}),
    "dossier.receive": frozenset({K, P}),
    "dossier.accept_online": frozenset({K}),
    "dossier.return_result": frozenset({K, P}),
    "dossier.view_inbox": frozenset({R}),
    "dossier.search": frozenset({K, P, R, M, A}),
    "step.process": frozenset({R}),
    # fees and receipts
    "fee.collect": frozenset({K, P}),
    "fee.exempt": frozenset({K}),
    "receipt.cancel": frozenset({K, A}),
    "fee.reconcile": frozenset({K, M, A}),
    # printed papers (each also needs the dossier to be visible to the user)
    "paper.view": frozenset({C, K, P, R, M, A}),
    "register.view": frozenset({K, P, M, A}),
    # figures
    "stats.view": frozenset({M, A}),
    # queue tickets
    "counter.serve": frozenset({K}),
    "counter.configure": frozenset({M, A}),
    "counter.view_figures": frozenset({K, M, A}),
    # ratings and feedback
    "rating.enter_paper": frozenset({K, P}),
    "feedback.handle": frozenset({K, R, M, A}),
    "survey.view_figures": frozenset({K, R, M, A}),
    # the national public service portal's sync
    "national.view_sync": frozenset({K, P, R, M, A}),
    "national.reconcile": frozenset({M, A}),
    "national.resend": frozenset({A}),
    # personal data (privacy/): the access record (also the data-protection officer, by permission)
    "privacy.view_access": frozenset({A}),
}


def can(user, action: str) -> bool:
    """True when ``user`` may take ``action``. Unknown actions are refused loudly."""
    try:
        roles = ACTIONS[action]
    except KeyError:
        raise KeyError(f"unknown permission action {action!r}") from None
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role in roles


def require(user, action: str) -> None:
    if not can(user, action):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def actions_for(user) -> list[str]:
    return sorted(action for action in ACTIONS if can(user, action))


def agency_scope(user) -> Iterable[int] | None:
    """Ids of the agencies whose work ``user`` may see: their own agency and, for managers,
    every agency below it. ``None`` means every agency (administrators); an empty list, none."""
    if not user.is_authenticated:
        return []
    if user.is_superuser or user.role == Role.ADMIN:
        return None
    if user.agency_id is None:
        return []
    if user.role != Role.MANAGER:
        return [user.agency_id]
    return agency_descendant_ids(user.agency_id)


def on_the_spot_signers(*, procedure, office):
    """The active people authorised to sign the result of ``procedure`` on the spot at the desk of
    ``office`` (``SigningAuthority``), by name."""
    from accounts.models import User

    return User.objects.filter(
        is_active=True,
        signing_authorities__procedure=procedure,
        signing_authorities__office=office,
        signing_authorities__is_active=True,
    ).order_by("full_name", "username")

"""What every desk page shares: the desk's access check, the dossier looked up among those of the
clerk's own office, service errors onto the form, the page to return to."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from accounts.models import Role
from accounts.permissions import can, require
from dossiers.models import Dossier
from dossiers.permissions import check_action
from dossiers.selectors import (
    dossier_for,
    dossiers_visible_to,
    received_at_own_desk,
)
from dossiers.workflow import TransitionRefused

PAGE_SIZE = 25
SEARCH_RESULTS = 20


def desk_view(permission: str):
    """Signed in (else to the login page) and allowed ``permission``: else 403, or 404 on a page
    that names a dossier (someone else's dossier is never confirmed to exist)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if "code" in kwargs and not can(request.user, permission):
                raise Http404
            require(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _own_office_only(user) -> bool:
    return user.role in (Role.CLERK, Role.POSTAL) and not user.is_superuser


def _desk_dossiers(user) -> QuerySet[Dossier]:
    """Dossiers the user may see that their own desk received."""
    return received_at_own_desk(user) if _own_office_only(user) else dossiers_visible_to(user)


def _desk_dossier(request, code: str, *, detailed: bool = False) -> Dossier:
    """The dossier ``code`` received by the user's office, or 404 (never 403)."""
    try:
        dossier = (
            dossier_for(request.user, code) if detailed else dossiers_visible_to(request.user).get(code=code)
        )
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    if _own_office_only(request.user) and dossier.intake_office_id != request.user.agency_id:
        raise Http404
    return dossier


def _allowed(request, dossier: Dossier, action: str) -> bool:
    """Whether the user may take ``action`` now (the services' own check); if not, say why."""
    try:
        check_action(actor=request.user, dossier=dossier, action=action)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return False
    return True


def _add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's DossierError (or a file ValidationError) on the form's fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _submit(request, form, call, *, done: str, then: str, refused: str):
    """On a valid POST, call the service with the form's data: redirect to ``then`` with the
    success message, or to ``refused`` with the state machine's message; bad input goes back
    onto the form. ``None`` means: render the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect(refused)
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return None
    messages.success(request, done)
    return redirect(then)


def _return_to(request) -> str:
    """The page that sent the clerk to intake (e.g. the queue console serving a ticket), carried
    as ``?next=`` through search, intake and confirmation. Only a path on this site is kept."""
    url = request.GET.get("next", "").strip()
    if not url.startswith("/") or url.startswith("//"):
        return ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return ""
    return url


def _with_return_to(url: str, return_to: str) -> str:
    return f"{url}?{urlencode({'next': return_to})}" if return_to else url


def _back_with_dossier(return_to: str, dossier: Dossier) -> str:
    """``return_to`` with ``dossier=<code>`` added: the page it names attaches the dossier."""
    joiner = "&" if "?" in return_to else "?"
    return f"{return_to}{joiner}{urlencode({'dossier': dossier.code})}"

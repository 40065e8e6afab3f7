"""What every page of the citizen's online submission and own dossiers shares: the citizens-only
guard, service errors as form errors, and the citizen's own dossier looked up by code."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.models import Role
from accounts.permissions import can
from dossiers.models import Dossier
from dossiers.selectors import dossiers_visible_to


def citizen_required(view):
    """Anonymous people go to the login page (and come back); staff get a page saying why not.
    Every page here shows personal data: never cached."""

    @wraps(view)
    @never_cache
    @login_required
    def wrapped(request, *args, **kwargs):
        user = request.user
        if user.role != Role.CITIZEN or user.is_superuser or not can(user, "dossier.submit_online"):
            if "code" in kwargs:  # a page naming a dossier: never confirm it exists
                raise Http404
            return render(request, "dossiers/online/citizens_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _message_lists(exc: ValidationError) -> dict[str | None, list[str]]:
    if hasattr(exc, "error_dict"):
        return {(None if k == "__all__" else k): v for k, v in exc.message_dict.items()}
    return {None: exc.messages}


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in _message_lists(exc).items():
        form.add_error(field if field in form.fields else None, errors)


def _own_dossier(request, code: str) -> Dossier:
    dossier = dossiers_visible_to(request.user).filter(applicant_user=request.user, code=code).first()
    if dossier is None:
        raise Http404
    return dossier

"""The applicant back at the desk: on-the-spot resolution, papers supplied, a withdrawal."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import on_the_spot_signers
from dossiers import services
from dossiers.forms.desk import (
    OnTheSpotForm,
    SupplyForm,
    WithdrawForm,
)
from dossiers.views.desk.common import _allowed, _desk_dossier, _submit, desk_view
from dossiers.workflow import Action


@desk_view("dossier.receive")
@require_http_methods(["GET", "POST"])
def on_the_spot(request, code: str):
    """Approve an on-the-spot dossier at the desk, signed by a person authorised there, then hand
    the result over in the same sitting."""
    dossier = _desk_dossier(request, code)
    back = reverse("dossiers:desk_confirmation", args=[dossier.code])
    if not _allowed(request, dossier, Action.APPROVE_ON_THE_SPOT):
        return redirect(back)
    form = OnTheSpotForm(
        request.POST or None,
        signers=on_the_spot_signers(procedure=dossier.procedure, office=dossier.intake_office),
        initial_signer=request.user,
    )
    done = _submit(
        request,
        form,
        lambda data: services.dossier_resolve_on_the_spot(
            actor=request.user, dossier=dossier, result_note=data["result_note"], signed_by=data["signed_by"]
        ),
        done=_("Đã giải quyết tại chỗ hồ sơ %(code)s. Trả kết quả cho người nộp ngay dưới đây.")
        % {"code": dossier.code},
        then=reverse("dossiers:desk_return", args=[dossier.code]),
        refused=back,
    )
    return done or render(request, "dossiers/desk/on_the_spot.html", {"dossier": dossier, "form": form})


@desk_view("dossier.receive")
@require_http_methods(["GET", "POST"])
def supply(request, code: str):
    """The applicant brings the requested supplement to the desk."""
    dossier = _desk_dossier(request, code, detailed=True)
    page = reverse("dossiers:detail", args=[dossier.code])
    if not _allowed(request, dossier, Action.SUPPLY):
        return redirect(page)
    form = SupplyForm(request.POST or None, request.FILES or None)
    done = _submit(
        request,
        form,
        lambda data: services.dossier_supply(
            actor=request.user, dossier=dossier, note=data["note"], files=data["files"]
        ),
        done=_("Đã nhận hồ sơ bổ sung cho hồ sơ %(code)s.") % {"code": dossier.code},
        then=page,
        refused=page,
    )
    pending = [r for r in dossier.supplement_requests.all() if r.supplied_at is None]
    return done or render(
        request, "dossiers/desk/supply.html", {"dossier": dossier, "form": form, "pending": pending}
    )


@desk_view("dossier.receive")
@require_http_methods(["GET", "POST"])
def withdraw(request, code: str):
    """The applicant asks at the desk to withdraw the dossier."""
    dossier = _desk_dossier(request, code)
    page = reverse("dossiers:detail", args=[dossier.code])
    if not _allowed(request, dossier, Action.WITHDRAW):
        return redirect(page)
    form = WithdrawForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.dossier_withdraw(actor=request.user, dossier=dossier, reason=data["reason"]),
        done=_("Đã rút hồ sơ %(code)s.") % {"code": dossier.code},
        then=page,
        refused=page,
    )
    return done or render(request, "dossiers/desk/withdraw.html", {"dossier": dossier, "form": form})

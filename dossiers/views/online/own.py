"""The citizen's own dossiers: the list, sending what was asked for, withdrawing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dossiers import services
from dossiers.forms.fields import ACCEPT
from dossiers.forms.online import SupplyForm, WithdrawForm
from dossiers.permissions import action_names, dossier_actions_for, may
from dossiers.selectors import dossiers_visible_to, supplement_note
from dossiers.views.online.common import _add_errors, _own_dossier, citizen_required
from dossiers.workflow import Action, Status, TransitionRefused


@citizen_required
@require_GET
def my_dossiers(request):
    dossiers = dossiers_visible_to(request.user).filter(applicant_user=request.user).order_by("-id")
    page = Paginator(dossiers, 20).get_page(request.GET.get("page"))
    for dossier in page:
        actions = action_names(dossier_actions_for(actor=request.user, dossier=dossier))
        dossier.can_supply = Action.SUPPLY in actions or Action.SUPPLY_INTAKE in actions
        dossier.can_withdraw = Action.WITHDRAW in actions
    return render(request, "dossiers/online/my_dossiers.html", {"page": page})


@citizen_required
@require_http_methods(["GET", "POST"])
def my_supply(request, code: str):
    dossier = _own_dossier(request, code)
    at_intake = dossier.status == Status.INTAKE_SUPPLEMENT  # asked by the desk before acceptance
    if dossier.status != Status.SUPPLEMENT_REQUESTED and not at_intake:
        messages.info(request, _("Hồ sơ %(code)s hiện không cần bổ sung.") % {"code": dossier.code})
        return redirect("dossiers:my_dossiers")
    supplement = (
        dossier.supplement_requests.filter(supplied_at__isnull=True).select_related("step__agency").first()
    )
    supply = services.dossier_supply_intake if at_intake else services.dossier_supply
    posted = request.method == "POST"
    form = SupplyForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            supply(actor=request.user, dossier=dossier, note=form.cleaned_data["note"], files=form.uploads)
        except ValidationError as exc:
            _add_errors(form, exc)
        except TransitionRefused as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:my_dossiers")
        else:
            done = (
                _("Đã gửi bổ sung cho hồ sơ %(code)s. Bộ phận Một cửa sẽ kiểm tra và tiếp nhận.")
                if at_intake
                else _("Đã gửi bổ sung cho hồ sơ %(code)s. Hồ sơ tiếp tục được giải quyết.")
            )
            messages.success(request, done % {"code": dossier.code})
            return redirect("dossiers:my_dossiers")
    context = {
        "dossier": dossier,
        "supplement": supplement,
        "form": form,
        "accept": ACCEPT,
        "at_intake": at_intake,
        "note": supplement_note(dossier),
    }
    return render(request, "dossiers/online/supply.html", context)


@citizen_required
@require_http_methods(["GET", "POST"])
def my_withdraw(request, code: str):
    dossier = _own_dossier(request, code)
    if not may(actor=request.user, dossier=dossier, action=Action.WITHDRAW):
        messages.info(
            request,
            _("Không thể rút hồ sơ %(code)s khi hồ sơ ở trạng thái “%(status)s”.")
            % {"code": dossier.code, "status": dossier.get_status_display()},
        )
        return redirect("dossiers:my_dossiers")
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_withdraw(actor=request.user, dossier=dossier, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_errors(form, exc)
        except TransitionRefused as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:my_dossiers")
        else:
            messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("dossiers:my_dossiers")
    return render(request, "dossiers/online/withdraw.html", {"dossier": dossier, "form": form})

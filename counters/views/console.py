"""The clerk's console: open a counter, call the next ticket, recall, no-show, transfer, start
serving (which opens desk intake with the way back here), finish, attach the dossier received.

Thin views: each POST calls one service and comes back to the console (PRG)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import require
from counters import selectors, services
from counters.forms import AttachDossierForm, TransferForm
from counters.models import Counter, Ticket
from dossiers.models import Dossier
from dossiers.selectors import dossiers_visible_to


def clerk_view(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        require(request.user, "counter.serve")
        return view(request, *args, **kwargs)

    return wrapped


def _done(request, message: str):
    messages.success(request, message)
    return redirect("counters:console")


def _refused(request, exc: ValidationError):
    messages.error(request, " ".join(exc.messages))
    return redirect("counters:console")


def _my_counter(request, counter_id: int) -> Counter:
    qs = Counter.objects.all()
    if not request.user.is_superuser:
        qs = qs.filter(office_id=request.user.agency_id)
    try:
        return qs.get(pk=counter_id)
    except Counter.DoesNotExist as exc:
        raise Http404 from exc


def _ticket(request, ticket_id: int) -> Ticket:
    try:
        return selectors.staff_ticket(request.user, ticket_id)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


@clerk_view
@require_http_methods(["GET"])
def console(request):
    counter = selectors.counter_of_clerk(request.user)
    if counter is None:
        return render(
            request,
            "counters/console_closed.html",
            {"counters": selectors.counters_of(request.user.agency_id)},
        )
    current = selectors.counter_current_ticket(counter)
    return render(
        request,
        "counters/console.html",
        {
            "counter": counter,
            "current": current,
            "waiting": selectors.counter_waiting(counter),
            "transferred_here": selectors.transferred_to(counter),
            "served": selectors.counter_served_today(counter),
            "transfer_form": TransferForm(counter=counter, prefix="transfer") if current else None,
            "attach_form": AttachDossierForm(prefix="attach") if current else None,
            "intake_url": _intake_url(current) if current else "",
        },
    )


def _intake_url(ticket: Ticket) -> str:
    """Desk intake, carrying the way back to this ticket's attach page."""
    back = reverse("counters:attach", args=[ticket.pk])
    return f"{reverse('dossiers:desk_intake')}?{urlencode({'next': back})}"


@clerk_view
@require_POST
def open_counter(request, counter_id: int):
    counter = _my_counter(request, counter_id)
    try:
        services.counter_open(actor=request.user, counter=counter)
    except ValidationError as exc:
        return _refused(request, exc)
    return _done(request, _("Đã mở %(counter)s.") % {"counter": counter})


@clerk_view
@require_POST
def close_counter(request, counter_id: int):
    counter = _my_counter(request, counter_id)
    try:
        services.counter_close(actor=request.user, counter=counter)
    except ValidationError as exc:
        return _refused(request, exc)
    return _done(request, _("Đã đóng %(counter)s.") % {"counter": counter})


@clerk_view
@require_POST
def call_next(request):
    counter = selectors.counter_of_clerk(request.user)
    if counter is None:
        messages.error(request, _("Bạn cần mở quầy trước."))
        return redirect("counters:console")
    try:
        ticket = services.ticket_call_next(actor=request.user, counter=counter)
    except ValidationError as exc:
        return _refused(request, exc)
    if ticket is None:
        messages.info(request, _("Không còn ai chờ ở các dịch vụ của quầy này."))
        return redirect("counters:console")
    return _done(request, _("Đã gọi số %(code)s.") % {"code": ticket.code})


ACTIONS = {
    "recall": (services.ticket_recall, _("Đã gọi lại số %(code)s.")),
    "no-show": (services.ticket_no_show, _("Số %(code)s: vắng mặt.")),
    "start": (services.ticket_start, _("Bắt đầu phục vụ số %(code)s.")),
    "done": (services.ticket_finish, _("Đã phục vụ xong số %(code)s.")),
}


@clerk_view
@require_POST
def ticket_action(request, ticket_id: int, action: str):
    if action not in ACTIONS:
        raise Http404
    service, message = ACTIONS[action]
    ticket = _ticket(request, ticket_id)
    try:
        ticket = service(actor=request.user, ticket=ticket)
    except ValidationError as exc:
        return _refused(request, exc)
    messages.success(request, str(message) % {"code": ticket.code})
    if action == "start" and request.POST.get("intake"):
        # "start serving" opens desk intake with the way back to this ticket
        return redirect(_intake_url(ticket))
    return redirect("counters:console")


@clerk_view
@require_POST
def transfer(request, ticket_id: int):
    ticket = _ticket(request, ticket_id)
    counter = selectors.counter_of_clerk(request.user)
    if counter is None:
        messages.error(request, _("Bạn cần mở quầy trước."))
        return redirect("counters:console")
    form = TransferForm(request.POST, counter=counter, prefix="transfer")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("counters:console")
    try:
        ticket = services.ticket_transfer(
            actor=request.user,
            ticket=ticket,
            to_counter=form.cleaned_data["to_counter"],
            to_service=form.cleaned_data["to_service"],
        )
    except ValidationError as exc:
        return _refused(request, exc)
    target = form.cleaned_data["to_counter"] or form.cleaned_data["to_service"]
    return _done(
        request, _("Đã chuyển số %(code)s đến %(target)s.") % {"code": ticket.code, "target": target}
    )


@clerk_view
@require_http_methods(["GET", "POST"])
def attach(request, ticket_id: int):
    """Attach the dossier received for the ticket. Desk intake's confirmation links here with
    ``?dossier=<code>``: the clerk confirms with one press (a GET never changes anything)."""
    ticket = _ticket(request, ticket_id)
    if request.method == "POST":
        form = AttachDossierForm(request.POST, prefix="attach")
        if form.is_valid():
            dossier = (
                dossiers_visible_to(request.user)
                .filter(code=form.cleaned_data["dossier"], intake_office_id=ticket.office_id)
                .first()
            )
            if dossier is None:
                form.add_error("dossier", _("Không tìm thấy hồ sơ này trong hồ sơ đơn vị đã tiếp nhận."))
            else:
                try:
                    services.ticket_attach_dossier(actor=request.user, ticket=ticket, dossier=dossier)
                except ValidationError as exc:
                    form.add_error("dossier", exc.messages)
                else:
                    return _done(
                        request,
                        _("Đã gắn hồ sơ %(dossier)s vào số %(code)s.")
                        % {"dossier": dossier.code, "code": ticket.code},
                    )
    else:
        code = request.GET.get("dossier", "").strip()[: Dossier._meta.get_field("code").max_length]
        form = AttachDossierForm(prefix="attach", initial={"dossier": code})
    return render(request, "counters/attach.html", {"ticket": ticket, "form": form})

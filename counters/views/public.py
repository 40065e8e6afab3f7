"""Pages without login: the kiosk at the entrance, the printed ticket, the citizen's phone view
and the TV board with its JSON. Taking tickets and ticket look-ups are rate-limited per client
address like public dossier tracking."""

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from counters import selectors, services
from counters.forms import PRIORITY_KINDS, TakeTicketForm
from counters.models import Service, Ticket, TicketStatus
from procedures.models import Agency

RETRY_AFTER_SECONDS = 60


def _limited(request, group: str, rates) -> bool:
    limited = False
    for rate in rates:
        # every window counts every attempt, even one already refused by a shorter window
        limited |= is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)
    return limited


def _too_many(request, template: str = "counters/limited.html"):
    response = render(request, template, status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _office(code: str) -> Agency:
    try:
        return selectors.queue_office(code)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def index(request):
    """Offices running a queue, with their kiosk and board."""
    return render(request, "counters/index.html", {"offices": selectors.queue_offices()})


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request, office: str):
    """The touch screen: one large button per service for an ordinary ticket, one for a priority
    ticket. Taking a ticket opens its printable page."""
    agency = _office(office)
    if request.method == "POST":
        if _limited(request, "counters.kiosk", settings.COUNTERS_KIOSK_RATES):
            return _too_many(request)
        form = TakeTicketForm(request.POST, office=agency)
        if form.is_valid():
            try:
                ticket = services.ticket_take(
                    service=form.cleaned_data["service"], priority=form.cleaned_data["priority"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                return redirect("counters:ticket_print", ticket.token)
        else:
            messages.error(request, _("Không lấy được số: hãy chọn lại dịch vụ."))
        return redirect("counters:kiosk", agency.code)
    return render(
        request,
        "counters/kiosk.html",
        {"office": agency, "services": selectors.kiosk_services(agency)},
    )


@never_cache
@require_GET
def kiosk_priority(request, office: str, service: int):
    """Second screen for a priority ticket: who has priority (each a large button)."""
    agency = _office(office)
    chosen = get_object_or_404(Service, pk=service, office=agency, is_active=True)
    return render(
        request,
        "counters/kiosk_priority.html",
        {"office": agency, "service": chosen, "kinds": PRIORITY_KINDS},
    )


def _ticket_or_404(request, token: str) -> Ticket:
    ticket = selectors.ticket_by_token(token)
    if ticket is None:
        raise Http404
    return ticket


def _phone_url(request, ticket: Ticket) -> str:
    return request.build_absolute_uri(reverse("counters:ticket", args=[ticket.token]))


def _qr_svg(url: str):
    # segno writes only the path of the code: nothing of the user's goes into this markup
    svg = segno.make_qr(url, error="m").svg_inline(scale=3, title=_("Mã QR theo dõi số thứ tự"))
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703


@never_cache
@require_GET
def ticket_print(request, token: str):
    """The ticket as printed by the kiosk's browser on the receipt printer (58 or 80 mm)."""
    ticket = _ticket_or_404(request, token)
    phone_url = _phone_url(request, ticket)
    return render(
        request,
        "counters/ticket_print.html",
        {
            "ticket": ticket,
            "ahead": selectors.people_ahead(ticket),
            "qr": _qr_svg(phone_url),
            "phone_url": phone_url,
            "paper": settings.COUNTERS_RECEIPT_PAPER_MM,
            "kiosk_url": reverse("counters:kiosk", args=[ticket.office.code]),
            "return_seconds": settings.COUNTERS_KIOSK_RETURN_SECONDS,
        },
    )


def ticket_state(ticket: Ticket) -> dict:
    return {
        "ticket": ticket.code,
        "status": ticket.status,
        "status_label": str(ticket.get_status_display()),
        "ahead": selectors.people_ahead(ticket),
        "counter": ticket.counter.number
        if ticket.counter_id and ticket.status in (TicketStatus.CALLED, TicketStatus.SERVING)
        else None,
    }


@never_cache
@require_GET
def ticket(request, token: str):
    """The citizen's phone (QR on the ticket): how many are ahead, and the counter once called."""
    if _limited(request, "counters.ticket", settings.COUNTERS_TICKET_RATES):
        return _too_many(request)
    found = _ticket_or_404(request, token)
    return render(
        request,
        "counters/ticket.html",
        {
            "ticket": found,
            "state": ticket_state(found),
            "poll_seconds": settings.COUNTERS_TICKET_POLL_SECONDS,
        },
    )


@never_cache
@require_GET
def ticket_json(request, token: str):
    if _limited(request, "counters.ticket", settings.COUNTERS_TICKET_RATES):
        return JsonResponse(
            {"error": "rate_limited"}, status=429, headers={"Retry-After": RETRY_AFTER_SECONDS}
        )
    return JsonResponse(ticket_state(_ticket_or_404(request, token)))


@never_cache
@require_GET
def board(request, office: str):
    """The TV: now serving at each counter, the latest calls, waiting per service. It polls
    ``board_json`` and speaks new calls when sound is switched on."""
    agency = _office(office)
    return render(
        request,
        "counters/board.html",
        {
            "office": agency,
            "state": selectors.board_state(agency),
            "poll_seconds": settings.COUNTERS_BOARD_POLL_SECONDS,
            "speech_lang": "vi-VN" if request.LANGUAGE_CODE.startswith("vi") else "en-US",
        },
    )


@never_cache
@require_GET
def board_json(request, office: str):
    return JsonResponse(selectors.board_state(_office(office)))

"""Reads for the kiosk, the phone page, the clerk console and the display board.

The board is polled every few seconds by every TV of an office: ``board_state`` answers in a
fixed, small number of queries whatever the number of counters and tickets.
"""

from collections import deque
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from counters.models import (
    AT_COUNTER,
    QUEUED,
    Counter,
    PolicyMode,
    Priority,
    QueuePolicy,
    Service,
    Ticket,
    TicketStatus,
)
from procedures.models import Agency

RECENT_CALLS = 6


def today() -> date:
    return timezone.localdate()


def queue_offices() -> QuerySet[Agency]:
    """Active offices with at least one active queue service (the kiosk and board index)."""
    return (
        Agency.objects.filter(is_active=True, queue_services__is_active=True)
        .distinct()
        .order_by("level", "name")
    )


def queue_office(code: str) -> Agency:
    """The office by its code, if it runs a queue (else ``Agency.DoesNotExist``)."""
    return queue_offices().get(code=code)


def _waiting_filter(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}day": day, f"{prefix}status__in": QUEUED})


def kiosk_services(office: Agency, day: date | None = None) -> list[Service]:
    """The office's active services, each with ``waiting``: tickets of the day still queued."""
    day = day or today()
    return list(
        Service.objects.filter(office=office, is_active=True)
        .annotate(waiting=Count("tickets", filter=_waiting_filter(day, "tickets__")))
        .order_by("position", "letter")
    )


def ticket_by_token(token: str) -> Ticket | None:
    return Ticket.objects.select_related("service", "counter", "office").filter(token=token).first()


def people_ahead(ticket: Ticket) -> int:
    """How many tickets of the same service are called before this one: the office's calling
    policy (``services._choose``) played forward over the tickets queued now. Transferred tickets
    first; then, under strict priority, every priority ticket before any ordinary one; under
    "one priority ticket after every N ordinary ones", ordinary tickets keep being called until
    the N-th since the last priority one (so a priority ticket may have people ahead too). 0 once
    the ticket is called or over. Counters serving several services make it an estimate."""
    if ticket.status not in QUEUED:
        return 0
    queued = list(
        Ticket.objects.filter(service_id=ticket.service_id, day=ticket.day, status__in=QUEUED)
        .only("id", "status", "priority", "taken_at")
        .order_by("taken_at", "id")
    )
    transferred = [t.pk for t in queued if t.status == TicketStatus.TRANSFERRED]
    if ticket.status == TicketStatus.TRANSFERRED:
        return transferred.index(ticket.pk) if ticket.pk in transferred else len(transferred)
    policy = QueuePolicy.objects.filter(office_id=ticket.office_id).first()
    strict = policy is None or policy.mode == PolicyMode.STRICT
    every, streak = (policy.ordinary_per_priority, policy.ordinary_streak) if policy else (1, 0)
    waiting = [t for t in queued if t.status == TicketStatus.WAITING]
    priority = deque(t.pk for t in waiting if t.priority != Priority.NONE)
    ordinary = deque(t.pk for t in waiting if t.priority == Priority.NONE)
    ahead = len(transferred)
    while priority or ordinary:
        take_priority = (strict or streak >= every) if priority and ordinary else bool(priority)
        called = priority.popleft() if take_priority else ordinary.popleft()
        if called == ticket.pk:
            return ahead
        ahead += 1
        if not strict:
            streak = 0 if take_priority else streak + 1
    return ahead  # not among the queued ones read (taken meanwhile): all of them are ahead


def board_state(office: Agency, day: date | None = None, recent: int = RECENT_CALLS) -> dict:
    """What the TV shows, as JSON-ready data: each open counter with the ticket called or served
    there, the latest calls (a recall counts again) and the waiting count of each service.
    Each call has a ``key`` that changes with every call or recall: the page speaks new keys."""
    day = day or today()
    counters = list(
        Counter.objects.filter(office=office, is_active=True)
        .filter(Q(clerk__isnull=False) | Q(tickets__day=day, tickets__status__in=AT_COUNTER))
        .distinct()
        .prefetch_related(
            Prefetch(
                "tickets",
                queryset=Ticket.objects.filter(day=day, status__in=AT_COUNTER).order_by("-last_called_at"),
                to_attr="current",
            )
        )
        .order_by("number")
    )
    calls = list(
        Ticket.objects.filter(office=office, day=day, last_called_at__isnull=False)
        .exclude(counter__isnull=True)
        .select_related("counter")
        .order_by("-last_called_at", "-id")[:recent]
    )
    services = kiosk_services(office, day)
    return {
        "office": office.name,
        "day": day.isoformat(),
        "counters": [
            {
                "number": counter.number,
                "name": str(counter),
                "open": counter.clerk_id is not None,
                "ticket": counter.current[0].code if counter.current else None,
                "status": counter.current[0].status if counter.current else None,
            }
            for counter in counters
        ],
        "calls": [
            {
                "key": f"{ticket.pk}-{ticket.call_count}",
                "ticket": ticket.code,
                "counter": ticket.counter.number,
                "counter_name": str(ticket.counter),
                "at": timezone.localtime(ticket.last_called_at).strftime("%H:%M"),
                "status": ticket.status,
            }
            for ticket in calls
        ],
        "services": [
            {"letter": service.letter, "name": service.name, "waiting": service.waiting}
            for service in services
        ],
    }


def counters_of(office_id: int) -> QuerySet[Counter]:
    return (
        Counter.objects.filter(office_id=office_id, is_active=True)
        .select_related("clerk")
        .prefetch_related("services")
        .order_by("number")
    )


def counter_of_clerk(user) -> Counter | None:
    return Counter.objects.filter(clerk=user).select_related("office").prefetch_related("services").first()


def counter_current_ticket(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(counter=counter, status__in=AT_COUNTER)
        .select_related("service", "dossier")
        .order_by("-last_called_at")
        .first()
    )


def counter_waiting(counter: Counter, day: date | None = None) -> list[Service]:
    """The counter's services with their queued counts, and the tickets sent to this counter."""
    day = day or today()
    return list(
        counter.services.filter(is_active=True)
        .annotate(
            waiting=Count("tickets", filter=_waiting_filter(day, "tickets__")),
            waiting_priority=Count(
                "tickets", filter=_waiting_filter(day, "tickets__") & ~Q(tickets__priority="none")
            ),
        )
        .order_by("position", "letter")
    )


def transferred_to(counter: Counter, day: date | None = None) -> int:
    return Ticket.objects.filter(counter=counter, day=day or today(), status=TicketStatus.TRANSFERRED).count()


def counter_served_today(counter: Counter, day: date | None = None, limit: int = 10) -> list[Ticket]:
    return list(
        Ticket.objects.filter(
            counter=counter,
            day=day or today(),
            status__in=(TicketStatus.DONE, TicketStatus.NO_SHOW),
        )
        .select_related("service", "dossier")
        .order_by("-finished_at")[:limit]
    )


def staff_ticket(user, ticket_id: int) -> Ticket:
    """A ticket of the user's office (``Ticket.DoesNotExist`` otherwise)."""
    qs = Ticket.objects.select_related("service", "counter", "dossier", "office")
    if not user.is_superuser:
        qs = qs.filter(office_id=user.agency_id)
    return qs.get(pk=ticket_id)

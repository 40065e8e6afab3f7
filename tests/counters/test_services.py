"""Queue services: numbering, calling by policy, recall, no-show, transfer, serving."""

from datetime import timedelta

import pytest
from freezegun import freeze_time

from counters import services
from counters.models import Priority, Ticket, TicketEvent, TicketSequence, TicketStatus
from counters.selectors import people_ahead
from counters.services import TicketError
from dossiers import services as dossier_services
from dossiers.services import Intake
from tests.factories import QueueServiceFactory, StaffFactory, applicant

pytestmark = pytest.mark.django_db


def test_numbers_are_gapless_per_office_day_and_service(queue):
    with freeze_time("2026-11-23 08:00:00+07:00"):
        a1, a2 = queue.take(queue.civil), queue.take(queue.civil)
        b1 = queue.take(queue.land)
        a3 = queue.take(queue.civil, Priority.ELDERLY)
    assert [a1.code, a2.code, a3.code, b1.code] == ["A001", "A002", "A003", "B001"]
    other_office = QueueServiceFactory(letter="A", name="Hộ tịch xã")
    assert services.ticket_take(service=other_office).code == "A001"
    with freeze_time("2026-11-24 07:30:00+07:00"):
        next_day = queue.take(queue.civil)
    assert next_day.code == "A001"
    assert str(next_day.day) == "2026-11-24"
    assert TicketSequence.objects.get(service=queue.civil, day=next_day.day).last == 1
    assert TicketEvent.objects.filter(ticket=a3, action="take", data__priority="elderly").exists()
    assert len({a1.token, a2.token, a3.token}) == 3 and len(a1.token) >= 32


def test_day_is_the_local_day(queue):
    # 23:30 UTC is already 06:30 the next morning in Việt Nam
    with freeze_time("2026-11-23 23:30:00+00:00"):
        ticket = queue.take(queue.civil)
    assert str(ticket.day) == "2026-11-24"


def test_inactive_service_gives_no_ticket_and_bad_priority_is_refused(queue):
    queue.land.is_active = False
    queue.land.save()
    with pytest.raises(TicketError):
        queue.take(queue.land)
    with pytest.raises(TicketError):
        queue.take(queue.civil, "vip")
    assert not Ticket.objects.exists()


def test_open_and_close_counter(queue):
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    queue.c1.refresh_from_db()
    assert queue.c1.clerk == queue.clerk1 and queue.c1.opened_at is not None
    with pytest.raises(TicketError, match="đang do"):
        services.counter_open(actor=queue.clerk2, counter=queue.c1)
    with pytest.raises(TicketError, match="đang mở quầy 1"):
        services.counter_open(actor=queue.clerk1, counter=queue.c2)
    outsider = StaffFactory(role="clerk", agency=queue.world.commune)
    with pytest.raises(TicketError):
        services.counter_open(actor=outsider, counter=queue.c2)
    with pytest.raises(TicketError):
        services.counter_open(actor=queue.world.reviewer_a, counter=queue.c2)
    queue.take(queue.civil)
    ticket = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    with pytest.raises(TicketError, match=ticket.code):
        services.counter_close(actor=queue.clerk1, counter=queue.c1)
    services.ticket_no_show(actor=queue.clerk1, ticket=ticket)
    with pytest.raises(TicketError):
        services.counter_close(actor=queue.clerk2, counter=queue.c1)
    services.counter_close(actor=queue.clerk1, counter=queue.c1)
    queue.c1.refresh_from_db()
    assert queue.c1.clerk is None and queue.c1.opened_at is None


def test_call_next_needs_an_open_counter_and_calls_oldest_first(queue):
    first, second = queue.take(queue.civil), queue.take(queue.civil)
    with pytest.raises(TicketError):
        services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    called = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    assert called == first
    assert called.status == TicketStatus.CALLED and called.counter == queue.c1
    assert called.served_by == queue.clerk1 and called.call_count == 1 and called.called_at
    with pytest.raises(TicketError, match="A001"):
        services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    services.ticket_start(actor=queue.clerk1, ticket=called)
    services.ticket_finish(actor=queue.clerk1, ticket=called)
    assert services.ticket_call_next(actor=queue.clerk1, counter=queue.c1) == second


def test_counter_calls_only_its_services(queue):
    queue.take(queue.land)
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    assert services.ticket_call_next(actor=queue.clerk1, counter=queue.c1) is None
    services.counter_open(actor=queue.clerk3, counter=queue.c3)
    assert services.ticket_call_next(actor=queue.clerk3, counter=queue.c3).code == "B001"


def test_yesterdays_waiting_tickets_are_not_called(queue):
    with freeze_time("2026-11-23 16:50:00+07:00"):
        queue.take(queue.civil)
    with freeze_time("2026-11-24 07:30:00+07:00"):
        fresh = queue.take(queue.civil)
        services.counter_open(actor=queue.clerk1, counter=queue.c1)
        assert services.ticket_call_next(actor=queue.clerk1, counter=queue.c1) == fresh


def _call_order(queue, count: int) -> list[str]:
    codes = []
    for _ in range(count):
        ticket = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
        if ticket is None:
            break
        codes.append(ticket.code)
        services.ticket_start(actor=queue.clerk1, ticket=ticket)
        services.ticket_finish(actor=queue.clerk1, ticket=ticket)
    return codes


def _mixed_queue(queue) -> None:
    """A001–A005 ordinary, then A006 (elderly) and A007 (pregnant) priority, A008 ordinary."""
    for n in range(8):
        priority = {5: Priority.ELDERLY, 6: Priority.PREGNANT}.get(n, Priority.NONE)
        with freeze_time(f"2026-11-23 08:{n:02d}:00+07:00"):
            queue.take(queue.civil, priority)


def test_strict_priority_calls_every_priority_ticket_first(queue):
    _mixed_queue(queue)
    with freeze_time("2026-11-23 09:00:00+07:00"):
        services.counter_open(actor=queue.clerk1, counter=queue.c1)
        assert _call_order(queue, 10) == ["A006", "A007", "A001", "A002", "A003", "A004", "A005", "A008"]


def test_one_priority_after_every_n_ordinary(queue):
    services.policy_set(
        actor=queue.world.admin, office=queue.office, mode="interleave", ordinary_per_priority=2
    )
    _mixed_queue(queue)
    with freeze_time("2026-11-23 09:00:00+07:00"):
        services.counter_open(actor=queue.clerk1, counter=queue.c1)
        assert _call_order(queue, 10) == ["A001", "A002", "A006", "A003", "A004", "A007", "A005", "A008"]


def test_interleave_calls_priority_when_no_ordinary_waits(queue):
    services.policy_set(
        actor=queue.world.admin, office=queue.office, mode="interleave", ordinary_per_priority=5
    )
    with freeze_time("2026-11-23 08:00:00+07:00"):
        queue.take(queue.civil, Priority.DISABLED)
    with freeze_time("2026-11-23 09:00:00+07:00"):
        services.counter_open(actor=queue.clerk1, counter=queue.c1)
        assert _call_order(queue, 3) == ["A001"]


def test_policy_set_is_for_managers_and_checks_n(queue):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.policy_set(actor=queue.clerk1, office=queue.office, mode="strict")
    with pytest.raises(TicketError):
        services.policy_set(
            actor=queue.world.admin, office=queue.office, mode="interleave", ordinary_per_priority=0
        )


def test_recall_and_no_show(queue):
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    with freeze_time("2026-11-23 08:00:00+07:00"):
        queue.take(queue.civil)
        ticket = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    first_call = ticket.called_at
    with freeze_time("2026-11-23 08:02:00+07:00"):
        ticket = services.ticket_recall(actor=queue.clerk1, ticket=ticket)
    assert ticket.call_count == 2
    assert ticket.called_at == first_call and ticket.last_called_at - first_call == timedelta(minutes=2)
    with pytest.raises(TicketError):
        services.ticket_recall(actor=queue.clerk2, ticket=ticket)  # not at their counter
    ticket = services.ticket_no_show(actor=queue.clerk1, ticket=ticket)
    assert ticket.status == TicketStatus.NO_SHOW and ticket.finished_at
    with pytest.raises(TicketError):
        services.ticket_recall(actor=queue.clerk1, ticket=ticket)
    assert list(ticket.events.order_by("id").values_list("action", flat=True)) == [
        "take",
        "call",
        "recall",
        "no_show",
    ]


def test_serving_ticket_cannot_be_marked_no_show_or_finished_before_start(queue):
    queue.take(queue.civil)
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    ticket = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    with pytest.raises(TicketError):
        services.ticket_finish(actor=queue.clerk1, ticket=ticket)
    ticket = services.ticket_start(actor=queue.clerk1, ticket=ticket)
    with pytest.raises(TicketError):
        services.ticket_no_show(actor=queue.clerk1, ticket=ticket)
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.SERVING


def test_transfer_to_a_counter_goes_before_new_tickets(queue):
    ticket = queue.take(queue.civil)
    queue.take(queue.civil)
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    services.counter_open(actor=queue.clerk2, counter=queue.c2)
    ticket = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    ticket = services.ticket_start(actor=queue.clerk1, ticket=ticket)
    with pytest.raises(TicketError):
        services.ticket_transfer(actor=queue.clerk1, ticket=ticket, to_counter=queue.c1)
    with pytest.raises(TicketError):
        services.ticket_transfer(actor=queue.clerk1, ticket=ticket)
    ticket = services.ticket_transfer(actor=queue.clerk1, ticket=ticket, to_counter=queue.c3)
    assert ticket.status == TicketStatus.TRANSFERRED and ticket.counter == queue.c3
    # counter 2 serves A but the ticket was sent to counter 3: counter 2 takes A002
    assert services.ticket_call_next(actor=queue.clerk2, counter=queue.c2).code == "A002"
    services.counter_open(actor=queue.clerk3, counter=queue.c3)
    again = services.ticket_call_next(actor=queue.clerk3, counter=queue.c3)
    assert again == ticket and again.call_count == 2
    assert again.started_at == ticket.started_at  # service time counts from the first start
    assert TicketEvent.objects.get(ticket=ticket, action="transfer").data == {
        "from_counter": 1,
        "to_counter": 3,
    }


def test_transfer_to_another_service(queue):
    queue.take(queue.land)  # B001 waits
    ticket = queue.take(queue.civil)
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    ticket = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    ticket = services.ticket_transfer(actor=queue.clerk1, ticket=ticket, to_service=queue.land)
    assert ticket.code == "A001" and ticket.service == queue.land and ticket.counter is None
    services.counter_open(actor=queue.clerk3, counter=queue.c3)
    assert services.ticket_call_next(actor=queue.clerk3, counter=queue.c3) == ticket
    other = QueueServiceFactory(letter="Z")
    with pytest.raises(TicketError):
        services.ticket_transfer(actor=queue.clerk3, ticket=ticket, to_service=other)


def test_people_ahead(queue):
    with freeze_time("2026-11-23 08:00:00+07:00"):
        a1 = queue.take(queue.civil)
    with freeze_time("2026-11-23 08:01:00+07:00"):
        a2 = queue.take(queue.civil)
    with freeze_time("2026-11-23 08:02:00+07:00"):
        a3 = queue.take(queue.civil, Priority.MERIT)
        queue.take(queue.land)
    assert people_ahead(a1) == 1  # strict: the priority ticket goes first
    assert people_ahead(a2) == 2
    assert people_ahead(a3) == 0
    services.policy_set(
        actor=queue.world.admin, office=queue.office, mode="interleave", ordinary_per_priority=3
    )
    assert people_ahead(a2) == 1
    # one priority ticket after every 3 ordinary ones: the two ordinary tickets are called first
    assert people_ahead(a3) == 2
    with freeze_time("2026-11-23 08:05:00+07:00"):
        services.counter_open(actor=queue.clerk1, counter=queue.c1)
        called = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    assert called == a1 and people_ahead(Ticket.objects.get(pk=a1.pk)) == 0
    assert people_ahead(Ticket.objects.get(pk=a2.pk)) == 0


def test_attach_dossier_received_for_the_ticket(queue):
    world = queue.world
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    queue.take(queue.civil)
    ticket = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    documents = {d.id: (1, 0) for d in world.procedure.documents.all()}
    dossier = dossier_services.dossier_receive(
        actor=queue.clerk1,
        procedure=world.procedure,
        intake=Intake(applicant=applicant(), documents=documents),
    )
    with pytest.raises(TicketError):  # not served yet
        services.ticket_attach_dossier(actor=queue.clerk1, ticket=ticket, dossier=dossier)
    ticket = services.ticket_start(actor=queue.clerk1, ticket=ticket)
    with pytest.raises(TicketError):
        services.ticket_attach_dossier(actor=queue.clerk2, ticket=ticket, dossier=dossier)
    ticket = services.ticket_attach_dossier(actor=queue.clerk1, ticket=ticket, dossier=dossier)
    assert ticket.dossier == dossier
    elsewhere = dossier_services.dossier_receive(
        actor=world.commune_clerk,
        procedure=world.on_the_spot,
        intake=Intake(
            applicant=applicant(), documents={d.id: (1, 0) for d in world.on_the_spot.documents.all()}
        ),
    )
    with pytest.raises(TicketError):
        services.ticket_attach_dossier(actor=queue.clerk1, ticket=ticket, dossier=elsewhere)
    assert Ticket.objects.get(pk=ticket.pk).dossier == dossier


def test_the_wait_told_to_a_priority_ticket_follows_the_calling_policy(queue):
    """Issue 21: a priority ticket was told "0 people ahead" while ordinary tickets were called
    before it. Every number told is checked against the calls the counter then makes."""
    services.policy_set(
        actor=queue.world.admin, office=queue.office, mode="interleave", ordinary_per_priority=2
    )
    taken = []
    for minute, priority in enumerate(["none", "none", "none", Priority.MERIT, "none", Priority.ELDERLY]):
        with freeze_time(f"2026-11-23 08:{minute:02d}:00+07:00"):
            taken.append(queue.take(queue.civil, priority))
    told = {t.pk: people_ahead(t) for t in taken}
    assert told[taken[3].pk] == 2  # the merit ticket waits for two ordinary ones, not 0
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    calls = []
    with freeze_time("2026-11-23 08:30:00+07:00"):
        for _ in taken:
            ticket = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
            calls.append(ticket.pk)
            services.ticket_start(actor=queue.clerk1, ticket=ticket)
            services.ticket_finish(actor=queue.clerk1, ticket=ticket)
    assert {pk: calls.index(pk) for pk in calls} == told

"""Admin pages for the queue, closing a forgotten counter, and query counts of staff pages."""

import pytest
from django.urls import reverse

from accounts.models import Role
from counters import services
from counters.models import Counter
from tests.factories import CounterFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_admin_pages_load_and_tickets_are_read_only(client, queue):
    ticket = queue.take(queue.civil)
    client.force_login(queue.world.admin)
    for name in ("service", "counter", "queuepolicy", "ticket"):
        assert client.get(reverse(f"admin:counters_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:counters_counter_change", args=[queue.c1.pk])).status_code == 200
    assert client.get(reverse("admin:counters_ticket_change", args=[ticket.pk])).status_code == 200
    assert client.get(reverse("admin:counters_ticket_add")).status_code == 403


def test_admin_counter_refuses_another_offices_service(client, queue):
    client.force_login(queue.world.admin)
    response = client.post(
        reverse("admin:counters_counter_add"),
        {
            "office": queue.world.commune.pk,
            "number": 9,
            "name": "",
            "services": [queue.civil.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "chính nơi tiếp nhận" in response.content.decode()
    assert not Counter.objects.filter(number=9).exists()


def test_admin_closes_a_forgotten_counter(client, queue):
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    client.force_login(queue.world.admin)
    client.post(
        reverse("admin:counters_counter_changelist"),
        {"action": "close_counters", "_selected_action": [queue.c1.pk]},
    )
    queue.c1.refresh_from_db()
    assert queue.c1.clerk is None


def test_console_and_figures_query_counts(client, queue, django_assert_max_num_queries):
    for n in range(4, 10):
        counter = CounterFactory(office=queue.office, number=n, services=[queue.civil, queue.land])
        clerk = StaffFactory(role=Role.CLERK, agency=queue.office)
        services.counter_open(actor=clerk, counter=counter)
        queue.take(queue.civil)
        queue.take(queue.land)
        ticket = services.ticket_call_next(actor=clerk, counter=counter)
        services.ticket_start(actor=clerk, ticket=ticket)
        services.ticket_finish(actor=clerk, ticket=ticket)
    client.force_login(queue.clerk1)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("counters:console")).status_code == 200  # closed: the counters list
    services.counter_open(actor=queue.clerk1, counter=queue.c2)
    queue.take(queue.civil)
    services.ticket_call_next(actor=queue.clerk1, counter=queue.c2)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("counters:console")).status_code == 200
    client.force_login(queue.world.manager)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("counters:figures"), {"by": "counter"}).status_code == 200

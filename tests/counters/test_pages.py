"""Queue pages through the Django test client, the way citizens, clerks and the TV use them."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from freezegun import freeze_time

from counters import services
from counters.models import Ticket, TicketStatus
from tests.dossiers.test_desk_pages import intake_data
from tests.factories import CounterFactory, QueueServiceFactory

pytestmark = pytest.mark.django_db


def kiosk_url(queue):
    return reverse("counters:kiosk", args=[queue.office.code])


def test_index_lists_offices_with_a_queue(client, queue):
    response = client.get(reverse("counters:index"))
    assert response.status_code == 200
    assert queue.office.name in response.content.decode()
    assert kiosk_url(queue) in response.content.decode()
    assert queue.world.commune.name not in response.content.decode()


def test_kiosk_takes_an_ordinary_ticket_and_prints_it(client, queue):
    queue.take(queue.civil)
    page = client.get(kiosk_url(queue))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tư pháp – hộ tịch" in html and "1 người đang chờ" in html
    assert "onclick" not in html and 'style="' not in html and "<script>" not in html

    response = client.post(kiosk_url(queue), {"service": queue.civil.pk, "priority": "none"})
    ticket = Ticket.objects.get(code="A002")
    assert response.status_code == 302
    assert response["Location"] == reverse("counters:ticket_print", args=[ticket.token])

    printed = client.get(response["Location"])
    html = printed.content.decode()
    assert printed.status_code == 200
    assert "A002" in html and "Trước bạn còn 1 người" in html
    assert "paper-80" in html and "counters-receipt.css" in html and "<svg" in html
    assert 'style="' not in html and "<script>" not in html


def test_kiosk_priority_ticket(client, queue):
    page = client.get(reverse("counters:kiosk_priority", args=[queue.office.code, queue.civil.pk]))
    assert page.status_code == 200
    assert "Người cao tuổi" in page.content.decode()
    client.post(kiosk_url(queue), {"service": queue.civil.pk, "priority": "pregnant"})
    assert Ticket.objects.get().priority == "pregnant"


def test_kiosk_refuses_another_offices_service_and_unknown_office(client, queue):
    other = QueueServiceFactory(letter="Q")
    response = client.post(kiosk_url(queue), {"service": other.pk, "priority": "none"}, follow=True)
    assert "Không lấy được số" in response.content.decode()
    assert not Ticket.objects.exists()
    assert client.get(reverse("counters:kiosk", args=["KHONGCO"])).status_code == 404
    assert (
        client.get(reverse("counters:kiosk_priority", args=[queue.office.code, other.pk])).status_code == 404
    )


def test_kiosk_is_rate_limited(client, queue, settings):
    settings.COUNTERS_KIOSK_RATES = ("3/m",)
    for _ in range(3):
        assert (
            client.post(kiosk_url(queue), {"service": queue.civil.pk, "priority": "none"}).status_code == 302
        )
    refused = client.post(kiosk_url(queue), {"service": queue.civil.pk, "priority": "none"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert Ticket.objects.count() == 3


def test_phone_page_and_its_json(client, queue):
    first = queue.take(queue.civil)
    mine = queue.take(queue.civil)
    page = client.get(reverse("counters:ticket", args=[mine.token]))
    assert page.status_code == 200
    assert 'aria-live="polite"' in page.content.decode()
    assert re.search(r'data-field="ahead">1<', page.content.decode())
    state = client.get(reverse("counters:ticket_json", args=[mine.token])).json()
    assert state == {
        "ticket": "A002",
        "status": "waiting",
        "status_label": "Đang chờ",
        "ahead": 1,
        "counter": None,
    }
    services.counter_open(actor=queue.clerk1, counter=queue.c1)
    services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
    assert client.get(reverse("counters:ticket_json", args=[mine.token])).json()["ahead"] == 0
    assert client.get(reverse("counters:ticket_json", args=[first.token])).json()["counter"] == 1
    assert client.get(reverse("counters:ticket", args=["x" * 32])).status_code == 404


def test_phone_page_is_rate_limited(client, queue, settings):
    settings.COUNTERS_TICKET_RATES = ("2/m",)
    ticket = queue.take(queue.civil)
    url = reverse("counters:ticket_json", args=[ticket.token])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429


def _board_json(client, queue):
    return client.get(reverse("counters:board_json", args=[queue.office.code])).json()


def test_board_follows_calls(client, queue):
    for _ in range(2):
        queue.take(queue.civil)
    queue.take(queue.land)
    board = client.get(reverse("counters:board", args=[queue.office.code]))
    html = board.content.decode()
    assert board.status_code == 200
    assert 'aria-live="assertive"' in html and "board.js" in html and "vi-VN" in html
    assert "<script>" not in html and 'style="' not in html
    state = _board_json(client, queue)
    assert state["counters"] == [] and state["calls"] == []
    assert [(s["letter"], s["waiting"]) for s in state["services"]] == [("A", 2), ("B", 1)]

    services.counter_open(actor=queue.clerk2, counter=queue.c2)
    ticket = services.ticket_call_next(actor=queue.clerk2, counter=queue.c2)
    state = _board_json(client, queue)
    assert state["counters"] == [
        {"number": 2, "name": "Quầy 2", "open": True, "ticket": "A001", "status": "called"}
    ]
    assert [(c["ticket"], c["counter"]) for c in state["calls"]] == [("A001", 2)]
    first_key = state["calls"][0]["key"]
    services.ticket_recall(actor=queue.clerk2, ticket=ticket)
    state = _board_json(client, queue)
    assert state["calls"][0]["key"] != first_key  # a recall is spoken again
    assert [(s["letter"], s["waiting"]) for s in state["services"]] == [("A", 1), ("B", 1)]


def test_board_json_query_count_does_not_grow(client, queue, django_assert_max_num_queries):
    for n in range(4, 12):
        CounterFactory(office=queue.office, number=n, services=[queue.civil, queue.land])
    for _ in range(20):
        queue.take(queue.civil)
        queue.take(queue.land)
    from accounts.models import Role
    from tests.factories import StaffFactory

    for counter in queue.office.counters.all():
        clerk = StaffFactory(role=Role.CLERK, agency=queue.office)
        services.counter_open(actor=clerk, counter=counter)
        services.ticket_call_next(actor=clerk, counter=counter)
    with django_assert_max_num_queries(5):
        state = _board_json(client, queue)
    assert len(state["counters"]) == 11 and len(state["calls"]) == 6


def test_console_journey_with_desk_intake(client, queue):
    world = queue.world
    client.force_login(queue.clerk1)
    page = client.get(reverse("counters:console"))
    assert page.status_code == 200 and "Mở Quầy 1" in page.content.decode()

    assert client.post(reverse("counters:open", args=[queue.c1.pk])).status_code == 302
    queue.take(queue.civil)
    client.post(reverse("counters:call_next"))
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.CALLED
    page = client.get(reverse("counters:console")).content.decode()
    assert "A001" in page and "Gọi lại" in page

    client.post(reverse("counters:ticket_action", args=[ticket.pk, "recall"]))
    assert Ticket.objects.get().call_count == 2

    # start serving: to desk intake, carrying the way back
    response = client.post(reverse("counters:ticket_action", args=[ticket.pk, "start"]), {"intake": "1"})
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == reverse("dossiers:desk_intake")
    back = parse_qs(target.query)["next"][0]
    assert back == reverse("counters:attach", args=[ticket.pk])
    search = client.get(response["Location"] + "&q=giay+phep")
    assert f"next={back.replace('/', '%2F')}" in search.content.decode()

    intake = f"{reverse('dossiers:desk_intake')}?procedure={world.procedure.code}&next={back}"
    received = client.post(intake, intake_data(world.procedure))
    assert received.status_code == 302
    confirmation = client.get(received["Location"])
    dossier_code = re.search(r"dossier=([A-Z0-9-]+)", confirmation.content.decode()).group(1)
    assert dossier_code.startswith(world.center.code)

    attach = client.get(f"{back}?dossier={dossier_code}")
    assert attach.status_code == 200 and f'value="{dossier_code}"' in attach.content.decode()
    assert Ticket.objects.get().dossier is None  # a GET changes nothing
    client.post(back, {"attach-dossier": dossier_code})
    assert Ticket.objects.get().dossier.code == dossier_code

    client.post(reverse("counters:ticket_action", args=[ticket.pk, "done"]))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE
    page = client.get(reverse("counters:console")).content.decode()
    assert dossier_code in page
    client.post(reverse("counters:close", args=[queue.c1.pk]))
    queue.c1.refresh_from_db()
    assert queue.c1.clerk is None


def test_desk_intake_ignores_a_foreign_return_address(client, queue):
    client.force_login(queue.clerk1)
    world = queue.world
    intake = f"{reverse('dossiers:desk_intake')}?procedure={world.procedure.code}&next=https://evil.example/x"
    received = client.post(intake, intake_data(world.procedure))
    assert "next" not in received["Location"]
    for bad in ("//evil.example/x", "javascript:alert(1)"):
        page = client.get(f"{reverse('dossiers:desk_intake')}?q=a&next={bad}")
        html = page.content.decode()
        assert f'<input type="hidden" name="next" value="{bad}' not in html
        assert "?procedure=" in html and "&amp;next=" not in html.split("procedure-picker")[1]


def test_console_transfer_and_no_show(client, queue):
    client.force_login(queue.clerk1)
    client.post(reverse("counters:open", args=[queue.c1.pk]))
    queue.take(queue.civil)
    queue.take(queue.civil)
    client.post(reverse("counters:call_next"))
    ticket = Ticket.objects.get(code="A001")
    client.post(reverse("counters:transfer", args=[ticket.pk]), {"transfer-to_counter": queue.c3.pk})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.TRANSFERRED and ticket.counter == queue.c3
    response = client.post(reverse("counters:transfer", args=[ticket.pk]), {}, follow=True)
    assert response.status_code == 200
    client.post(reverse("counters:call_next"))
    second = Ticket.objects.get(code="A002")
    client.post(reverse("counters:ticket_action", args=[second.pk, "no-show"]))
    second.refresh_from_db()
    assert second.status == TicketStatus.NO_SHOW
    nothing = client.post(reverse("counters:call_next"), follow=True)
    assert "Không còn ai chờ" in nothing.content.decode()
    assert client.post(reverse("counters:ticket_action", args=[second.pk, "explode"])).status_code == 404


def test_console_is_for_clerks_and_their_office(client, queue):
    assert client.get(reverse("counters:console")).status_code == 302  # to login
    client.force_login(queue.world.citizen)
    assert client.get(reverse("counters:console")).status_code == 403
    client.force_login(queue.world.commune_clerk)
    assert client.post(reverse("counters:open", args=[queue.c1.pk])).status_code == 404
    ticket = queue.take(queue.civil)
    assert client.post(reverse("counters:ticket_action", args=[ticket.pk, "recall"])).status_code == 404
    assert client.get(reverse("counters:attach", args=[ticket.pk])).status_code == 404


def test_figures_page(client, queue):
    with freeze_time("2026-11-23 08:00:00+07:00"):
        queue.take(queue.civil)
    with freeze_time("2026-11-23 08:10:00+07:00"):
        services.counter_open(actor=queue.clerk1, counter=queue.c1)
        ticket = services.ticket_call_next(actor=queue.clerk1, counter=queue.c1)
        services.ticket_start(actor=queue.clerk1, ticket=ticket)
    with freeze_time("2026-11-23 08:16:00+07:00"):
        services.ticket_finish(actor=queue.clerk1, ticket=ticket)
    client.force_login(queue.world.manager)
    page = client.get(reverse("counters:figures"), {"day_from": "23/11/2026", "day_to": "23/11/2026"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "A – Tư pháp – hộ tịch" in html
    assert "10,0" in html and "6,0" in html  # minutes waited, minutes served
    by_counter = client.get(
        reverse("counters:figures"), {"day_from": "23/11/2026", "day_to": "23/11/2026", "by": "counter"}
    )
    assert "Quầy 1" in by_counter.content.decode()
    client.force_login(queue.world.citizen)
    assert client.get(reverse("counters:figures")).status_code == 403
    client.force_login(queue.world.commune_clerk)
    page = client.get(reverse("counters:figures"), {"day_from": "23/11/2026", "day_to": "23/11/2026"})
    assert "Tư pháp – hộ tịch" not in page.content.decode()

"""Queue figures on hand-made tickets: counts, waiting and service times (median, p90)."""

from datetime import date

import pytest
from freezegun import freeze_time

from counters import services
from counters.figures import percentile, queue_figures, queue_total

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 23)


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([], 50) is None
    assert percentile([7], 90) == 7
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90) == pytest.approx(91)
    assert percentile([5, 1, 3], 50) == 3  # order does not matter


def _serve(
    queue, counter, clerk, *, taken: str, called: str, started: str | None, finished: str, service=None
):
    """One ticket taken, called, then served (or a no-show when ``started`` is None), at the times
    given (hh:mm on DAY, Việt Nam time)."""
    at = lambda hhmm: f"2026-11-23 {hhmm}:00+07:00"  # noqa: E731
    with freeze_time(at(taken)):
        ticket = queue.take(service or queue.civil)
    with freeze_time(at(called)):
        ticket = services.ticket_call_next(actor=clerk, counter=counter)
    if started is None:
        with freeze_time(at(finished)):
            return services.ticket_no_show(actor=clerk, ticket=ticket)
    with freeze_time(at(started)):
        services.ticket_start(actor=clerk, ticket=ticket)
    with freeze_time(at(finished)):
        return services.ticket_finish(actor=clerk, ticket=ticket)


@pytest.fixture
def day_of_tickets(queue):
    with freeze_time("2026-11-23 07:00:00+07:00"):
        services.counter_open(actor=queue.clerk1, counter=queue.c1)
        services.counter_open(actor=queue.clerk3, counter=queue.c3)
    # counter 1, service A: waits 5, 10, 20, 30 min; served 4, 6, 8 min; one no-show
    _serve(queue, queue.c1, queue.clerk1, taken="07:30", called="07:35", started="07:36", finished="07:40")
    _serve(queue, queue.c1, queue.clerk1, taken="07:40", called="07:50", started="07:50", finished="07:56")
    _serve(queue, queue.c1, queue.clerk1, taken="07:45", called="08:05", started="08:05", finished="08:13")
    _serve(queue, queue.c1, queue.clerk1, taken="07:50", called="08:20", started=None, finished="08:23")
    # counter 3, service B: waits 2 min; served 12 min
    _serve(
        queue,
        queue.c3,
        queue.clerk3,
        taken="09:00",
        called="09:02",
        started="09:02",
        finished="09:14",
        service=queue.land,
    )
    with freeze_time("2026-11-23 10:00:00+07:00"):
        queue.take(queue.land)  # still waiting at the end of the day: counted, no wait time
    return queue


def test_figures_by_service(day_of_tickets):
    queue = day_of_tickets
    rows, total = queue_figures(offices=[queue.office.pk], day_from=DAY, day_to=DAY, by="service")
    a, b = rows
    assert a.label == "A – Tư pháp – hộ tịch"
    assert (a.tickets, a.served, a.no_shows) == (4, 3, 1)
    assert a.wait_median == 15 * 60  # between 10 and 20 minutes
    assert a.wait_p90 == pytest.approx((20 + 0.7 * 10) * 60)  # 27 minutes
    assert a.service_median == 6 * 60
    assert a.service_p90 == pytest.approx(7.6 * 60)
    assert (b.tickets, b.served, b.no_shows) == (2, 1, 0)
    assert b.wait_median == 120 and b.service_median == 12 * 60
    assert (total.tickets, total.served, total.no_shows) == (6, 4, 1)
    assert total.wait_median == 10 * 60
    assert total.as_dict()["service_p90_s"] == pytest.approx(10.8 * 60)


def test_figures_by_counter_day_and_office(day_of_tickets):
    queue = day_of_tickets
    rows, _ = queue_figures(offices=None, day_from=DAY, day_to=DAY, by="counter")
    assert [(r.label, r.tickets) for r in rows] == [("Quầy 1", 4), ("Quầy 3", 1), ("—", 1)]
    rows, _ = queue_figures(offices=[queue.office.pk], day_from=DAY, day_to=DAY, by="day")
    assert [(r.label, r.tickets) for r in rows] == [("23/11/2026", 6)]
    rows, _ = queue_figures(offices=[queue.office.pk], day_from=DAY, day_to=DAY, by="office")
    assert [(r.label, r.no_shows) for r in rows] == [(queue.office.name, 1)]
    rows, total = queue_figures(offices=[queue.world.commune.pk], day_from=DAY, day_to=DAY)
    assert rows == [] and total.tickets == 0 and total.wait_median is None
    with pytest.raises(ValueError):
        queue_figures(offices=None, day_from=DAY, day_to=DAY, by="clerk")


def test_queue_total_is_the_total_of_queue_figures(day_of_tickets):
    queue = day_of_tickets
    for offices in ([queue.office.pk], None, [], [queue.world.commune.pk]):
        _rows, expected = queue_figures(offices=offices, day_from=DAY, day_to=DAY, by="office")
        got = queue_total(offices=offices, day_from=DAY, day_to=DAY)
        assert (got.tickets, got.served, got.no_shows) == (
            expected.tickets,
            expected.served,
            expected.no_shows,
        )
        assert (got.wait_median, got.wait_p90) == (expected.wait_median, expected.wait_p90)
    assert queue_total(offices=None, day_from=DAY, day_to=DAY).wait_p90 == pytest.approx((20 + 0.6 * 10) * 60)


def test_queue_total_equals_the_python_percentiles_to_the_last_bit(queue):
    """Tickets with waits to the microsecond, ties, over days and two offices, in sizes where the
    ranks fall on and between values: the figures equal ``queue_figures``' exactly (==)."""
    import random
    from datetime import datetime, timedelta

    from django.utils import timezone

    from counters.models import Ticket, TicketStatus
    from tests.factories import CounterFactory, QueueServiceFactory

    other = queue.world.commune
    service = QueueServiceFactory(office=other, letter="C", name="Chứng thực", position=1)
    CounterFactory(office=other, number=1, services=[service])
    rng = random.Random(25)
    tz = timezone.get_current_timezone()
    statuses = [TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.WAITING, TicketStatus.SERVING]
    made = 0
    for size in (1, 2, 3, 7, 11, 20, 41):
        for _ in range(size):
            made += 1
            office, svc = (queue.office, queue.civil) if made % 3 else (other, service)
            day = DAY - timedelta(days=made % 4)
            taken = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(
                hours=7, seconds=rng.randrange(30_000), microseconds=rng.randrange(1_000_000)
            )
            status = statuses[made % 4]
            waited = (
                timedelta(minutes=rng.choice([3, 3, 10]))
                if made % 5 == 0
                else timedelta(seconds=rng.randrange(5_000), microseconds=rng.randrange(1_000_000))
            )
            Ticket.objects.create(
                office=office,
                service=svc,
                day=day,
                number=made,
                code=f"T{made}",
                status=status,
                token=f"token-{made}",
                taken_at=taken,
                called_at=None if status == TicketStatus.WAITING else taken + waited,
            )
        for offices in (None, [queue.office.pk], [other.pk]):
            for first in (DAY - timedelta(days=3), DAY - timedelta(days=1), DAY):
                _rows, expected = queue_figures(offices=offices, day_from=first, day_to=DAY, by="office")
                got = queue_total(offices=offices, day_from=first, day_to=DAY)
                assert (got.tickets, got.served, got.no_shows) == (
                    expected.tickets,
                    expected.served,
                    expected.no_shows,
                )
                assert (got.wait_median, got.wait_p90) == (expected.wait_median, expected.wait_p90)

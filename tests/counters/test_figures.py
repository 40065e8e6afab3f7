"""Queue figures on hand-made tickets: counts, waiting and service times (median, p90)."""

from datetime import date

import pytest
from freezegun import freeze_time

from counters import services
from counters.figures import percentile, queue_figures

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

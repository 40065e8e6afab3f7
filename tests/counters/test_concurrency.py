"""Clerks who press "call next" at the same moment never get the same ticket, and kiosks taking
tickets at the same moment get distinct gapless numbers (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection

from accounts.models import Role
from counters import services
from counters.models import Ticket, TicketStatus
from tests.factories import CounterFactory, StaffFactory

THREADS = 6


def _run_together(target, count: int) -> list[BaseException]:
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait(timeout=10)
            target(n)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_clerks_calling_at_once_get_different_tickets(queue):
    counters, clerks = [], []
    for n in range(THREADS):
        counter = CounterFactory(office=queue.office, number=10 + n, services=[queue.civil])
        clerk = StaffFactory(role=Role.CLERK, agency=queue.office)
        services.counter_open(actor=clerk, counter=counter)
        counters.append(counter)
        clerks.append(clerk)
    # fewer tickets than clerks: someone must get nothing, nobody may get a ticket twice
    for _ in range(THREADS - 2):
        queue.take(queue.civil)
    called: list[str | None] = []

    def call(n: int) -> None:
        ticket = services.ticket_call_next(actor=clerks[n], counter=counters[n])
        called.append(ticket.code if ticket else None)

    errors = _run_together(call, THREADS)

    assert not errors, errors
    codes = [code for code in called if code]
    assert len(codes) == len(set(codes)) == THREADS - 2
    assert called.count(None) == 2
    called_at = Ticket.objects.filter(status=TicketStatus.CALLED).values("counter").distinct()
    assert called_at.count() == THREADS - 2
    assert not Ticket.objects.filter(status=TicketStatus.WAITING).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_kiosks_taking_at_once_get_gapless_numbers(queue):
    codes: list[str] = []

    def take(n: int) -> None:
        codes.append(queue.take(queue.civil).code)

    errors = _run_together(take, THREADS)

    assert not errors, errors
    assert sorted(codes) == [f"A{n:03d}" for n in range(1, THREADS + 1)]

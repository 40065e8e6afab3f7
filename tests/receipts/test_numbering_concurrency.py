"""Receipt numbers are gapless within a series even when desks collect at the same moment."""

import threading

import pytest
from django.db import connection

from receipts import services
from receipts.models import Receipt, ReceiptSeries
from receipts.services import Payer
from tests.receipts.conftest import receive

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_get_distinct_gapless_numbers(world):
    dossiers = [receive(world) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def collect(n: int) -> None:
        try:
            start.wait(timeout=10)
            receipt = services.receipt_issue(
                actor=world.clerk, dossier=dossiers[n], payer=Payer(name=f"Người nộp {n}")
            )
            numbers.append(receipt.number)
        except BaseException as exc:  # reported below, with the thread's failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=collect, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(numbers) == list(range(1, THREADS + 1))  # no duplicate, no gap
    assert ReceiptSeries.objects.get().last_number == THREADS
    assert Receipt.objects.count() == THREADS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refused_payment_uses_no_number(world):
    dossier = receive(world)
    services.receipt_issue(actor=world.clerk, dossier=dossier, payer=Payer(name="An"))
    with pytest.raises(services.ReceiptError):
        services.receipt_issue(actor=world.clerk, dossier=dossier, payer=Payer(name="An"))
    second = services.receipt_issue(actor=world.clerk, dossier=receive(world), payer=Payer(name="Bình"))
    assert second.number == 2

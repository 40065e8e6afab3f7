"""Dossier codes are gapless per office and day even when desks receive at the same moment."""

import threading

import pytest
from django.db import connection

from dossiers import services
from dossiers.models import Dossier
from dossiers.services import Intake
from tests.factories import applicant

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_get_distinct_gapless_codes(world):
    documents = {d.id: (1, 0) for d in world.procedure.documents.all()}
    start = threading.Barrier(THREADS)
    codes: list[str] = []
    errors: list[BaseException] = []

    def receive_one(n: int) -> None:
        try:
            start.wait(timeout=10)
            dossier = services.dossier_receive(
                actor=world.clerk,
                procedure=world.procedure,
                intake=Intake(applicant=applicant(name=f"Người nộp {n}"), documents=documents),
            )
            codes.append(dossier.code)
        except BaseException as exc:  # reported below, with the thread's failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=receive_one, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len(codes) == len(set(codes)) == THREADS
    prefixes = {code.rsplit("-", 1)[0] for code in codes}
    assert len(prefixes) == 1, prefixes  # one office, one day
    assert sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, THREADS + 1))
    assert Dossier.objects.count() == THREADS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refused_intake_uses_no_number(world):
    documents = {d.id: (1, 0) for d in world.procedure.documents.all()}
    first = services.dossier_receive(
        actor=world.clerk,
        procedure=world.procedure,
        intake=Intake(applicant=applicant(), documents=documents),
    )
    with pytest.raises(services.DossierError):
        services.dossier_receive(
            actor=world.clerk,
            procedure=world.procedure,
            intake=Intake(applicant=applicant(), documents=documents, return_method="post"),
        )
    second = services.dossier_receive(
        actor=world.clerk,
        procedure=world.procedure,
        intake=Intake(applicant=applicant(), documents=documents),
    )
    assert int(second.code.rsplit("-", 1)[1]) == int(first.code.rsplit("-", 1)[1]) + 1

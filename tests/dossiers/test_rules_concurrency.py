"""The "once" rules hold when people act at the same moment (PostgreSQL row locks): one apology
with one new date, one supplement request before acceptance, and one register line each. The
loser gets the rule's refusal and nothing of theirs is written (issue 17, docs/rules.md)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import Dossier, Event, SupplementRequest
from dossiers.services import Intake
from dossiers.workflow import Action, Status, TransitionRefused
from procedures import workdays
from tests.factories import PDF_BYTES, StaffFactory, applicant

THREADS = 4


def race(calls) -> tuple[list, list[BaseException]]:
    """Run each call in its own thread, all released at once; their results and their errors."""
    start = threading.Barrier(len(calls))
    results: list = []
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            start.wait(timeout=10)
            results.append(call())
        except BaseException as exc:  # collected and checked by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def receive(world):
    documents = {d.id: (d.originals, d.copies) for d in world.procedure.documents.all()}
    return services.dossier_receive(
        actor=world.clerk,
        procedure=world.procedure,
        intake=Intake(applicant=applicant(), documents=documents),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_apologies_give_one_new_date(world):
    dossier = receive(world)
    calendar = workdays.WorkCalendar()
    reviewers = [world.reviewer_a] + [
        StaffFactory(role="reviewer", agency=world.justice) for _ in range(THREADS - 1)
    ]
    dates = [
        calendar.close_of(calendar.add_working_days(timezone.localdate(dossier.due_at), n + 2))
        for n in range(THREADS)
    ]
    calls = [
        (
            lambda who=who, new_date=new_date: services.dossier_apologize(
                actor=who, dossier=dossier, reason="Chờ ý kiến cơ quan phối hợp", new_date=new_date
            )
        )
        for who, new_date in zip(reviewers, dates, strict=True)
    ]
    results, errors = race(calls)
    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, TransitionRefused) and "một lần" in e.message for e in errors), errors
    dossier.refresh_from_db()
    assert dossier.promised_at == results[0].promised_at
    assert Event.objects.filter(dossier=dossier, action=Action.APOLOGIZE).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_send_a_submission_back_once(world):
    files = [
        FileUpload(name=f"{d.id}.pdf", content=PDF_BYTES, document_id=d.id)
        for d in world.procedure.documents.filter(mandatory=True)
    ]
    dossier = services.dossier_submit(
        actor=world.citizen,
        procedure=world.procedure,
        office=world.center,
        intake=Intake(applicant=applicant(), files=files),
    )
    clerks = [world.clerk] + [StaffFactory(role="clerk", agency=world.center) for _ in range(THREADS - 1)]
    calls = [
        (
            lambda clerk=clerk, n=n: services.dossier_request_intake_supplement(
                actor=clerk, dossier=dossier, items=[f"Giấy tờ {n}"]
            )
        )
        for n, clerk in enumerate(clerks)
    ]
    results, errors = race(calls)
    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1 and all(isinstance(e, TransitionRefused) for e in errors), errors
    dossier.refresh_from_db()
    assert dossier.status == Status.INTAKE_SUPPLEMENT and dossier.received_at is None
    assert list(SupplementRequest.objects.values_list("items", flat=True)) == [results[0].items]
    assert Event.objects.filter(dossier=dossier, action=Action.REQUEST_INTAKE_SUPPLEMENT).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_take_gapless_register_lines(world):
    results, errors = race([lambda: receive(world) for _ in range(THREADS * 2)])
    assert not errors, errors
    lines = sorted(Dossier.objects.values_list("register_book", "register_number"))
    book = timezone.localdate().year
    assert lines == [(book, n) for n in range(1, THREADS * 2 + 1)]
    assert len(results) == THREADS * 2

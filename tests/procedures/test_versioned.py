"""A procedure's documents and fees kept in the process per version of the procedure."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from procedures.models import Fee, Procedure, RequiredDocument
from procedures.versioned import documents_of, fees_of
from tests.factories import ProcedureFactory


def fresh(procedure: Procedure) -> Procedure:
    """The procedure as a page reads it: a new instance each request."""
    return Procedure.objects.get(pk=procedure.pk)


def make_procedure() -> Procedure:
    procedure = ProcedureFactory()
    RequiredDocument.objects.create(procedure=procedure, order=2, name="Bản vẽ")
    RequiredDocument.objects.create(procedure=procedure, order=1, name="Đơn đề nghị")
    Fee.objects.create(procedure=procedure, kind="charge", name="Lệ phí", amount=50000)
    return fresh(procedure)


def test_read_once_per_version_in_order(db):
    procedure = make_procedure()
    assert [d.name for d in documents_of(procedure)] == ["Đơn đề nghị", "Bản vẽ"]
    assert [f.amount for f in fees_of(procedure)] == [50000]
    with CaptureQueriesContext(connection) as queries:
        again = fresh(procedure)
        assert [d.name for d in documents_of(again)] == ["Đơn đề nghị", "Bản vẽ"]
        assert [f.name for f in fees_of(again)] == ["Lệ phí"]
    assert len(queries) == 1  # the procedure itself


def test_a_document_or_fee_changed_is_read_again(db):
    procedure = make_procedure()
    documents_of(procedure), fees_of(procedure)
    RequiredDocument.objects.filter(procedure=procedure, order=1).get().delete()
    Fee.objects.create(procedure=procedure, kind="fee", name="Phí thẩm định", amount=100000)
    procedure = fresh(procedure)
    assert [d.name for d in documents_of(procedure)] == ["Bản vẽ"]
    assert [f.amount for f in fees_of(procedure)] == [50000, 100000]


def test_a_change_made_by_another_process_is_seen_by_its_version(db):
    """Another process changes the rows and saves the procedure (a new ``updated_at``); no signal
    reaches this one."""
    procedure = make_procedure()
    documents_of(procedure)
    RequiredDocument.objects.filter(procedure=procedure).update(name="Tờ khai")  # no signal
    Procedure.objects.filter(pk=procedure.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    assert {d.name for d in documents_of(fresh(procedure))} == {"Tờ khai"}


def test_each_caller_gets_its_own_copies(db):
    procedure = make_procedure()
    first = documents_of(procedure)
    first[0].reused_label = "Giấy tờ của một người"
    assert not hasattr(documents_of(fresh(procedure))[0], "reused_label")

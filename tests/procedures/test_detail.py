"""procedure_detail: a procedure's documents and fees read once a version of it in a process."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from procedures.models import Procedure, RequiredDocument
from procedures.selectors import procedure_detail
from procedures.services import DocumentData, FeeData, ProcedureData, StepData, procedure_upsert
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _data(**overrides) -> ProcedureData:
    values = {
        "code": "1.009994",
        "name": "Cấp giấy phép xây dựng",
        "field_code": "XD",
        "field_name": "Hoạt động xây dựng",
        "agency_code": "SXD",
        "level": "province",
        "processing_days": Decimal(20),
        "online_level": "partial",
        "accepts_online": True,
        "documents": [DocumentData(name="Đơn đề nghị", originals=1), DocumentData(name="Bản vẽ", copies=2)],
        "fees": [FeeData(kind="charge", name="Lệ phí", amount=150000)],
        "steps": [StepData(order=1, agency_code="SXD", name="Thẩm định", working_days=Decimal(12))],
    }
    values.update(overrides)
    return ProcedureData(**values)


def shown(procedure):
    return (
        [(d.name, d.originals, d.copies) for d in procedure.documents.all()],
        [(f.name, f.amount) for f in procedure.fees.all()],
        [s.agency.code for s in procedure.process_steps.all()],
    )


@pytest.fixture
def construction():
    return AgencyFactory(code="SXD", name="Sở Xây dựng")


def test_documents_and_fees_are_read_once_then_kept(construction, django_assert_num_queries):
    procedure_upsert(data=_data())
    first = procedure_detail("1.009994")
    expected = ([("Đơn đề nghị", 1, 0), ("Bản vẽ", 1, 2)], [("Lệ phí", 150000)], ["SXD"])
    assert shown(first) == expected
    with django_assert_num_queries(2):  # the procedure (with its agency) and its steps
        again = procedure_detail("1.009994")
        assert shown(again) == expected
        assert all(d.procedure is again for d in again.documents.all())
    assert again.documents.all()[0] is not first.documents.all()[0]  # no instance shared


def test_a_new_version_of_the_procedure_is_read_again(construction):
    procedure_detail_before = procedure_upsert(data=_data())[0]
    procedure_detail("1.009994")
    procedure_upsert(data=_data(documents=[DocumentData(name="Tờ khai mới")], fees=[]))
    assert shown(procedure_detail("1.009994"))[:2] == ([("Tờ khai mới", 1, 0)], [])

    # another process changed it: no signal here, its updated_at tells
    RequiredDocument.objects.filter(procedure=procedure_detail_before).update(name="Tờ khai (sửa)")
    Procedure.objects.filter(pk=procedure_detail_before.pk).update(updated_at=timezone.now() + timedelta(1))
    assert shown(procedure_detail("1.009994"))[0] == [("Tờ khai (sửa)", 1, 0)]

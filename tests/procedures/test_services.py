from decimal import Decimal

import pytest

from procedures.models import Fee, Field, Procedure, ProcessStep, RequiredDocument
from procedures.selectors import agency_descendant_ids, procedures_search
from procedures.services import (
    CatalogError,
    DocumentData,
    FeeData,
    ProcedureData,
    StepData,
    agency_upsert,
    procedure_upsert,
    routing_days,
)
from tests.factories import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def _data(**overrides) -> ProcedureData:
    values = {
        "code": "1.009994",
        "name": "Cấp giấy phép xây dựng mới đối với công trình cấp III",
        "field_code": "XD",
        "field_name": "Hoạt động xây dựng",
        "agency_code": "SXD",
        "level": "province",
        "processing_days": Decimal(20),
        "online_level": "partial",
        "accepts_online": True,
        "documents": [DocumentData(name="Đơn đề nghị cấp giấy phép xây dựng", originals=1)],
        "fees": [FeeData(kind="charge", name="Lệ phí cấp giấy phép xây dựng", amount=150000)],
        "steps": [
            StepData(order=1, agency_code="SXD", name="Thẩm định", working_days=Decimal(12)),
            StepData(order=2, agency_code="SXD", name="Phê duyệt", working_days=Decimal(3)),
        ],
    }
    values.update(overrides)
    return ProcedureData(**values)


@pytest.fixture
def construction():
    return AgencyFactory(code="SXD", name="Sở Xây dựng")


def test_upsert_creates_procedure_with_documents_fees_and_steps(construction):
    procedure, created = procedure_upsert(data=_data())
    assert created
    assert procedure.search_text == "1.009994 cap giay phep xay dung moi doi voi cong trinh cap iii"
    assert procedure.field.name == "Hoạt động xây dựng"
    assert [d.name for d in procedure.documents.all()] == ["Đơn đề nghị cấp giấy phép xây dựng"]
    assert [f.amount for f in procedure.fees.all()] == [150000]
    assert [(s.order, s.working_days) for s in procedure.process_steps.all()] == [
        (1, Decimal(12)),
        (2, Decimal(3)),
    ]


def test_upsert_again_updates_and_replaces_children(construction):
    procedure_upsert(data=_data())
    procedure, created = procedure_upsert(
        data=_data(
            name="Cấp giấy phép xây dựng (sửa)",
            documents=[DocumentData(name="A"), DocumentData(name="B", copies=1)],
            fees=[],
            steps=None,
        )
    )
    assert not created
    assert Procedure.objects.count() == 1
    assert procedure.name == "Cấp giấy phép xây dựng (sửa)"
    assert list(RequiredDocument.objects.values_list("name", flat=True)) == ["A", "B"]
    assert Fee.objects.count() == 0
    # steps=None keeps the routing that was there
    assert ProcessStep.objects.count() == 2


def test_parallel_steps_count_once():
    assert routing_days([(1, Decimal(3)), (2, Decimal(5)), (2, Decimal(4)), (3, Decimal("0.5"))]) == Decimal(
        "8.5"
    )


def test_routing_longer_than_processing_time_is_refused_and_changes_nothing(construction):
    steps = [
        StepData(order=1, agency_code="SXD", name="Thẩm định", working_days=Decimal(15)),
        StepData(order=2, agency_code="SXD", name="Phê duyệt", working_days=Decimal("5.5")),
    ]
    with pytest.raises(CatalogError) as info:
        procedure_upsert(data=_data(steps=steps))
    assert "20,5" in info.value.messages[0]
    assert Procedure.objects.count() == 0
    assert Field.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": ""}, "Thiếu mã thủ tục"),
        ({"name": "  "}, "Thiếu tên thủ tục"),
        ({"agency_code": "NOPE"}, "NOPE"),
        ({"level": "galaxy"}, "galaxy"),
        ({"processing_days": Decimal(-1)}, "không được âm"),
        ({"fees": [FeeData(kind="tip", name="x", amount=1)]}, "tip"),
        ({"fees": [FeeData(kind="fee", name="x", amount=-5000)]}, "không được âm"),
        ({"fees": [FeeData(kind="fee", name="x", amount=Decimal("12.5"))]}, "không phải số nguyên đồng"),
        ({"fees": [FeeData(kind="fee", name="x", amount=12.5)]}, "không phải số nguyên đồng"),
    ],
)
def test_bad_data_is_refused_with_a_clear_message(construction, overrides, message):
    with pytest.raises(CatalogError) as info:
        procedure_upsert(data=_data(**overrides))
    assert message in " ".join(info.value.messages)
    assert Procedure.objects.count() == 0


def test_online_channel_needs_an_online_level(construction):
    procedure, _ = procedure_upsert(data=_data(online_level="none", accepts_online=True))
    assert procedure.accepts_online is False


def test_agency_tree():
    province, _ = agency_upsert(code="UBNDT", name="UBND tỉnh", level="province", kind="peoples_committee")
    dept, _ = agency_upsert(
        code="SNNMT", name="Sở NN&MT", level="province", kind="department", parent_code="UBNDT"
    )
    office, _ = agency_upsert(
        code="VPDKDD",
        name="Văn phòng đăng ký đất đai",
        level="province",
        kind="department",
        parent_code="SNNMT",
    )
    other = AgencyFactory()
    assert set(agency_descendant_ids(province.id)) == {province.id, dept.id, office.id}
    assert other.id not in agency_descendant_ids(province.id)
    with pytest.raises(CatalogError):
        agency_upsert(code="X", name="X", level="commune", kind="peoples_committee", parent_code="MISSING")


def test_search_ignores_case_and_diacritics_both_ways():
    permit = ProcedureFactory(name="Cấp giấy phép xây dựng")
    birth = ProcedureFactory(name="Đăng ký khai sinh")
    ProcedureFactory(name="Chứng thực bản sao")
    ProcedureFactory(name="Cấp giấy phép xây dựng cũ", is_active=False)

    assert list(procedures_search("giay phep xay dung")) == [permit]
    assert list(procedures_search("GIẤY PHÉP XÂY DỰNG")) == [permit]
    assert list(procedures_search("xay dung giay")) == [permit]
    assert list(procedures_search("dang ky")) == [birth]
    assert list(procedures_search("đang ky")) == [birth]
    assert list(procedures_search(birth.code)) == [birth]
    assert procedures_search("").count() == 3


def test_search_puts_exact_code_and_whole_phrase_first():
    apart = ProcedureFactory(name="Giấy phép sửa chữa nhà ở, xây dựng lại")
    phrase = ProcedureFactory(name="Điều chỉnh giấy phép xây dựng")
    assert list(procedures_search("giay phep xay dung")) == [phrase, apart]
    assert list(procedures_search(phrase.code)) == [phrase]


def test_a_shorter_processing_time_must_still_fit_the_kept_routing(construction):
    procedure_upsert(data=_data())  # routing of 15 days in 20
    with pytest.raises(CatalogError):
        procedure_upsert(data=_data(processing_days=Decimal(10), steps=None))
    assert Procedure.objects.get().processing_days == Decimal(20)


def test_reimport_keeps_the_ids_of_documents_and_fees(construction):
    procedure, _ = procedure_upsert(data=_data())
    doc_ids = list(procedure.documents.values_list("id", flat=True))
    fee_ids = list(procedure.fees.values_list("id", flat=True))
    procedure_upsert(data=_data())
    assert list(procedure.documents.values_list("id", flat=True)) == doc_ids
    assert list(procedure.fees.values_list("id", flat=True)) == fee_ids
    procedure_upsert(data=_data(documents=[DocumentData(name="Đơn mới"), DocumentData(name="Bản vẽ")]))
    names = list(procedure.documents.order_by("order").values_list("id", "name"))
    assert names[0] == (doc_ids[0], "Đơn mới")
    assert names[1][1] == "Bản vẽ"

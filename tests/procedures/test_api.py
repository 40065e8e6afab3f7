import re
from decimal import Decimal

import pytest

from procedures.services import DocumentData, FeeData, ProcedureData, StepData, procedure_upsert
from tests.factories import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit():
    AgencyFactory(code="SXD", name="Sở Xây dựng")
    procedure, _ = procedure_upsert(
        data=ProcedureData(
            code="1.009994",
            name="Cấp giấy phép xây dựng",
            field_code="XD",
            field_name="Hoạt động xây dựng",
            agency_code="SXD",
            level="province",
            processing_days=Decimal(20),
            online_level="full",
            accepts_online=True,
            documents=[DocumentData(name="Đơn đề nghị", originals=1, copies=0)],
            fees=[FeeData(kind="charge", name="Lệ phí", amount=150000)],
            steps=[StepData(order=1, agency_code="SXD", name="Thẩm định", working_days=Decimal("12.5"))],
        )
    )
    return procedure


def test_list_search_without_diacritics(client, permit):
    ProcedureFactory(name="Đăng ký khai sinh", level="commune")
    body = client.get("/api/v1/procedures/", {"q": "giay phep xay dung"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["code"] == "1.009994"
    assert row["agency"] == "SXD"
    assert row["field"] == "XD"
    assert row["processing_days"] == 20.0


def test_filters_take_codes(client, permit):
    other = ProcedureFactory(level="commune", online_level="none", accepts_online=False)
    assert [r["code"] for r in client.get("/api/v1/procedures/", {"agency": "SXD"}).json()["results"]] == [
        "1.009994"
    ]
    assert [r["code"] for r in client.get("/api/v1/procedures/", {"level": "commune"}).json()["results"]] == [
        other.code
    ]
    assert client.get("/api/v1/procedures/", {"online_level": "full"}).json()["count"] == 1
    assert client.get("/api/v1/procedures/", {"field": "XD"}).json()["count"] == 1
    bad = client.get("/api/v1/procedures/", {"level": "galaxy"})
    assert bad.status_code == 400
    assert "level" in bad.json()


def test_detail_by_code_with_everything(client, permit):
    body = client.get("/api/v1/procedures/1.009994/").json()
    assert body["documents"][0]["name"] == "Đơn đề nghị"
    assert body["fees"][0]["amount"] == 150000
    assert body["process_steps"] == [{"order": 1, "agency": "SXD", "name": "Thẩm định", "working_days": 12.5}]
    assert client.get("/api/v1/procedures/0.000000/").status_code == 404


def test_inactive_procedures_are_not_published(client, permit):
    permit.is_active = False
    permit.save()
    assert client.get("/api/v1/procedures/1.009994/").status_code == 404
    assert client.get("/api/v1/procedures/").json()["count"] == 0


def test_agencies_and_fields(client, permit):
    agencies = client.get("/api/v1/agencies/").json()["results"]
    assert {"code": "SXD"}.items() <= agencies[0].items()
    assert client.get("/api/v1/agencies/SXD/").json()["name"] == "Sở Xây dựng"
    assert client.get("/api/v1/fields/").json()["results"] == [{"code": "XD", "name": "Hoạt động xây dựng"}]


def test_catalog_api_is_read_only(client, permit):
    assert client.post("/api/v1/procedures/", {}).status_code in (401, 403)


def test_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, permit):
    for _ in range(30):
        ProcedureFactory()
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/procedures/").status_code == 200


def test_openapi_schema_and_docs(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/procedures/{code}/" in text
    assert "/api/v1/agencies/" in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI is served from our own static files, never from a CDN.
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', docs.content.decode())
    assert sources
    assert all(source.startswith("/static/") for source in sources), sources

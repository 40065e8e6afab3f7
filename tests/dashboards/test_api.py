"""GET /api/v1/stats/: the figures by group, scoped to the asker, clear errors on bad input."""

import pytest
from freezegun import freeze_time

from accounts.models import Role
from dashboards import figures
from tests.dashboards.conftest import EXPECTED
from tests.factories import StaffFactory, UserFactory

URL = "/api/v1/stats/"
MARCH = "date_from=2026-03-01&date_to=2026-03-31"
KEYS = {
    "key", "label", "received", "received_online", "resolved", "resolved_early", "resolved_on_time",
    "resolved_late", "in_progress", "in_progress_overdue", "refused", "withdrawn", "returned",
    "on_time_rate", "online_rate",
}  # fmt: skip


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="quantri", role=Role.ADMIN, is_staff=True))
    return client


@freeze_time("2026-04-15 10:00:00+07:00")
def test_grouped_by_agency_for_an_administrator(admin_client, march):
    response = admin_client.get(f"{URL}?group_by=agency&{MARCH}")
    assert response.status_code == 200
    rows = response.json()
    assert [r["key"] for r in rows] == ["SA", "XB"]
    assert set(rows[0]) >= KEYS
    assert rows[0]["label"] == "Sở A"
    assert sum(r["received"] for r in rows) == EXPECTED["received"]
    assert rows[0]["on_time_rate"] == 66.67


@freeze_time("2026-04-15 10:00:00+07:00")
@pytest.mark.parametrize("group_by", ["level", "field", "procedure", "channel", "month"])
def test_every_grouping_has_keys(admin_client, march, group_by):
    rows = admin_client.get(f"{URL}?group_by={group_by}&date_from=2026-02-01&date_to=2026-04-30").json()
    assert rows and all(set(r) >= KEYS for r in rows)
    if group_by == "month":
        assert [r["key"] for r in rows] == ["2026-02", "2026-03", "2026-04"]
    if group_by == "channel":
        assert {r["key"] for r in rows} == {"counter", "online", "postal"}


@freeze_time("2026-04-15 10:00:00+07:00")
def test_filters_take_codes(admin_client, march):
    (row,) = admin_client.get(f"{URL}?{MARCH}&agency=XB,SA&channel=online").json()
    assert row["received"] == 1 and row["key"] is None
    (row,) = admin_client.get(f"{URL}?{MARCH}&procedure=1.000002&level=commune").json()
    assert row["refused"] == 1  # the submission refused before receipt is in no column


@freeze_time("2026-04-15 10:00:00+07:00")
def test_a_manager_sees_the_units_under_them_and_staff_their_own(client, march):
    client.force_login(StaffFactory(role=Role.MANAGER, agency=march["root"]))
    rows = client.get(f"{URL}?group_by=agency&{MARCH}").json()
    assert [r["key"] for r in rows] == ["SA"]
    client.force_login(StaffFactory(role=Role.REVIEWER, agency=march["other"]))
    rows = client.get(f"{URL}?group_by=agency&{MARCH}").json()
    assert [r["key"] for r in rows] == ["XB"]


def test_citizens_and_visitors_are_refused(client, db):
    assert client.get(URL).status_code in (401, 403)
    client.force_login(UserFactory(role=Role.CITIZEN))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "query, field",
    [
        ("date_from=2026-13-01", "date_from"),
        ("date_to=yesterday", "date_to"),
        ("date_from=2026-03-02&date_to=2026-03-01", "date_from"),
        ("group_by=color", "group_by"),
        ("agency=NOPE", "agency"),
        ("channel=fax", "channel"),
        ("level=planet", "level"),
    ],
)
def test_bad_parameters_are_400_with_the_field(admin_client, query, field):
    response = admin_client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_in_the_openapi_schema(admin_client):
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/stats/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"group_by", "date_from", "date_to", "agency", "level", "field", "procedure", "channel"} <= names
    assert set(figures.FIGURES) >= {"on_time_rate", "online_rate"}

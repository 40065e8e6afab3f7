"""The Decision 766 page, its export and the stats API's points, as a manager uses them."""

import io
import re

from freezegun import freeze_time
from openpyxl import load_workbook

from accounts.models import Role
from dashboards import index766
from tests.factories import AgencyFactory, StaffFactory, UserFactory

YEAR_2026 = {"period": "year", "year": "2026", "group_by": "agency"}


def _manager(catalog):
    return StaffFactory(username="ld", role=Role.MANAGER, agency=catalog["root"])


@freeze_time("2026-04-15 10:00:00+07:00")
def test_the_page_shows_points_worst_first_with_the_dossiers_behind(client, march, catalog):
    client.force_login(_manager(catalog))
    page = client.get("/thong-ke/chi-so-766/", YEAR_2026)
    assert page.status_code == 200
    text = page.content.decode()
    assert "từ 01/01/2026 đến 31/12/2026" in text
    for group in index766.GROUPS:
        assert str(group.label) in text
    (whole,) = index766.index(
        date_from=index766.period_bounds("year", 2026)[0], date_to=index766.period_bounds("year", 2026)[1]
    )
    worst = whole.by_loss()[0]
    # the indicator that lost the most is the first row of its table
    first_row = text.split("Chỉ số mất nhiều điểm nhất", 1)[1].split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert str(worst.indicator.label) in first_row
    # 2.1 lost points to the late dossiers: its link opens them
    assert "bucket=resolved_late" in text and "bucket=received_not_digitised" in text
    listing = client.get(
        "/thong-ke/ho-so/", {"bucket": "resolved_late", "date_from": "2026-01-01", "date_to": "2026-12-31"}
    )
    assert listing.status_code == 200 and "1 hồ sơ" in listing.content.decode()
    not_digitised = client.get(
        "/thong-ke/ho-so/",
        {"bucket": "received_not_digitised", "date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    assert not_digitised.status_code == 200
    # the trend: a chart per group with its table of 12 months, numbers with a decimal comma
    assert text.count('role="img"') == 6 and "05/2025" in text and "04/2026" in text
    # points read as points, to the hundredth, never as a percentage
    headline = text.split("Tổng điểm", 1)[1].split("</dl>", 1)[0]
    assert re.search(r'<dd class="fs-2">\d{1,3},\d\d</dd>', headline), headline
    assert "%" not in headline
    assert "," in whole_points(whole) or whole.points == int(whole.points)


def whole_points(whole) -> str:
    return f"{whole.points:.2f}".replace(".", ",")


@freeze_time("2026-04-15 10:00:00+07:00")
def test_every_grouping_and_period(client, march, catalog):
    client.force_login(UserFactory(username="qt", role=Role.ADMIN))
    for group_by in index766.GROUP_BY:
        for period, number in (("month", "3"), ("quarter", "1"), ("year", "1")):
            page = client.get(
                "/thong-ke/chi-so-766/",
                {"period": period, "number": number, "year": "2026", "group_by": group_by},
            )
            assert page.status_code == 200, (group_by, period)
    assert "UBND xã B" in client.get("/thong-ke/chi-so-766/", YEAR_2026).content.decode()


def test_bad_input_says_why_and_strangers_see_nothing(client, catalog):
    client.force_login(_manager(catalog))
    bad = client.get("/thong-ke/chi-so-766/", {"period": "week"})
    assert bad.status_code == 400 and "Kỳ phải là tháng, quý hoặc năm." in bad.content.decode()
    assert client.get("/thong-ke/chi-so-766/", {"period": "month", "number": "13"}).status_code == 400
    assert client.get("/thong-ke/chi-so-766/", {"group_by": "field"}).status_code == 400
    client.force_login(UserFactory(username="dan", role=Role.CITIZEN))
    assert client.get("/thong-ke/chi-so-766/").status_code == 403


@freeze_time("2026-04-15 10:00:00+07:00")
def test_the_export_in_the_reporting_layout(client, march, catalog):
    AgencyFactory(code="XC", name='=HYPERLINK("http://x")', parent=catalog["root"])
    client.force_login(UserFactory(username="qt", role=Role.ADMIN))
    response = client.get("/thong-ke/chi-so-766/bao-cao.xlsx", YEAR_2026)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0].startswith("KẾT QUẢ BỘ CHỈ SỐ")
    assert rows[2][0] == "Kỳ báo cáo: từ 01/01/2026 đến 31/12/2026"
    assert rows[3][:3] == ["STT", "Đơn vị", "Tổng điểm (tối đa 100)"]
    assert rows[-1][1] == "Toàn tỉnh"
    assert {r[1] for r in rows[4:-1]} == {"Sở A", "UBND xã B"}
    assert all(isinstance(v, int | float) for v in rows[-1][2:9])
    assert len(rows[3]) == 3 + 6 + 2 * 13


@freeze_time("2026-04-15 10:00:00+07:00")
def test_the_stats_api_gives_each_groups_points(client, march, catalog):
    client.force_login(UserFactory(username="qt", role=Role.ADMIN))
    got = client.get(
        "/api/v1/stats/?date_from=2026-01-01&date_to=2026-12-31&group_by=agency&index=766"
    ).json()
    assert [r["key"] for r in got] == ["SA", "XB"]
    for row in got:
        points = row["index766"]
        assert set(points["groups"]) == {"1", "2", "3", "4", "5", "6"}
        assert round(sum(points["groups"].values()), 2) == points["points"]
    whole = client.get("/api/v1/stats/?date_from=2026-01-01&date_to=2026-12-31&index=766").json()
    assert whole[0]["index766"]["points"] <= 100
    bad = client.get("/api/v1/stats/?group_by=field&index=766")
    assert bad.status_code == 400 and "index" in bad.json()
    schema = client.get("/api/schema/").content.decode()
    assert "index766" in schema


@freeze_time("2026-04-15 10:00:00+07:00")
def test_the_page_makes_a_fixed_number_of_queries(client, march, catalog):
    """However many agencies and dossiers: the rollups by agency and by month, one grouped query per
    other source, the agencies once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(UserFactory(username="qt", role=Role.ADMIN))
    url, params = "/thong-ke/chi-so-766/", {**YEAR_2026, "group_by": "unit"}
    client.get(url, params)
    with CaptureQueriesContext(connection) as before:
        client.get(url, params)
    for n in range(5):
        AgencyFactory(code=f"XT{n}", name=f"UBND xã T{n}", parent=catalog["root"], level="commune")
    with CaptureQueriesContext(connection) as after:
        assert client.get(url, params).status_code == 200
    assert len(after) == len(before) <= 26

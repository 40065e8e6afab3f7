"""The manager dashboard, the dossiers behind a figure, the periodic report."""

import csv
import io
from datetime import date

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from accounts.models import Role
from tests.dashboards.conftest import make
from tests.factories import StaffFactory, UserFactory

MARCH = "date_from=2026-03-01&date_to=2026-03-31"
pytestmark = pytest.mark.usefixtures("march")


@pytest.fixture
def manager(client, march):
    client.force_login(StaffFactory(role=Role.MANAGER, agency=march["root"]))
    return client


@freeze_time("2026-04-15 10:00:00+07:00")
def test_dashboard_shows_figures_charts_and_links(manager, django_assert_max_num_queries):
    # 20 for the dossier figures, 8 for the service quality (ratings, 766, feedback, fees, queues)
    with django_assert_max_num_queries(28):
        response = manager.get(f"/thong-ke/?{MARCH}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html and "<table" in html
    assert "style=" not in html.split("<main", 1)[-1] and "onclick" not in html
    assert "Sở A" in html and "UBND xã B" not in html  # only the units under the manager
    assert "bucket=in_progress_overdue" in html
    assert "/thong-ke/bao-cao.xlsx?" in html
    whole = response.context["whole"]  # Sở A's dossiers only
    assert (whole.counts["resolved"], whole.counts["in_progress"], whole.figures["on_time_rate"]) == (
        3,
        3,
        66.67,
    )
    assert "66,67 %" in html


@freeze_time("2026-04-15 10:00:00+07:00")
def test_comparison_by_each_grouping(manager):
    for compare in ("level", "field", "procedure"):
        assert manager.get(f"/thong-ke/?{MARCH}&compare={compare}").status_code == 200


@freeze_time("2026-04-15 10:00:00+07:00")
def test_a_number_lists_its_dossiers_overdue_first(manager, march, django_assert_max_num_queries):
    make(march["proc"], received="2026-03-21", due="2026-03-30")
    with django_assert_max_num_queries(8):
        response = manager.get(f"/thong-ke/ho-so/?{MARCH}&bucket=in_progress")
    assert response.status_code == 200
    codes = [d.code for d in response.context["page"]]
    assert len(codes) == 4  # Sở A's: two open in March, one carried over, one resolved in April
    dues = [d.due_at for d in response.context["page"] if d.status == "processing"]
    assert dues == sorted(dues)
    assert response.context["page"][0].due_at.day == 27  # the overdue one on top


@freeze_time("2026-04-15 10:00:00+07:00")
def test_bad_bucket_or_date_is_a_clear_400(manager):
    assert manager.get(f"/thong-ke/ho-so/?{MARCH}&bucket=nope").status_code == 400
    response = manager.get("/thong-ke/?date_from=15/03/2026")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_citizens_cannot_open_the_dashboard(client):
    assert client.get("/thong-ke/").status_code == 302  # to the login page
    client.force_login(UserFactory(role=Role.CITIZEN))
    assert client.get("/thong-ke/").status_code == 403


@freeze_time("2026-04-15 10:00:00+07:00")
def test_periodic_report_csv_uses_the_decimal_comma(client, db):
    client.force_login(UserFactory(username="qt", role=Role.ADMIN))
    response = client.get(f"/thong-ke/bao-cao.csv?{MARCH}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mẫu số 06"
    total = rows[-1]
    assert total[1] == "Tổng cộng" and total[2] == "10"  # received: 8 in the period + 2 carried over
    on_time_rate = total[rows[1].index("Tỷ lệ đúng hạn (%)")]
    assert on_time_rate == "66,7"  # 4 of 6 resolved early or on time, one decimal, decimal comma


@freeze_time("2026-04-15 10:00:00+07:00")
def test_periodic_report_xlsx_is_laid_out_as_form_06(client, march):
    client.force_login(StaffFactory(role=Role.MANAGER, agency=march["root"], full_name="Trần Thị Lập"))
    response = client.get("/thong-ke/bao-cao.xlsx?date_from=2026-01-01&date_to=2026-03-31")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    text = {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value is not None}
    values = list(text.values())
    # the form number, the reporting and receiving units, the title and the period
    assert sheet["A1"].value == "Biểu số II.06a/VPCP/KSTT" and sheet["A1"].font.b
    assert f"Đơn vị báo cáo: {march['root'].name}" in values
    assert any(str(v).startswith("Đơn vị nhận báo cáo: ") for v in values)
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in values
    assert "Kỳ báo cáo: Quý I năm 2026" in values
    assert "(Từ ngày 01/01/2026 đến ngày 31/03/2026)" in values
    assert "Đơn vị tính: Số hồ sơ TTHC" in values
    # two header rows: groups merged over their columns, one-column groups over both rows
    (top,) = [c.row for c in sheet["A"] if c.value == "STT"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert f"A{top}:A{top + 1}" in merged and f"B{top}:B{top + 1}" in merged
    assert sheet.cell(top, 3).value == "Số hồ sơ nhận giải quyết" and f"C{top}:F{top}" in merged
    assert sheet.cell(top, 7).value == "Số hồ sơ đã giải quyết" and f"G{top}:J{top}" in merged
    assert sheet.cell(top, 11).value == "Số hồ sơ đang giải quyết" and f"K{top}:M{top}" in merged
    assert [sheet.cell(top + 1, c).value for c in (3, 4, 5, 6)] == [
        "Tổng số",
        "Mới tiếp nhận trực tuyến",
        "Mới tiếp nhận trực tiếp, dịch vụ bưu chính",
        "Từ kỳ trước chuyển sang",
    ]
    assert all(sheet.cell(top, c).font.b for c in (1, 2, 3, 7, 11)) and sheet.cell(top + 1, 4).font.b
    # the row numbering the columns
    numbers = [sheet.cell(top + 2, c).value for c in range(1, 14)]
    assert numbers[:3] == ["(1)", "(2)", "(3)=(4)+(5)+(6)"] and numbers[-1] == "(13)"
    # widths, number formats, bold totals
    assert sheet.column_dimensions["B"].width >= 30 and sheet.column_dimensions["C"].width >= 10
    (total,) = [c.row for c in sheet["B"] if c.value == "Tổng cộng"]
    figure = [sheet.cell(total, c).value for c in range(1, 20)]
    assert figure[2] == figure[3] + figure[4] + figure[5] == 6  # (3) = (4) + (5) + (6), Sở A's
    assert figure[2] == figure[6] + figure[10] + sum(figure[13:16])  # resolved, open, closed otherwise
    assert sheet.cell(total, 3).number_format == "#,##0"
    assert all(sheet.cell(total, c).font.b for c in range(2, 14))
    assert not sheet.cell(top + 3, 3).font.b
    rate = sheet.cell(total, sheet.max_column - 1)
    assert isinstance(rate.value, float) and rate.number_format == "0.0"
    # print set-up: A4 landscape, one page wide, the header repeated on each page
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert sheet.print_title_rows == f"${top}:${top + 2}"
    # the signatures: the preparer (named) and the head of the unit
    below = [v for k, v in text.items() if sheet[k].row > total]
    assert "NGƯỜI LẬP BIỂU" in below and "THỦ TRƯỞNG ĐƠN VỊ" in below and "Trần Thị Lập" in below
    assert "……, ngày 15 tháng 04 năm 2026" in below


@freeze_time("2026-04-15 10:00:00+07:00")
def test_public_results_mask_names(client, march, django_assert_max_num_queries):
    from dossiers.models import Dossier

    Dossier.objects.update(applicant_name="Nguyễn Văn An")
    with django_assert_max_num_queries(8):
        response = client.get(f"/thong-ke/cong-khai/?{MARCH}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn An" not in html and "N***** V** A*" in html
    assert "66.67" in html or "66,67" in html  # Sở A's on-time rate
    assert len(response.context["page"]) == 3


@freeze_time("2026-04-15 10:00:00+07:00")
def test_dashboard_shows_service_quality_of_the_managers_units(manager, march):
    from django.utils import timezone

    from surveys.figures import rebuild_rating_days
    from surveys.models import Rating, RatingChannel, Score

    with freeze_time("2026-03-10 09:00:00+07:00"):
        Rating.objects.create(
            score=Score.SATISFIED,
            channel=RatingChannel.PAPER,
            agency=march["agency"],
            created_at=timezone.now(),
        )
        Rating.objects.create(
            score=Score.UNSATISFIED,
            channel=RatingChannel.PAPER,
            agency=march["agency"],
            created_at=timezone.now(),
        )
        Rating.objects.create(score=Score.UNSATISFIED, channel=RatingChannel.PAPER, created_at=timezone.now())
    rebuild_rating_days()  # rows made outside the rating services, which count them as they go
    response = manager.get(f"/thong-ke/?{MARCH}")
    quality = response.context["quality"]
    assert (quality.ratings["rated"], quality.ratings["satisfaction_rate"]) == (2, 50.0)
    assert quality.fees["count"] == 0 and quality.online_payment_rate is None
    assert quality.satisfaction_766["dossiers"] >= 1
    html = response.content.decode()
    assert "Chất lượng phục vụ" in html and "50,0 %" in html and "2 lượt đánh giá" in html


@freeze_time("2026-04-15 10:00:00+07:00")
def test_every_list_of_a_period_to_today_has_as_many_dossiers_as_its_figure(march):
    """Up to today the in-progress lists also use the open statuses (an index): same answers."""
    from datetime import datetime, time

    from django.utils import timezone

    from dashboards import figures, rollup
    from dashboards.query import StatsQuery
    from dashboards.selectors import dossiers_behind
    from dossiers.models import Dossier

    early = make(march["proc"], received="2026-04-14", due="2026-04-15")  # due today, before now
    make(march["proc"], received="2026-04-14", due="2026-04-15")  # due today at 17:00, after now
    eight = timezone.make_aware(datetime.combine(date(2026, 4, 15), time(8)))
    Dossier.objects.filter(pk=early.pk).update(due_at=eight)
    rollup.rebuild()
    query = StatsQuery(
        date_from=date(2026, 3, 1), date_to=date(2026, 4, 15), group_by=None, filters=figures.Filters()
    )
    (whole,) = figures.compute(date_from=query.date_from, date_to=query.date_to)
    for bucket in figures.COUNTS:
        assert dossiers_behind(query, bucket).count() == whole.counts[bucket], bucket
    assert whole.counts["in_progress_overdue"] >= 2

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
    assert "66,7\u00a0%" in html


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
def test_periodic_report_csv_and_xlsx(client, db):
    client.force_login(UserFactory(username="qt", role=Role.ADMIN))
    response = client.get(f"/thong-ke/bao-cao.csv?{MARCH}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mẫu số 06"
    total = rows[-1]
    assert total[1] == "Tổng cộng" and total[2] == "10"  # received: 8 in the period + 2 carried over
    response = client.get(f"/thong-ke/bao-cao.xlsx?{MARCH}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[-1][1] == "Tổng cộng" and values[-1][2] == 10


@freeze_time("2026-04-15 10:00:00+07:00")
def test_public_results_mask_names(client, march, django_assert_max_num_queries):
    from dossiers.models import Dossier

    Dossier.objects.update(applicant_name="Nguyễn Văn An")
    with django_assert_max_num_queries(8):
        response = client.get(f"/thong-ke/cong-khai/?{MARCH}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn An" not in html and "N***** V** A*" in html
    assert "66,7\u00a0%" in html  # Sở A's on-time rate
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
    assert "Chất lượng phục vụ" in html and "50,0\u00a0%" in html and "2 lượt đánh giá" in html


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

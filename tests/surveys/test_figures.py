from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import Role
from dashboards import rollup
from dashboards.figures import compute
from surveys import figures, services
from surveys.models import Score, Subject
from tests.factories import ReturnedDossierFactory, StaffFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
START = datetime(2026, 11, 1, tzinfo=TZ)
END = datetime(2026, 12, 1, tzinfo=TZ)
IN = datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


def _rate(dossier, score, reasons=()):
    with freeze_time(IN):  # the service counts it on its day and in its month
        return services.rating_by_link(dossier=dossier, score=score, reasons=list(reasons))


def test_rating_counts_and_rate(returned, department, reason, clerk):
    second = ReturnedDossierFactory(
        procedure=returned.procedure, intake_office=returned.intake_office, received_by=clerk
    )
    third = ReturnedDossierFactory(procedure=returned.procedure, intake_office=returned.intake_office)
    _rate(returned, Score.VERY_SATISFIED)
    _rate(second, Score.SATISFIED)
    _rate(third, Score.UNSATISFIED, [reason])
    totals = figures.rating_totals(START, END)
    assert totals == {
        "very_satisfied": 1,
        "satisfied": 1,
        "unsatisfied": 1,
        "rated": 3,
        "satisfaction_rate": 66.7,
    }
    by_clerk = {row["key"]: row for row in figures.ratings_by("clerk", START, END)}
    assert by_clerk[clerk.pk]["rated"] == 2 and by_clerk[clerk.pk]["satisfaction_rate"] == 100.0
    by_agency = figures.ratings_by("agency", START, END)
    assert by_agency[0]["key"] == department.pk and by_agency[0]["rated"] == 3
    assert figures.ratings_by("procedure", START, END)[0]["rated"] == 3
    assert figures.ratings_by_period(START, END)[0]["rated"] == 3
    assert figures.rating_totals(END, END + timedelta(days=30))["satisfaction_rate"] is None


def test_ratings_by_counter(counter):
    rating = services.rating_at_kiosk(counter=counter, score=Score.SATISFIED)
    rating.created_at = IN
    rating.save(update_fields=["created_at"])
    assert figures.ratings_by("counter", START, END) == [
        {
            "key": counter.pk,
            "very_satisfied": 0,
            "satisfied": 1,
            "unsatisfied": 0,
            "rated": 1,
            "satisfaction_rate": 100.0,
        }
    ]


def test_satisfaction_indicator_766(returned, reason):
    due = IN + timedelta(days=2)
    good = ReturnedDossierFactory(result_ready_at=IN, due_at=due)
    late = ReturnedDossierFactory(result_ready_at=IN + timedelta(days=5), due_at=due)
    unhappy = ReturnedDossierFactory(result_ready_at=IN, due_at=due)
    complained = ReturnedDossierFactory(result_ready_at=IN, due_at=due)
    ReturnedDossierFactory(result_ready_at=END + timedelta(days=1), due_at=due)  # outside the period
    rollup.rebuild()  # the factories bypass the services; from here on the services keep it
    _rate(unhappy, Score.UNSATISFIED, [reason])
    _rate(good, Score.SATISFIED)
    services.feedback_submit(
        actor=None,
        subject=Subject.DOSSIER,
        dossier_code=complained.code,
        title="T",
        content="N",
        name="A",
        phone="09",
    )
    result = figures.satisfaction_indicator(START, END)
    assert result == {
        "dossiers": 4,
        "satisfied": 1,
        "rate": 25.0,
        "unsatisfied": 1,
        "complained": 1,
        "late": 1,
    }
    assert late.pk  # counted as late only
    # the dashboards read the same index from the statistics' rollup, kept by the rating services
    (whole,) = compute(date_from=START.date(), date_to=(END - timedelta(days=1)).date())
    assert (whole.counts["satisfaction_base"], whole.counts["satisfaction_good"]) == (4, 1)
    assert whole.figures["satisfaction_rate"] == 25.0
    assert rollup.rebuild() and compute(date_from=START.date(), date_to=(END - timedelta(days=1)).date()) == [
        whole
    ]


def test_feedback_figures(clerk):
    def send(at):
        item = services.feedback_submit(
            actor=None, subject=Subject.CENTER, title="T", content="N", name="A", phone="09"
        )
        item.received_at, item.due_at = at, at + timedelta(days=3)
        item.save(update_fields=["received_at", "due_at"])
        return item

    on_time, late, open_ok, open_late, rejected = (send(IN) for _ in range(5))
    for item, answered in ((on_time, IN + timedelta(days=1)), (late, IN + timedelta(days=6))):
        item = services.feedback_answer(actor=clerk, feedback=item, answer="Đã trả lời")
        item.answered_at = answered
        item.save(update_fields=["answered_at"])
    open_ok.due_at = IN + timedelta(days=60)
    open_ok.save(update_fields=["due_at"])
    services.feedback_reject(actor=clerk, feedback=rejected, reason="Trùng")
    result = figures.feedback_figures(START, END, now=IN + timedelta(days=10))
    assert result == {
        "received": 5,
        "answered_on_time": 1,
        "answered_late": 1,
        "open": 2,
        "open_overdue": 1,
        "rejected": 1,
    }
    assert open_late.pk


def test_figures_page(client, returned, department, django_assert_max_num_queries):
    _rate(returned, Score.SATISFIED)
    manager = StaffFactory(role=Role.MANAGER, agency=department.parent)
    client.force_login(manager)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("surveys:figures"), {"start": "2026-11-01", "end": "2026-11-30"})
    assert response.context["ratings"]["satisfied"] == 1
    assert "100,0\u00a0%" in response.content.decode()
    # any whole days: the rating of 10 November in them or not
    for start, end, rated in (
        ("2026-10-15", "2026-11-10", 1),
        ("2026-11-10", "2026-11-10", 1),
        ("2026-11-11", "2027-01-31", 0),
    ):
        response = client.get(reverse("surveys:figures"), {"start": start, "end": end})
        assert response.context["ratings"]["rated"] == rated, (start, end)


def test_figures_page_refused_to_citizens(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("surveys:figures")).status_code == 403


def test_the_daily_counts_of_ratings_follow_every_rating_service(returned, reason, clerk):
    """Ratings through the services (link, kiosk-less paper forms) are counted by day as they come;
    the counts equal the ratings themselves and a rebuild from them."""
    from surveys.figures import rating_totals_by_day, rebuild_rating_days
    from surveys.models import RatingDay
    from surveys.services import PaperRow, ratings_enter_paper

    day = timezone.localdate()
    services.rating_by_link(dossier=returned, score=Score.UNSATISFIED, reasons=[reason])
    ratings_enter_paper(
        actor=clerk, rows=[PaperRow(score=Score.VERY_SATISFIED), PaperRow(score=Score.SATISFIED)]
    )
    start = datetime.combine(day, datetime.min.time(), tzinfo=TZ)
    whole = figures.rating_totals(start, start + timedelta(days=1))
    assert whole["rated"] == 3
    assert rating_totals_by_day(day, day) == whole
    for scope in ([returned.resolving_agency_id], [clerk.agency_id]):
        assert rating_totals_by_day(day, day, scope) == figures.rating_totals(
            start, start + timedelta(days=1), scope
        )
    kept = sorted(RatingDay.objects.values_list("day", "agency_pk", "office_pk", "score", "n"))
    rebuild_rating_days()
    assert sorted(RatingDay.objects.values_list("day", "agency_pk", "office_pk", "score", "n")) == kept

"""The satisfaction totals of whole days read from the monthly and daily counts (``RatingMonth``,
``RatingDay``): the same numbers as counting the ratings, for any period and scope."""

import importlib
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import Role
from surveys import figures, services
from surveys.models import Rating, RatingChannel, RatingDay, RatingMonth, Score
from tests.factories import AgencyFactory, ReturnedDossierFactory, StaffFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()

# When the ratings come in (local time): the turn of a year near midnight, month ends and starts.
MOMENTS = [
    "2025-11-20 10:00",
    "2025-12-08 08:00",
    "2025-12-31 23:30",
    "2026-01-01 00:10",
    "2026-01-15 09:00",
    "2026-02-28 16:00",
    "2026-03-01 07:30",
    "2026-03-31 23:59",
    "2026-06-10 10:00",
    "2026-11-30 15:00",
    "2026-12-01 08:00",
    "2026-12-07 11:00",
]

PERIODS = {
    "a year with two edges": (date(2025, 12, 8), date(2026, 12, 7)),
    "whole months only": (date(2026, 1, 1), date(2026, 3, 31)),
    "one whole month": (date(2026, 2, 1), date(2026, 2, 28)),
    "inside one month": (date(2026, 3, 2), date(2026, 3, 30)),
    "inside one month, at its start": (date(2026, 1, 1), date(2026, 1, 15)),
    "one day": (date(2026, 3, 31), date(2026, 3, 31)),
    "the first day of a year": (date(2026, 1, 1), date(2026, 1, 1)),
    "across a year boundary": (date(2025, 12, 31), date(2026, 1, 1)),
    "edges and one month across a year": (date(2025, 11, 20), date(2026, 1, 15)),
    "no rating": (date(2024, 1, 1), date(2024, 12, 31)),
    "an inverted period": (date(2026, 3, 31), date(2026, 1, 1)),
}


COMMENT = "Chờ lâu"  # an unsatisfied rating needs a reason or a comment


def _row(score: int) -> services.PaperRow:
    return services.PaperRow(score=score, comment=COMMENT)


@pytest.fixture
def rated(returned, department, center, clerk):
    """Ratings through the services at every moment: by link on a dossier (resolving agency
    ``department``, office ``center``), on paper by the center's clerk, and on paper in another
    office."""
    elsewhere = AgencyFactory(code="UBNDX", name="UBND xã")
    other_clerk = StaffFactory(role=Role.CLERK, agency=elsewhere)
    scores = [Score.VERY_SATISFIED, Score.SATISFIED, Score.UNSATISFIED]
    for number, moment in enumerate(MOMENTS):
        with freeze_time(datetime.fromisoformat(moment).replace(tzinfo=TZ)):
            dossier = (
                returned
                if number == 0
                else ReturnedDossierFactory(
                    procedure=returned.procedure, intake_office=center, received_by=clerk
                )
            )
            services.rating_by_link(dossier=dossier, score=scores[number % 3], comment=COMMENT)
            services.ratings_enter_paper(
                actor=clerk,
                rows=[
                    _row(scores[(number + 1) % 3]),
                    _row(Score.SATISFIED),
                ],
            )
            services.ratings_enter_paper(actor=other_clerk, rows=[_row(scores[number % 2])])
    return {"department": department, "center": center, "elsewhere": elsewhere}


def _counted(lo: date, hi: date, scope=None) -> dict:
    """``rating_totals`` of the days ``lo``..``hi``: the ratings themselves counted."""
    start = datetime.combine(lo, time.min, tzinfo=TZ)
    return figures.rating_totals(start, datetime.combine(hi + timedelta(days=1), time.min, tzinfo=TZ), scope)


def _scopes(rated) -> list:
    a, c, e = (rated[key].pk for key in ("department", "center", "elsewhere"))
    return [None, [a], [c], [e], [a, e], []]


def _assert_every_period_and_scope(rated) -> None:
    for name, (lo, hi) in PERIODS.items():
        for scope in _scopes(rated):
            assert figures.rating_totals_by_day(lo, hi, scope) == _counted(lo, hi, scope), (name, scope)


def _months_of_days() -> Counter:
    sums = Counter()
    for day, agency, office, score, n in RatingDay.objects.values_list(
        "day", "agency_pk", "office_pk", "score", "n"
    ):
        sums[(day.replace(day=1), agency, office, score)] += n
    return sums


def _months() -> Counter:
    rows = RatingMonth.objects.values_list("month", "agency_pk", "office_pk", "score", "n")
    return Counter({(month, agency, office, score): n for month, agency, office, score, n in rows})


def test_totals_from_months_and_edge_days_equal_the_ratings_counted(rated):
    assert Rating.objects.count() == 4 * len(MOMENTS)
    year = _counted(*PERIODS["a year with two edges"])
    assert year["rated"] == 4 * (len(MOMENTS) - 1)  # all but November 2025
    _assert_every_period_and_scope(rated)


def test_the_monthly_counts_are_the_sums_of_the_daily_counts(rated):
    months = _months()
    assert months == _months_of_days()
    assert sum(months.values()) == Rating.objects.count()
    # the rating at 00:10 on 1 January is January's (local time), the one at 23:30 the day before December's
    assert months[(date(2026, 1, 1), 0, rated["center"].pk, Score.SATISFIED)] >= 1
    assert RatingDay.objects.filter(day=date(2025, 12, 31)).exists()


def test_a_new_rating_through_a_service_is_counted_in_its_month(rated, clerk):
    lo, hi = PERIODS["a year with two edges"]
    before = figures.rating_totals_by_day(lo, hi)
    with freeze_time(datetime(2026, 6, 20, 9, 0, tzinfo=TZ)):  # a whole month of the year
        services.ratings_enter_paper(actor=clerk, rows=[_row(Score.UNSATISFIED)])
    after = figures.rating_totals_by_day(lo, hi)
    assert after["unsatisfied"] == before["unsatisfied"] + 1
    assert after == _counted(lo, hi)
    assert _months() == _months_of_days()
    _assert_every_period_and_scope(rated)


def test_the_rebuild_makes_the_same_counts_and_counts_bulk_ratings(rated):
    days = sorted(RatingDay.objects.values_list("day", "agency_pk", "office_pk", "score", "n"))
    months = _months()
    assert figures.rebuild_rating_days() == len(days)
    assert sorted(RatingDay.objects.values_list("day", "agency_pk", "office_pk", "score", "n")) == days
    assert _months() == months
    # ratings written without the services (a bulk import) are counted by the rebuild
    Rating.objects.create(
        score=Score.VERY_SATISFIED,
        channel=RatingChannel.PAPER,
        agency=rated["department"],
        created_at=datetime(2026, 4, 30, 23, 45, tzinfo=TZ),
    )
    figures.rebuild_rating_days()
    assert _months() == _months_of_days()
    assert _months()[(date(2026, 4, 1), rated["department"].pk, 0, Score.VERY_SATISFIED)] == 1
    _assert_every_period_and_scope(rated)


def test_the_migration_fills_the_months_from_the_days_already_counted(rated):
    from django.apps import apps

    months = _months()
    RatingMonth.objects.all().delete()
    migration = importlib.import_module("surveys.migrations.0007_rating_months")
    migration.sum_existing_days(apps, None)
    assert _months() == months

import pytest

from accounts.models import Role
from surveys.demo import seed_demo_kiosks, seed_demo_surveys
from surveys.models import Feedback, FeedbackStatus, Rating, RatingKiosk
from tests.factories import ReturnedDossierFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_demo_rates_returned_dossiers_and_publishes_one_feedback_once(returned, clerk):
    assert seed_demo_surveys() == (1, 3)
    assert Rating.objects.get().dossier == returned
    assert Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).count() == 1
    assert seed_demo_surveys() == (0, 0)
    assert Rating.objects.count() == 1 and Feedback.objects.count() == 3


def test_demo_gives_each_counter_a_kiosk_address_once(counter):
    StaffFactory(role=Role.ADMIN, agency=None)
    assert seed_demo_kiosks() == 1
    assert RatingKiosk.objects.get().counter == counter
    assert seed_demo_kiosks() == 0


def test_demo_rates_a_third_of_the_bulk_history_in_sql(monkeypatch, center, department, clerk):
    import surveys.demo

    monkeypatch.setattr(surveys.demo, "SERVICE_RATINGS", 0)
    made = [ReturnedDossierFactory(intake_office=center, procedure__agency=department) for _ in range(9)]
    ratings, _feedback = seed_demo_surveys()
    rated = {d.pk for d in made if d.pk % 3 == 0}
    assert ratings == len(rated) == Rating.objects.count()
    for rating in Rating.objects.all():
        assert rating.dossier_id in rated and rating.channel == "link"
        assert rating.agency_id == department.pk and rating.office_id == center.pk
        assert rating.score == (
            1 if rating.dossier_id % 7 == 6 else 3 if rating.dossier_id % 7 in (0, 2, 4) else 2
        )
        assert (rating.reasons.count() == 1) == (rating.score == 1)
    assert seed_demo_surveys()[0] == 0

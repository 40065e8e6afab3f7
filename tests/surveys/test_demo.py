import pytest

from accounts.models import Role
from surveys.demo import seed_demo_kiosks, seed_demo_surveys
from surveys.models import Feedback, FeedbackStatus, Rating, RatingKiosk
from tests.factories import StaffFactory

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

import pytest

from surveys.demo import seed_demo_surveys
from surveys.models import Feedback, FeedbackStatus, Rating

pytestmark = pytest.mark.django_db


def test_demo_rates_returned_dossiers_and_publishes_one_feedback_once(returned, clerk):
    assert seed_demo_surveys() == (1, 3)
    assert Rating.objects.get().dossier == returned
    assert Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).count() == 1
    assert seed_demo_surveys() == (0, 0)
    assert Rating.objects.count() == 1 and Feedback.objects.count() == 3

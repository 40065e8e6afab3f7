"""The demo center has a queue: services by field, counters, a policy; seeding twice adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from counters import services
from counters.models import Counter, QueuePolicy, Service

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_the_centers_queue_once(client):
    call_command("seed_demo", stdout=StringIO())
    made = (Service.objects.count(), Counter.objects.count(), QueuePolicy.objects.count())
    assert made == (4, 5, 1)
    call_command("seed_demo", stdout=StringIO())
    assert (Service.objects.count(), Counter.objects.count(), QueuePolicy.objects.count()) == made

    civil = Service.objects.get(letter="A")
    assert set(civil.fields.values_list("code", flat=True)) >= {"HT", "CT"}
    assert set(Counter.objects.get(number=5).services.values_list("letter", flat=True)) == {
        "A",
        "B",
        "C",
        "D",
    }
    assert client.get(reverse("counters:kiosk", args=["TTPVHCC"])).status_code == 200

    clerk = User.objects.get(username="motcua")
    services.counter_open(actor=clerk, counter=Counter.objects.get(number=1))
    ticket = services.ticket_take(service=civil)
    assert services.ticket_call_next(actor=clerk, counter=Counter.objects.get(number=1)) == ticket

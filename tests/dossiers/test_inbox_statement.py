"""The inbox's one statement (``dossiers.inbox``) gives the counts and rows the ORM reads of
``selectors.inbox`` gave: every filter, a dossier whose clock is paused, paging past the end."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.urls import reverse
from freezegun import freeze_time

from dossiers import selectors, services
from dossiers.inbox import FILTERS, ROW_KEYS, inbox_page
from dossiers.models import StepStatus
from dossiers.services import Intake
from dossiers.workflow import CLOCK_PAUSED
from procedures.models import CalendarDay, CalendarDayKind
from tests.factories import applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


def receive(world, procedure=None):
    procedure = procedure or world.procedure
    intake = Intake(
        applicant=applicant(), documents={d.id: (d.originals, d.copies) for d in procedure.documents.all()}
    )
    return services.dossier_receive(actor=world.clerk, procedure=procedure, intake=intake)


def orm_page(user, current, number, now, per_page):
    """What the page read before: the ORM over ``selectors.inbox``."""
    base = selectors.inbox(user)
    conditions = {
        "all": Q(),
        "mine": Q(claimed_by=user),
        "unclaimed": Q(status=StepStatus.ACTIVE),
        "overdue": Q(due_at__lt=now) & ~Q(dossier__status__in=CLOCK_PAUSED),
    }
    counts = base.order_by().aggregate(**{name: Count("pk", filter=c) for name, c in conditions.items()})
    page = Paginator(base.filter(conditions[current]).values(*ROW_KEYS), per_page).get_page(number)
    return counts, page


@pytest.fixture
def inbox_world(world):
    """Steps at the legal office (reviewer A's): unclaimed, claimed by A and by B, overdue ones,
    one whose dossier waits for a supplement and one waiting for a payment (clock paused)."""
    with freeze_time(at(7, 8)):
        dossiers = [receive(world) for _ in range(7)] + [receive(world, world.single) for _ in range(2)]
        services.step_claim(actor=world.reviewer_a, step=dossiers[0].steps.get(order=1))
        services.step_claim(actor=world.reviewer_a, step=dossiers[1].steps.get(order=1))
        step = dossiers[2].steps.get(order=1)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.dossier_request_supplement(actor=world.reviewer_a, step=step, items=["Bản sao"])
        step = dossiers[3].steps.get(order=1)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.dossier_request_payment(
            actor=world.reviewer_a, step=step, amount=1000, notice_number="1", issuing_authority="Thuế"
        )
    with freeze_time(at(8, 15)):
        dossiers += [receive(world) for _ in range(3)]
    return world


@pytest.mark.parametrize("current", FILTERS)
@pytest.mark.parametrize("number", [None, "1", "2", "3", "0", "-1", "99", "x", "2.0"])
def test_the_statement_reads_what_the_orm_read(inbox_world, current, number):
    now = at(10, 9)  # Thursday: the dossiers of Monday morning are overdue, not those of Tuesday
    user = inbox_world.reviewer_a
    with freeze_time(now):
        counts, page = orm_page(user, current, number, now, per_page=2)
        found = inbox_page(user, current, number, now=now, per_page=2)
    assert found.counts == counts
    assert counts["overdue"] and counts["mine"] and counts["unclaimed"]  # the data covers them
    assert (found.page.number, found.page.paginator.num_pages) == (page.number, page.paginator.num_pages)
    assert list(found.page.object_list) == list(page.object_list)


def test_the_page_counts_paused_overdue_steps_out(inbox_world, client):
    """Two of the overdue steps belong to dossiers whose clock is paused: the overdue filter
    neither counts nor lists them (they are marked paused in the other lists)."""
    client.force_login(inbox_world.reviewer_a)
    with freeze_time(at(10, 9)):
        everything = client.get(reverse("dossiers:inbox")).content.decode()
        overdue = client.get(reverse("dossiers:inbox"), {"filter": "overdue"}).content.decode()
    assert everything.count('data-urgency="paused"') == 1
    assert everything.count('data-urgency="paused_payment"') == 1
    assert 'data-urgency="paused' not in overdue
    assert overdue.count('data-urgency="overdue"') == 5  # seven of Monday's, two paused


def _urgency_of(client, code) -> str:
    page = client.get(reverse("dossiers:inbox")).content.decode()
    row = page[: page.index(f">{code}</a>")]
    return row[row.rindex('data-urgency="') :].split('"')[1]


def test_the_inbox_shows_a_calendar_change_at_its_next_request(world, client):
    """The work calendar is kept by the process while no calendar day changed
    (``workdays.calendar_for``). Due Monday 08:00, seen on Thursday 09:00: "ok" (due soon means
    within one working day, Friday 09:00); with Friday a day off, due soon; the day off removed,
    "ok" again."""
    with freeze_time(datetime(2026, 12, 9, 8, tzinfo=VN)):  # Wednesday: 3 working days
        intake = Intake(
            applicant=applicant(),
            documents={d.id: (d.originals, d.copies) for d in world.procedure.documents.all()},
        )
        dossier = services.dossier_receive(actor=world.clerk, procedure=world.procedure, intake=intake)
    client.force_login(world.reviewer_a)
    with freeze_time(datetime(2026, 12, 10, 9, tzinfo=VN)):
        assert _urgency_of(client, dossier.code) == "ok"
        assert _urgency_of(client, dossier.code) == "ok"  # the kept calendar
        day = CalendarDay.objects.create(
            date=date(2026, 12, 11), kind=CalendarDayKind.DAY_OFF, name="Nghỉ bù"
        )
        assert _urgency_of(client, dossier.code) == "due_soon"
        day.delete()
        assert _urgency_of(client, dossier.code) == "ok"

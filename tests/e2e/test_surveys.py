"""Ratings and feedback in a real browser.

A citizen follows the rating link sent after the result was returned, picks "Không hài lòng",
is asked for a reason, ticks one and sends; the page then shows the rating given. At the counter
kiosk, a tap rates the clerk sitting there and the page resets itself for the next citizen.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from surveys.models import Rating, Reason, Score
from tests.factories import CounterFactory, ReturnedDossierFactory

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest skips these tests, with the reason (and fails them in CI)
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(read):
    """Read the database off the test's thread: Playwright's loop makes it "async" (conftest)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(read).result()


@pytest.fixture
def rated_world(world):
    reason = Reason.objects.create(text="Thời gian chờ đợi lâu")
    dossier = ReturnedDossierFactory(
        procedure=world.single,
        intake_office=world.center,
        applicant_user=world.citizen,
        received_by=world.clerk,
    )
    return world, dossier, reason


def test_rate_by_link_with_an_unsatisfied_reason(rated_world, open_page):
    world, dossier, reason = rated_world
    page = open_page("citizen")
    page.goto(f"/danh-gia/{dossier.tracking_token}/")
    expect(page.get_by_role("heading", level=1, name="Đánh giá mức độ hài lòng")).to_be_visible()
    page.get_by_text("Không hài lòng", exact=True).click()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("alert")).to_contain_text("lý do không hài lòng")
    page.get_by_label("Thời gian chờ đợi lâu").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Hồ sơ này đã được đánh giá")).to_be_visible()
    score, reasons = in_thread(lambda: (Rating.objects.get().score, list(Rating.objects.get().reasons.all())))
    assert score == Score.UNSATISFIED and reasons == [reason]


@pytest.fixture
def counter(world, settings):
    from counters.services import counter_open

    settings.SURVEYS_KIOSK_RESET_SECONDS = 1
    return counter_open(actor=world.clerk, counter=CounterFactory(office=world.center, number=7))


@pytest.fixture
def kiosk_address(world, counter):
    """The tablet's secret address, as the center's manager issues it."""
    from surveys.services import kiosk_issue

    return f"/danh-gia/quay/{kiosk_issue(actor=world.manager, counter=counter).token}/"


def test_kiosk_thanks_and_resets(world, kiosk_address, open_page):
    page = open_page("kiosk")
    page.goto(kiosk_address)
    page.get_by_text("Rất hài lòng", exact=True).click()
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Cảm ơn bạn đã đánh giá!")).to_be_visible()
    # the page goes back to a fresh form by itself
    expect(page.get_by_role("button", name="Gửi đánh giá")).to_be_visible(timeout=5_000)
    assert in_thread(lambda: Rating.objects.get().clerk_id) == world.clerk.pk

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role
from surveys import services
from surveys.models import Rating, RatingChannel, RatingKiosk, Score
from tests.factories import ReturnedDossierFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- services ------------------------------------------------------------------------------------


def test_link_rating_stores_the_dossier_facts(returned, clerk):
    rating = services.rating_by_link(dossier=returned, score=Score.VERY_SATISFIED)
    assert rating.channel == RatingChannel.LINK
    assert rating.clerk == clerk
    assert rating.agency == returned.resolving_agency
    assert rating.office == returned.intake_office
    assert rating.procedure == returned.procedure


def test_a_dossier_is_rated_once(returned):
    services.rating_by_link(dossier=returned, score=Score.SATISFIED)
    with pytest.raises(services.SurveyError, match="đã được đánh giá"):
        services.rating_online(actor=returned.applicant_user, dossier=returned, score=Score.SATISFIED)
    assert Rating.objects.count() == 1


def test_a_dossier_not_returned_cannot_be_rated(citizen):
    dossier = ReturnedDossierFactory(applicant_user=citizen, status="processing")
    with pytest.raises(services.SurveyError, match="chưa được trả kết quả"):
        services.rating_by_link(dossier=dossier, score=Score.SATISFIED)
    assert not Rating.objects.exists()


def test_unsatisfied_needs_a_reason(returned, reason):
    with pytest.raises(services.SurveyError, match="lý do"):
        services.rating_by_link(dossier=returned, score=Score.UNSATISFIED)
    rating = services.rating_by_link(dossier=returned, score=Score.UNSATISFIED, reasons=[reason])
    assert list(rating.reasons.all()) == [reason]


def test_only_the_applicant_rates_online(returned):
    stranger = UserFactory()
    with pytest.raises(services.SurveyError):
        services.rating_online(actor=stranger, dossier=returned, score=Score.SATISFIED)


def test_kiosk_rates_the_clerk_sitting_at_the_counter(counter, clerk):
    from counters.services import counter_close

    rating = services.rating_at_kiosk(counter=counter, score=Score.SATISFIED)
    assert (rating.clerk, rating.counter, rating.office) == (clerk, counter, counter.office)
    assert rating.dossier is None
    counter_close(actor=clerk, counter=counter)
    with pytest.raises(services.SurveyError, match="chưa có cán bộ"):
        services.rating_at_kiosk(counter=counter, score=Score.SATISFIED)


def test_paper_batch_is_all_or_nothing(returned, clerk, reason):
    rows = [
        services.PaperRow(score=Score.SATISFIED),
        services.PaperRow(score=Score.VERY_SATISFIED, dossier_code=returned.code),
        services.PaperRow(score=Score.SATISFIED, dossier_code="KHONG-CO"),
    ]
    with pytest.raises(services.SurveyError, match="Phiếu thứ 3: Không tìm thấy hồ sơ mã KHONG-CO"):
        services.ratings_enter_paper(actor=clerk, rows=rows)
    assert not Rating.objects.exists()
    made = services.ratings_enter_paper(actor=clerk, rows=rows[:2])
    assert [r.channel for r in made] == [RatingChannel.PAPER] * 2
    assert made[0].entered_by == clerk and made[0].office == clerk.agency
    assert made[1].dossier == returned


def test_paper_batch_refused_to_citizens(citizen):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ratings_enter_paper(actor=citizen, rows=[services.PaperRow(score=Score.SATISFIED)])


# --- pages ---------------------------------------------------------------------------------------


def test_link_page_rates_without_login(client, returned, reason):
    url = reverse("surveys:rate_dossier", kwargs={"token": returned.tracking_token})
    assert url == f"/danh-gia/{returned.tracking_token}/"
    page = client.get(url)
    assert page.status_code == 200 and "Gửi đánh giá" in page.content.decode()
    refused = client.post(url, {"score": Score.UNSATISFIED})
    assert "lý do không hài lòng" in refused.content.decode()
    assert not Rating.objects.exists()
    done = client.post(
        url, {"score": Score.UNSATISFIED, "reasons": [reason.pk], "comment": "Chờ lâu"}, follow=True
    )
    assert "đã được đánh giá" in done.content.decode()
    rating = Rating.objects.get()
    assert rating.channel == RatingChannel.LINK and rating.comment == "Chờ lâu"
    # a second post changes nothing
    client.post(url, {"score": Score.VERY_SATISFIED})
    assert Rating.objects.get().score == Score.UNSATISFIED


def test_link_page_unknown_token_is_404(client):
    assert client.get("/danh-gia/khong-co-ma-nay/").status_code == 404


def test_link_page_is_rate_limited(client, returned, settings):
    from django.core.cache import cache

    cache.clear()
    url = reverse("surveys:rate_dossier", kwargs={"token": returned.tracking_token})
    codes = [client.get(url).status_code for _ in range(21)]
    assert codes[-1] == 429
    cache.clear()


def test_citizen_rates_from_own_dossier_page(client, returned, citizen):
    client.force_login(citizen)
    page = client.get(reverse("dossiers:my_dossiers"))
    assert reverse("surveys:rate_own", args=[returned.code]) in page.content.decode()
    client.post(reverse("surveys:rate_own", args=[returned.code]), {"score": Score.VERY_SATISFIED})
    assert Rating.objects.get().channel == RatingChannel.ONLINE
    page = client.get(reverse("dossiers:my_dossiers"))
    assert "Bạn đã đánh giá" in page.content.decode()


def test_other_citizen_gets_404_on_rate_own(client, returned):
    other = UserFactory()
    client.force_login(other)
    response = client.post(reverse("surveys:rate_own", args=[returned.code]), {"score": Score.SATISFIED})
    assert response.status_code == 404


@pytest.fixture
def manager(center):
    return StaffFactory(role=Role.MANAGER, agency=center)


def test_kiosk_page_rates_and_thanks(client, counter, clerk, manager):
    kiosk = services.kiosk_issue(actor=manager, counter=counter)
    url = reverse("surveys:kiosk", args=[kiosk.token])
    page = client.get(url)
    assert clerk.display_name in page.content.decode()
    assert "js/surveys/kiosk.js" in page.content.decode()
    response = client.post(url, {"score": Score.VERY_SATISFIED})
    assert response.status_code == 302 and response["Location"].endswith("?cam-on=1")
    assert Rating.objects.get().clerk == clerk
    assert "data-kiosk-thanks" in client.get(response["Location"]).content.decode()


def test_a_counter_number_alone_opens_no_kiosk(client, counter, manager):
    """Nobody outside the center can rate a clerk by guessing a counter's number."""
    assert client.get(f"/danh-gia/quay/{counter.pk}/").status_code == 404
    assert client.post(f"/danh-gia/quay/{counter.pk}/", {"score": Score.UNSATISFIED}).status_code == 404
    assert not Rating.objects.exists()


def test_a_new_kiosk_address_retires_the_old_one(client, counter, manager):
    old = services.kiosk_issue(actor=manager, counter=counter).token
    new = services.kiosk_issue(actor=manager, counter=counter).token
    assert new != old and len(new) >= 32
    assert client.get(reverse("surveys:kiosk", args=[old])).status_code == 404
    assert client.get(reverse("surveys:kiosk", args=[new])).status_code == 200


def test_kiosk_addresses_are_issued_by_managers_of_the_office_only(counter, clerk, department):
    with pytest.raises(PermissionDenied):
        services.kiosk_issue(actor=clerk, counter=counter)
    elsewhere = StaffFactory(role=Role.MANAGER, agency=department)
    with pytest.raises(services.SurveyError, match="không thuộc đơn vị"):
        services.kiosk_issue(actor=elsewhere, counter=counter)
    assert not RatingKiosk.objects.exists()


def test_manager_page_shows_and_issues_kiosk_addresses(client, counter, manager, clerk):
    client.force_login(manager)
    page = client.get(reverse("surveys:kiosks")).content.decode()
    assert "Chưa cấp" in page
    response = client.post(reverse("surveys:kiosks"), {"counter": counter.pk}, follow=True)
    kiosk = RatingKiosk.objects.get(counter=counter)
    assert kiosk.issued_by == manager
    assert reverse("surveys:kiosk", args=[kiosk.token]) in response.content.decode()
    client.force_login(clerk)
    assert client.get(reverse("surveys:kiosks")).status_code == 403
    assert client.post(reverse("surveys:kiosks"), {"counter": counter.pk}).status_code == 403
    assert RatingKiosk.objects.get(counter=counter).token == kiosk.token


def test_paper_page_saves_a_batch(client, clerk, returned):
    client.force_login(clerk)
    data = {"phieu-TOTAL_FORMS": "3", "phieu-INITIAL_FORMS": "0"}
    data.update({"phieu-0-score": "3", "phieu-1-score": "2", "phieu-1-dossier_code": returned.code})
    response = client.post(reverse("surveys:paper"), data, follow=True)
    assert "Đã lưu 2 phiếu" in response.content.decode()
    assert Rating.objects.filter(channel=RatingChannel.PAPER).count() == 2


def test_paper_page_bad_row_saves_nothing(client, clerk):
    client.force_login(clerk)
    data = {"phieu-TOTAL_FORMS": "2", "phieu-INITIAL_FORMS": "0", "phieu-0-score": "3", "phieu-1-score": "1"}
    response = client.post(reverse("surveys:paper"), data)
    assert "Phiếu thứ 2" in response.content.decode()
    assert not Rating.objects.exists()


def test_paper_page_refused_to_citizens(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("surveys:paper")).status_code == 403

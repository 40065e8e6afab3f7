import re
from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import Role
from surveys import services
from surveys.models import Feedback, FeedbackStatus, Subject
from tests.factories import AgencyFactory, StaffFactory

pytestmark = pytest.mark.django_db

SENDER = {"name": "Trần Thị Bình", "phone": "0987654321", "email": "binh@example.vn"}


def _send(**overrides):
    values = {
        "actor": None,
        "subject": Subject.CENTER,
        "title": "Chờ lâu",
        "content": "Tôi chờ hai giờ ở quầy 3.",
        **SENDER,
    }
    values.update(overrides)
    return services.feedback_submit(**values)


@freeze_time("2026-11-13 09:00:00+07:00")  # a Friday
def test_submit_computes_due_date_in_working_days(settings):
    settings.SURVEYS_FEEDBACK_ANSWER_DAYS = 2
    feedback = _send()
    assert feedback.code.startswith("PA-") and feedback.status == FeedbackStatus.RECEIVED
    # Friday + 2 working days: Tuesday (the weekend does not count)
    assert timezone.localtime(feedback.due_at).isoformat() == "2026-11-17T09:00:00+07:00"


def test_submit_needs_contact_and_links_a_known_dossier_code(returned):
    with pytest.raises(services.SurveyError, match="số điện thoại hoặc email"):
        _send(phone="", email="")
    feedback = _send(subject=Subject.DOSSIER, dossier_code=returned.code.lower())
    assert feedback.dossier == returned and feedback.agency == returned.resolving_agency
    assert feedback.typed_dossier_code == returned.code
    assert Feedback.objects.count() == 1


def test_an_unknown_dossier_code_is_accepted_like_a_known_one(client, returned):
    """The anonymous form must not tell whether a dossier code exists (issue 22): an unknown code
    is kept as typed for the staff who triage it, and the sender sees the same page."""
    feedback = _send(subject=Subject.DOSSIER, dossier_code="khong-co")
    assert feedback.dossier is None and feedback.typed_dossier_code == "KHONG-CO"
    pages = []
    for code in (returned.code, "TT-261120-9999"):
        data = {"subject": "dossier", "dossier_code": code, "title": "Chậm", "content": "Chờ lâu"}
        page = client.post(reverse("surveys:feedback_send"), {**data, "name": "Bình", "phone": "0912345678"})
        pages.append(
            (
                page.status_code,
                re.sub(r"PA-[A-Z0-9]+|value=\"[^\"]*\"|nonce=\"[^\"]*\"", "", page.content.decode()),
            )
        )
    assert pages[0] == pages[1] and pages[0][0] == 200


def test_full_flow_answer_mails_the_sender_and_publish_hides_personal_data(
    clerk, department, django_capture_on_commit_callbacks
):
    feedback = _send()
    reviewer = StaffFactory(role=Role.REVIEWER, agency=department)
    services.feedback_assign(actor=clerk, feedback=feedback, agency=department)
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_answer(actor=reviewer, feedback=feedback, answer="Đã bố trí thêm quầy.")
    assert mail.outbox[0].to == ["binh@example.vn"] and feedback.code in mail.outbox[0].subject
    with pytest.raises(services.SurveyError, match="thông tin cá nhân"):
        services.feedback_publish(
            actor=reviewer, feedback=feedback, public_content="Bà Trần Thị Bình chờ lâu", public_answer="Ok"
        )
    services.feedback_publish(
        actor=reviewer, feedback=feedback, public_content="Công dân chờ lâu.", public_answer="Đã bố trí thêm."
    )
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.PUBLISHED
    assert list(feedback.events.values_list("action", flat=True)) == ["submit", "assign", "answer", "publish"]


def test_staff_outside_the_agency_cannot_act(department):
    feedback = _send()
    services.feedback_assign(
        actor=StaffFactory(role=Role.MANAGER, agency=department.parent), feedback=feedback, agency=department
    )
    outsider = StaffFactory(role=Role.REVIEWER, agency=AgencyFactory())
    with pytest.raises(services.SurveyError, match="không thuộc cơ quan"):
        services.feedback_answer(actor=outsider, feedback=feedback, answer="x")


def test_answer_late_is_marked_late():
    with freeze_time("2026-11-02 09:00:00+07:00"):
        feedback = _send()
    admin = StaffFactory(role=Role.ADMIN, agency=None)
    with freeze_time("2026-12-31 09:00:00+07:00"):
        feedback = services.feedback_answer(actor=admin, feedback=feedback, answer="Trả lời muộn")
    assert feedback.punctuality == "late"


# --- pages ---------------------------------------------------------------------------------------


def test_public_send_track_and_published_page(client, clerk, department):
    response = client.post(
        reverse("surveys:feedback_send"),
        {
            "subject": "center",
            "title": "Quầy đông",
            "content": "Nội dung",
            "name": "Lê Văn C",
            "phone": "0911",
        },
    )
    feedback = Feedback.objects.get()
    assert feedback.code in response.content.decode()
    track = client.get(reverse("surveys:feedback_track"), {"code": feedback.code})
    assert "Mới tiếp nhận" in track.content.decode() and "Lê Văn C" not in track.content.decode()
    assert client.get(reverse("surveys:feedback_track"), {"code": "PA-KHONG"}).status_code == 404
    services.feedback_answer(actor=clerk, feedback=feedback, answer="Trả lời cho Lê Văn C")
    services.feedback_publish(
        actor=clerk, feedback=feedback, public_content="Quầy đông", public_answer="Đã xử lý"
    )
    page = client.get(reverse("surveys:feedback_public")).content.decode()
    assert "Đã xử lý" in page
    for personal in ("Lê Văn C", "0911"):
        assert personal not in page


def test_send_page_requires_contact(client):
    response = client.post(
        reverse("surveys:feedback_send"), {"subject": "center", "title": "T", "content": "N", "name": "A"}
    )
    assert "số điện thoại hoặc email" in response.content.decode()
    assert not Feedback.objects.exists()


def test_staff_detail_is_404_to_outsiders(client, department, citizen):
    feedback = _send()
    services.feedback_assign(
        actor=StaffFactory(role=Role.ADMIN, agency=None), feedback=feedback, agency=department
    )
    url = reverse("surveys:feedback_detail", args=[feedback.pk])
    client.force_login(StaffFactory(role=Role.REVIEWER, agency=AgencyFactory()))
    assert client.get(url).status_code == 404
    client.force_login(citizen)
    assert client.get(url).status_code == 404
    client.force_login(StaffFactory(role=Role.MANAGER, agency=department.parent))
    assert client.get(url).status_code == 200


def test_staff_answers_through_the_page(client, department):
    feedback = _send()
    reviewer = StaffFactory(role=Role.REVIEWER, agency=department)
    services.feedback_assign(
        actor=StaffFactory(role=Role.ADMIN, agency=None), feedback=feedback, agency=department
    )
    client.force_login(reviewer)
    url = reverse("surveys:feedback_detail", args=[feedback.pk])
    client.post(url, {"action": "answer", "answer-answer": "Xin cảm ơn"})
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ANSWERED and feedback.answered_by == reviewer


def test_staff_list_overdue_first_and_query_count(client, clerk, django_assert_max_num_queries):
    with freeze_time("2026-10-01 09:00:00+07:00"):
        old = _send(title="Cũ")
    for n in range(5):
        _send(title=f"Mới {n}")
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("surveys:feedback_list"))
    rows = list(response.context["page"])
    assert rows[0] == old and rows[0].overdue == 0


def test_staff_list_refused_to_citizens(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("surveys:feedback_list")).status_code == 403


def test_due_date_is_stored(settings):
    feedback = _send()
    settings.SURVEYS_FEEDBACK_ANSWER_DAYS = 1
    feedback.refresh_from_db()
    assert feedback.due_at > datetime(2000, 1, 1, tzinfo=timezone.get_current_timezone())

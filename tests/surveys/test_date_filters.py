"""The period boxes of "Số liệu hài lòng" (issue 21, item 3): ISO in the date boxes, so that the
browser shows them and the first press of "Xem" sends them."""

from datetime import date

from django.urls import reverse
from freezegun import freeze_time

from accounts.models import Role
from tests.factories import StaffFactory
from tests.html_forms import form_with_button


@freeze_time("2026-12-07 10:00:00+07:00")
def test_figures_boxes_hold_iso_dates_and_the_first_press_shows_the_figures(client, department):
    client.force_login(StaffFactory(role=Role.MANAGER, agency=department.parent))
    url = reverse("surveys:figures")
    page = client.get(url)
    form = form_with_button(page.content.decode(), "Xem")
    assert (form.box("start").type, form.box("start").value) == ("date", "2026-12-01")
    assert (form.box("end").type, form.box("end").value) == ("date", "2026-12-07")
    assert "Đánh giá mức độ hài lòng" in page.content.decode()

    response = client.get(url, form.data())
    assert response.status_code == 200 and not response.context["form"].errors
    assert response.context["form"].cleaned_data["start"] == date(2026, 12, 1)
    assert "Đánh giá mức độ hài lòng" in response.content.decode()
    assert form_with_button(response.content.decode(), "Xem").data() == form.data()

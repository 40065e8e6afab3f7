"""The period boxes of the register and the reconciliation pages (issue 21, item 3).

The browser's date and month boxes take ISO values (2026-12-07, 2026-12) and throw anything else
away; the pages must write ISO into them, and what people read stays dd/mm/yyyy. Each test opens
the page, reads the form as a browser would and presses its button once, as the first visitor does.
"""

from django.urls import reverse
from freezegun import freeze_time

from tests.html_forms import form_with_button
from tests.receipts.conftest import at, receive


@freeze_time(at(7, 10))
def test_register_boxes_hold_iso_dates_and_the_first_press_shows_the_register(world, as_user):
    dossier = receive(world)
    client = as_user(world.clerk)
    url = reverse("receipts:register")
    form = form_with_button(client.get(url).content.decode(), "Xem sổ")
    assert (form.box("start").type, form.box("start").value) == ("date", "2026-12-01")
    assert (form.box("end").type, form.box("end").value) == ("date", "2026-12-07")

    response = client.get(url, form.data())
    body = response.content.decode()
    assert response.status_code == 200 and not response.context["form"].errors
    assert dossier.code in body
    assert "từ 01/12/2026 đến 07/12/2026" in body  # what people read stays dd/mm/yyyy
    # The boxes keep the period asked for, still in ISO.
    again = form_with_button(body, "Xem sổ")
    assert again.data() == form.data()


@freeze_time(at(7, 10))
def test_reconciliation_month_and_day_boxes_hold_iso_values(world, as_user):
    client = as_user(world.manager)
    url = reverse("receipts:reconcile")
    page = client.get(url).content.decode()
    form = form_with_button(page, "Xem")
    # The year is written without a thousands separator ("2.026-12" before).
    assert (form.box("month").type, form.box("month").value) == ("month", "2026-12")
    assert (form.box("day").type, form.box("day").value) == ("date", "2026-12-07")
    assert "Theo cơ quan thu, tháng 12/2026" in page

    response = client.get(url, {**form.data(), "month": "2026-11", "day": "2026-11-30"})
    body = response.content.decode()
    assert response.status_code == 200 and not response.context["form"].errors
    assert "Theo cơ quan thu, tháng 11/2026" in body
    again = form_with_button(body, "Xem")
    assert again.data() == {"month": "2026-11", "day": "2026-11-30"}


@freeze_time(at(7, 10))
def test_reconciliation_names_a_bad_month_and_shows_the_current_one(world, as_user):
    response = as_user(world.manager).get(reverse("receipts:reconcile"), {"month": "12/2026"})
    body = response.content.decode()
    assert "Tháng không hợp lệ: nhập theo dạng năm-tháng, ví dụ 2026-12." in body
    assert "Theo cơ quan thu, tháng 12/2026" in body

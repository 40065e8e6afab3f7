"""A change of an account's phone or e-mail is audited and the old contact is told; citizens
choose the channels they receive notices on."""

import pytest
from django.urls import reverse

from accounts.models import ContactChange
from accounts.services import account_update_contact
from notifications.models import Channel, Notification, OptOut
from tests.accounts.test_views import sent_code
from tests.factories import UserFactory


@pytest.fixture
def citizen(db):
    return UserFactory(phone="+84912345678", email="an@example.vn")


def test_changing_the_phone_on_the_account_page_is_audited_and_the_old_phone_told(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:contact"), {"phone": "0987 654 321", "email": "an@example.vn"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:contact_confirm")
    citizen.refresh_from_db()
    assert citizen.phone == "+84912345678"  # not before the new phone is proven
    response = client.post(reverse("accounts:contact_confirm"), {"code": sent_code("+84987654321")})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == "+84987654321"
    change = ContactChange.objects.get()
    assert (change.field, change.old_value, change.new_value, change.changed_by) == (
        "phone",
        "+84912345678",
        "+84987654321",
        citizen,
    )
    notice = Notification.objects.get(template_code="account.contact_changed")
    assert notice.channel == Channel.SMS and notice.recipient == "+84912345678"
    assert "Số điện thoại của tài khoản" in notice.body and "đã đổi lúc" in notice.body


def test_changing_the_email_tells_the_old_address_with_old_and_new(citizen):
    account_update_contact(actor=citizen, user=citizen, phone="+84912345678", email="moi@example.vn")
    notice = Notification.objects.get(template_code="account.contact_changed")
    assert notice.channel == Channel.EMAIL and notice.recipient == "an@example.vn"
    assert "từ an@example.vn sang moi@example.vn" in notice.body
    assert ContactChange.objects.get().field == "email"


def test_an_address_of_another_account_gets_the_same_answer_and_nothing_changes(client, citizen):
    """No enumeration (issue 22): the owner of the phone is told, the asker gets the answer of a
    free phone, and no code can make the change."""
    UserFactory(phone="+84987654321")
    client.force_login(citizen)
    free = client.post(reverse("accounts:contact"), {"phone": "0911111111", "email": "an@example.vn"})
    taken = client.post(reverse("accounts:contact"), {"phone": "0987654321", "email": "an@example.vn"})
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert Notification.objects.get(recipient="+84987654321").template_code == "account.contact_taken"
    for code in ("000000", sent_code("+84911111111")):
        assert client.post(reverse("accounts:contact_confirm"), {"code": code}).status_code == 400
    assert not ContactChange.objects.exists()


def test_removing_the_email_needs_no_code(client, citizen):
    client.force_login(citizen)
    response = client.post(reverse("accounts:contact"), {"phone": "0912345678", "email": ""})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    citizen.refresh_from_db()
    assert citizen.email == "" and ContactChange.objects.get().field == "email"


def test_no_change_writes_nothing(citizen):
    assert (
        account_update_contact(actor=citizen, user=citizen, phone="0912345678", email="AN@example.vn") == []
    )
    assert not ContactChange.objects.exists()


def test_citizen_opts_out_of_sms_on_the_account_page(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("accounts:home")).content.decode()
    assert "Nhận tin nhắn SMS về hồ sơ" in page
    client.post(reverse("accounts:notification_choices"), {"email": "on"})
    assert list(OptOut.objects.values_list("channel", "address")) == [("sms", "+84912345678")]
    client.post(reverse("accounts:notification_choices"), {"sms": "on", "email": "on"})
    assert not OptOut.objects.exists()

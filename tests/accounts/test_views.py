"""Account pages: register, log in (phone, email, username), lockout, the own page, log out."""

import re

import pytest
from freezegun import freeze_time

from accounts.models import Role, User
from accounts.permissions import ACTIONS
from accounts.services import citizen_register
from accounts.views import ACTION_LABELS
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-2026"
LOGIN = "/tai-khoan/dang-nhap/"
LOGOUT = "/tai-khoan/dang-xuat/"
REGISTER = "/tai-khoan/dang-ky/"
CONFIRM = "/tai-khoan/dang-ky/xac-nhan/"
HOME = "/tai-khoan/"


def _register_data(**overrides) -> dict:
    data = {
        "full_name": "Nguyễn Văn An",
        "phone": "0912 345 678",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def citizen():
    return citizen_register(
        full_name="Trần Thị Bình", phone="0987654321", email="binh@example.vn", password=PASSWORD
    )


# --- register ---------------------------------------------------------------------------------


def test_register_page_has_labelled_fields_and_a_link_to_log_in(client):
    body = client.get(REGISTER).content.decode()
    for name in ("full_name", "phone", "email", "password1", "password2"):
        assert f'id="id_{name}"' in body
    assert f'href="{LOGIN}"' in body
    assert "Có lỗi cần sửa" not in body


def sent_code(address: str) -> str:
    """The one-time code the outbox holds for ``address`` (as a phone or an e-mail would get it)."""
    from accounts.phones import normalize_phone
    from notifications.models import Notification

    address = address if "@" in address else normalize_phone(address)
    notice = Notification.objects.filter(recipient=address, template_code="account.contact_code").latest("id")
    return re.search(r"\b(\d{6})\b", notice.body).group(1)


def test_register_with_a_phone_confirms_a_code_logs_in_and_stores_e164(client):
    response = client.post(REGISTER, _register_data())
    assert response.status_code == 302 and response["Location"] == CONFIRM
    assert not User.objects.exists()
    wrong = client.post(CONFIRM, {"code": "000000"})
    assert wrong.status_code == 400 and "Mã xác nhận không đúng" in wrong.content.decode()
    response = client.post(CONFIRM, {"code": sent_code("+84912345678")}, follow=True)
    assert response.redirect_chain == [(HOME, 302)]
    user = User.objects.get()
    assert user.phone == "+84912345678"
    assert user.role == Role.CITIZEN
    assert user.check_password(PASSWORD)
    assert response.context["user"] == user
    body = response.content.decode()
    assert "Đăng ký thành công" in body
    assert 'role="status"' in body
    assert "0912 345 678" in body  # shown the way people write it


def test_register_without_phone_or_email_shows_the_error_summary(client):
    response = client.post(REGISTER, _register_data(phone="", email=""))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Có lỗi cần sửa" in body
    assert 'role="alert"' in body
    assert 'href="#id_phone"' in body
    assert "Nhập số điện thoại hoặc địa chỉ email" in body
    assert not User.objects.exists()


def test_register_with_a_taken_phone_says_the_same_and_creates_nothing(client, citizen):
    """No enumeration (issue 22): a taken phone gets the answer of a free one; its owner is told,
    no code is sent, and no code can finish the registration."""
    from notifications.models import Notification

    free = client.post(REGISTER, _register_data(phone="0911 111 111"))
    client.session.flush()
    taken = client.post(REGISTER, _register_data(phone="+84 987 654 321"))
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"]) == (302, CONFIRM)
    notice = Notification.objects.get(recipient="+84987654321")
    assert notice.template_code == "account.contact_taken" and not re.search(r"\d{6}", notice.body)
    for code in ("000000", sent_code("+84911111111")):
        assert client.post(CONFIRM, {"code": code}).status_code == 400
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


def test_a_code_is_spent_after_five_wrong_tries(client):
    client.post(REGISTER, _register_data())
    for _ in range(5):
        client.post(CONFIRM, {"code": "000000"})
    assert client.post(CONFIRM, {"code": sent_code("+84912345678")}).status_code == 400
    assert not User.objects.exists()


def test_registrations_are_rate_limited_per_address_and_per_contact(client, settings):
    settings.ACCOUNTS_CODE_REQUESTS_PER_ADDRESS = "4/h"
    settings.ACCOUNTS_CODES_PER_CONTACT_HOUR = 3
    answers = [client.post(REGISTER, _register_data()).status_code for _ in range(4)]
    assert answers == [302, 302, 302, 200]  # the fourth code to one phone in an hour is refused
    assert client.post(REGISTER, _register_data(phone="0911111111")).status_code == 429
    from notifications.models import Notification

    assert Notification.objects.count() == 3


def test_register_with_mismatched_passwords(client):
    response = client.post(REGISTER, _register_data(password2="Khac-hoan-toan-99"))
    body = response.content.decode()
    assert 'href="#id_password2"' in body
    assert "Hai mật khẩu không khớp." in body
    assert not User.objects.exists()


def test_register_with_a_weak_password(client):
    response = client.post(REGISTER, _register_data(password1="12345678", password2="12345678"))
    assert 'href="#id_password1"' in response.content.decode()
    assert not User.objects.exists()


# --- log in -----------------------------------------------------------------------------------


def test_login_page_links_to_register(client):
    body = client.get(LOGIN).content.decode()
    assert f'href="{REGISTER}"' in body
    assert 'id="id_username"' in body
    assert 'autocomplete="current-password"' in body


@pytest.mark.parametrize(
    "identifier",
    ["0987654321", "0987 654 321", "+84987654321", "84987654321", "binh@example.vn", "BINH@example.vn"],
)
def test_login_by_phone_in_any_format_or_by_email(client, citizen, identifier):
    response = client.post(LOGIN, {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert int(client.session["_auth_user_id"]) == citizen.pk


def test_login_by_username_for_staff(client):
    clerk = UserFactory(username="canbo.motcua", role=Role.CLERK, agency=AgencyFactory(), password=PASSWORD)
    response = client.post(LOGIN, {"username": "canbo.motcua", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == clerk.pk


def test_login_follows_next(client, citizen):
    response = client.post(LOGIN, {"username": "0987654321", "password": PASSWORD, "next": "/thu-tuc/1.0/"})
    assert response["Location"] == "/thu-tuc/1.0/"


@pytest.mark.parametrize("identifier", ["0987654321", "khong-co-ai"])
def test_wrong_password_or_unknown_user_gets_one_generic_error(client, citizen, identifier):
    response = client.post(LOGIN, {"username": identifier, "password": "sai-mat-khau"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Có lỗi cần sửa" in body
    assert "Thông tin đăng nhập hoặc mật khẩu không đúng." in body
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures(client, citizen, settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 15 / 60
    responses = [client.post(LOGIN, {"username": "0987654321", "password": "sai-mat-khau"}) for _ in range(5)]
    assert [r.status_code for r in responses[:4]] == [200] * 4  # the 5th failure may already lock
    sixth = client.post(LOGIN, {"username": "0987654321", "password": PASSWORD})
    assert sixth.status_code == 429
    body = sixth.content.decode()
    assert "Tạm khóa đăng nhập" in body
    assert "Vui lòng thử lại sau 15 phút." in body
    assert "_auth_user_id" not in client.session


def test_lockout_holds_however_the_phone_is_typed(client, citizen, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for typed in ("0987654321", "0987 654 321", "+84987654321", "84 987 654 321", "0987.654.321"):
        client.post(LOGIN, {"username": typed, "password": "sai-mat-khau"})
    refused = client.post(LOGIN, {"username": "0987 654 321", "password": PASSWORD})
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_pages_are_vietnamese_unless_english_is_chosen(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi"' in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en"' in client.get("/").content.decode()


def test_authenticated_user_visiting_login_goes_home(client, citizen):
    client.force_login(citizen)
    assert client.get(LOGIN)["Location"] == HOME


# --- own page and log out ---------------------------------------------------------------------


def test_home_needs_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={HOME}"


def test_home_shows_who_and_what_the_role_may_do(client):
    agency = AgencyFactory(name="Bộ phận Một cửa xã An Bình")
    clerk = UserFactory(full_name="Lê Văn Cường", role=Role.CLERK, agency=agency)
    client.force_login(clerk)
    body = client.get(HOME).content.decode()
    assert "Lê Văn Cường" in body
    assert "Cán bộ một cửa" in body
    assert "Bộ phận Một cửa xã An Bình" in body
    assert "Tiếp nhận hồ sơ" in body
    assert "Thu phí, lệ phí" in body
    assert "dossier.receive" not in body
    assert "Xem số liệu thống kê" not in body


def test_citizen_home_lists_online_submission(client, citizen):
    client.force_login(citizen)
    body = client.get(HOME).content.decode()
    assert "Công dân, tổ chức" in body
    assert "Nộp hồ sơ trực tuyến" in body
    assert "binh@example.vn" in body


def test_every_permission_action_has_a_label():
    assert set(ACTION_LABELS) == set(ACTIONS)


def test_logout_by_post(client, citizen):
    client.force_login(citizen)
    assert client.get(LOGOUT).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (Role.CITIZEN, ["/ho-so/cua-toi/", "/ho-so/tra-cuu/"]),
        (Role.CLERK, ["/ho-so/quay/tiep-nhan/", "/ho-so/quay/truc-tuyen/", "/ho-so/quay/tra-ket-qua/"]),
        (Role.POSTAL, ["/ho-so/quay/tiep-nhan/", "/ho-so/quay/tra-ket-qua/"]),
        (Role.REVIEWER, ["/ho-so/xu-ly/"]),
    ],
)
def test_navigation_leads_each_role_to_its_work(client, role, links):
    agency = None if role == Role.CITIZEN else AgencyFactory(has_one_stop_desk=True)
    user = UserFactory(role=role, agency=agency)
    client.force_login(user)
    body = client.get(HOME).content.decode()
    for link in links:
        assert f'href="{link}"' in body


@freeze_time("2026-12-07 08:00:00+07:00")
def test_registration_needs_consent_to_the_notice_and_records_it(client, settings):
    """Law 91/2025: the notice is shown, nothing is sent without consent, and the account keeps
    which version was agreed to and when."""
    from accounts.models import Consent, ContactCode
    from notifications.models import Notification

    settings.PRIVACY_NOTICE_VERSION = "2.1"
    page = client.get(REGISTER).content.decode()
    assert 'href="/du-lieu-ca-nhan/thong-bao-xu-ly/"' in page and "phiên bản 2.1" in page
    assert 'for="id_consent"' in page

    refused = client.post(REGISTER, _register_data(consent=""))
    body = refused.content.decode()
    assert refused.status_code == 200 and 'href="#id_consent"' in body
    assert "Bạn cần đọc và đồng ý với Thông báo xử lý dữ liệu cá nhân để tiếp tục." in body
    assert not ContactCode.objects.exists() and not Notification.objects.exists()

    client.post(REGISTER, _register_data())
    client.post(CONFIRM, {"code": sent_code("+84912345678")})
    consent = Consent.objects.get()
    assert (consent.user.phone, consent.purpose, consent.notice_version) == (
        "+84912345678",
        "registration",
        "2.1",
    )
    assert consent.given_at.isoformat() == "2026-12-07T01:00:00+00:00"

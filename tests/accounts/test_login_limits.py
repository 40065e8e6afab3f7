"""Password spraying: failed logins from one client address are limited over all accounts, on top
of django-axes' lockout of one account from one address (tests/accounts/test_views.py)."""

from freezegun import freeze_time

from tests.factories import PASSWORD, UserFactory

LOGIN = "/tai-khoan/dang-nhap/"


def test_failed_logins_over_many_accounts_from_one_address_are_limited(client, db, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = "10/h"
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory()
    with freeze_time("2026-12-07 08:00:05+07:00") as frozen:
        # ten accounts, one wrong password each: axes locks none of them
        for n in range(10):
            response = client.post(LOGIN, {"username": f"nguoi{n}", "password": "Matkhau@2026"})
            assert response.status_code == 200
        refused = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
        assert refused.status_code == 429
        assert refused["Retry-After"] == "3600"
        assert "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này" in refused.content.decode()
        assert "_auth_user_id" not in client.session

        # another address logs in; the empty form is still shown
        other = client.post(
            LOGIN, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.4"
        )
        assert other.status_code == 302
        client.logout()
        assert client.get(LOGIN).status_code == 200

        frozen.tick(3600)
        assert client.post(LOGIN, {"username": user.username, "password": PASSWORD}).status_code == 302


def test_successful_logins_do_not_count(client, db, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = "3/h"
    user = UserFactory()
    for _ in range(6):
        assert client.post(LOGIN, {"username": user.username, "password": PASSWORD}).status_code == 302
        client.logout()

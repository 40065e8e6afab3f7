"""Login throttling (issue 22).

- Per account: failures count against the account, whatever identifier was typed (the phone in any
  form, the e-mail, the username) and from whatever address; after ``AXES_FAILURE_LIMIT`` the
  account is locked for ``AXES_COOLOFF_MINUTES``, even for the right password.
- Per address (password spraying over many accounts): past ``LOGIN_FAILURES_PER_ADDRESS`` failures
  the address is slowed to ``LOGIN_ATTEMPTS_WHEN_SLOWED`` attempts, with a cool-down of a minute, so
  that a whole office behind one NAT address is never locked out of correct logins for an hour.
"""

from freezegun import freeze_time

from tests.factories import PASSWORD, UserFactory

LOGIN = "/tai-khoan/dang-nhap/"


def test_failures_count_per_account_whatever_identifier_and_address(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 5
    UserFactory(phone="+84912345678", email="an@example.vn", username="nguyenvanan")
    typed = ["0912 345 678", "+84912345678", "AN@example.vn", "nguyenvanan", "0912.345.678"]
    with freeze_time("2026-12-07 08:00:05+07:00") as frozen:
        for n, identifier in enumerate(typed):
            client.post(
                LOGIN, {"username": identifier, "password": "Sai@2026"}, REMOTE_ADDR=f"198.51.100.{n + 1}"
            )
        refused = client.post(
            LOGIN, {"username": "an@example.vn", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
        )
        assert refused.status_code == 429
        assert "_auth_user_id" not in client.session
        assert "Tạm khóa đăng nhập" in refused.content.decode()
        frozen.tick(15 * 60 + 1)
        assert client.post(LOGIN, {"username": "0912345678", "password": PASSWORD}).status_code == 302


def test_one_account_locked_leaves_the_others_alone(client, db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    victim, colleague = UserFactory(), UserFactory()
    for _ in range(3):
        client.post(LOGIN, {"username": victim.username, "password": "Sai@2026"})
    assert client.post(LOGIN, {"username": victim.username, "password": PASSWORD}).status_code == 429
    assert client.post(LOGIN, {"username": colleague.username, "password": PASSWORD}).status_code == 302


def test_spraying_from_one_address_is_slowed_not_locked_for_an_hour(client, db, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = "10/h"
    settings.LOGIN_ATTEMPTS_WHEN_SLOWED = "3/m"
    settings.AXES_FAILURE_LIMIT = 3
    colleagues = [UserFactory() for _ in range(3)]
    with freeze_time("2026-12-07 08:00:05+07:00") as frozen:
        # ten accounts, one wrong password each: none is locked, the address is over its limit
        for n in range(10):
            response = client.post(LOGIN, {"username": f"nguoi{n}", "password": "Matkhau@2026"})
            assert response.status_code == 200
        # now slowed: three attempts a minute, then a refusal that says when to come back
        frozen.tick(60)
        for n in range(3):
            response = client.post(LOGIN, {"username": f"khac{n}", "password": "Matkhau@2026"})
            assert response.status_code == 200
        refused = client.post(LOGIN, {"username": colleagues[0].username, "password": PASSWORD})
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 60
        assert "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này" in refused.content.decode()
        assert "_auth_user_id" not in client.session

        # another address is not concerned
        other = client.post(
            LOGIN, {"username": colleagues[0].username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.4"
        )
        assert other.status_code == 302
        client.logout()

        # a minute later, the office behind the same address logs in, within the slow rate
        frozen.tick(60)
        for colleague in colleagues:
            assert (
                client.post(LOGIN, {"username": colleague.username, "password": PASSWORD}).status_code == 302
            )
            client.logout()


def test_successful_logins_do_not_count(client, db, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = "3/h"
    user = UserFactory()
    for _ in range(6):
        assert client.post(LOGIN, {"username": user.username, "password": PASSWORD}).status_code == 302
        client.logout()

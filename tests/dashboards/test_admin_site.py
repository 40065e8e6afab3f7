"""The administration site is ours: Vietnamese titles and names, Vietnamese numbers, and the
administrator's daily list on its index with links to the lists to work on."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_titles_are_ours_and_third_party_apps_are_named_in_vietnamese(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "Trang quản trị HCC" in page and "<title>" in page
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "Django" not in title and "Quản trị HCC" in title
    assert "Django" not in re.sub(r"<[^>]+>", "", page.split("<body", 1)[1]).replace("django-axes", "")
    assert "Khóa đăng nhập sai (django-axes)" in page  # axes, by our AppConfig
    assert "Access attempts" not in page and "Tài khoản đăng nhập sai" in page  # axes models, by the .po
    assert "Ứng dụng kết nối máy (OAuth 2)" in page and "Ứng dụng kết nối" in page  # oauth2_provider
    assert "Access tokens" not in page
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="a",
        ip_address="127.0.0.1",
        user_agent="t",
        http_accept="*/*",
        path_info="/",
        failures_since_start=1,
    )
    axes_list = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "Số lần sai" in axes_list and "Failed Logins" not in axes_list
    assert 'href="/static/admin-hcc/admin.css"' in page or "admin-hcc/admin" in page


def test_the_index_lists_the_daily_work_with_counts_and_links(admin_client, settings):
    from axes.models import AccessAttempt

    from notifications.models import Notification, Status
    from privacy.models import DeletionRequest
    from procedures.models import CalendarDay

    user = UserFactory(role=Role.CITIZEN)
    for n, status in enumerate((Status.FAILED, Status.FAILED, Status.UNKNOWN, Status.SENT)):
        Notification.objects.create(
            event_id=n, recipient="+84900000000", channel="sms", template_code="x", body="x", status=status
        )
    CalendarDay.objects.create(date=date(2027, 1, 2), kind="day_off", name="Nghỉ bù", confirmed=False)
    DeletionRequest.objects.create(user=user, account_ref=f"account:{user.pk}", requested_at=timezone.now())
    AccessAttempt.objects.create(
        username="0912345678",
        ip_address="127.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/tai-khoan/dang-nhap/",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    page = admin_client.get("/admin/").content.decode()
    assert "Việc cần làm hôm nay" in page

    def row(label: str) -> tuple[str, int]:
        match = re.search(
            rf'<a href="([^"]+)">{re.escape(label)}</a></th>\s*<td class="hcc-number">([\d.]+)</td>', page
        )
        assert match, label
        return match.group(1).replace("&amp;", "&"), int(match.group(2).replace(".", ""))

    assert row("Tin nhắn, email gửi lỗi") == ("/admin/notifications/notification/?status__exact=failed", 2)
    assert row("Tin nhắn chưa rõ đã gửi hay chưa")[1] == 1
    assert row("Hồ sơ chưa đồng bộ lên Cổng quốc gia")[1] == 0
    assert row("Tài khoản đang bị khóa do đăng nhập sai") == ("/admin/axes/accessattempt/", 1)
    assert row("Ngày nghỉ, ngày làm bù chưa xác nhận")[1] >= 1
    assert row("Yêu cầu xóa tài khoản chờ xử lý") == (
        "/admin/privacy/deletionrequest/?status__exact=requested",
        1,
    )
    for label in (
        "Tin nhắn, email gửi lỗi",
        "Yêu cầu xóa tài khoản chờ xử lý",
        "Ngày nghỉ, ngày làm bù chưa xác nhận",
    ):
        assert admin_client.get(row(label)[0]).status_code == 200
    # an old lock-out has expired: it is not counted
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(days=1))
    page = admin_client.get("/admin/").content.decode()
    assert row("Tài khoản đang bị khóa do đăng nhập sai")[1] == 0


def test_numbers_on_the_admin_are_vietnamese(admin_client):
    from notifications.models import Notification, Status

    Notification.objects.bulk_create(
        Notification(
            recipient="+84900000000",
            channel="sms",
            template_code="x",
            body="x",
            status=Status.FAILED,
            event_id=n,
        )
        for n in range(1234)
    )
    page = admin_client.get("/admin/").content.decode()
    assert '<td class="hcc-number">1.234</td>' in page
    listing = admin_client.get("/admin/notifications/notification/?status__exact=failed").content.decode()
    assert "1.234" in listing  # "1.234 kết quả"

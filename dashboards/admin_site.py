"""The administration site: our titles, and on its index what an administrator looks at each day
(messages that failed or whose outcome is unknown, the national portal's backlog, locked
accounts, calendar days to confirm, deletion requests), each a link to the list to work on.

It lives in ``dashboards``, which reads every app and which no app imports; the admin pages of each
app register on it as ``admin.site`` (``HccAdminConfig.default_site``)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass
class DailyItem:
    label: str
    count: int
    url: str
    hint: str


def _changelist(model, query: str = "") -> str:
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return f"{url}?{query}" if query else url


def daily_items() -> list[DailyItem]:
    """The administrator's daily list, counted now (a few indexed counts)."""
    from axes.models import AccessAttempt

    from national.models import SyncMessage, SyncStatus
    from notifications.models import Notification, Status
    from privacy.models import DeletionRequest, DeletionStatus
    from procedures.models import CalendarDay

    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return [
        DailyItem(
            _("Tin nhắn, email gửi lỗi"),
            Notification.objects.filter(status=Status.FAILED).count(),
            _changelist(Notification, f"status__exact={Status.FAILED}"),
            _("Kiểm tra người nhận, gửi lại."),
        ),
        DailyItem(
            _("Tin nhắn chưa rõ đã gửi hay chưa"),
            Notification.objects.filter(status=Status.UNKNOWN).count(),
            _changelist(Notification, f"status__exact={Status.UNKNOWN}"),
            _("Hỏi nhà cung cấp, rồi gửi lại hoặc đánh dấu đã gửi."),
        ),
        DailyItem(
            _("Hồ sơ chưa đồng bộ lên Cổng quốc gia"),
            SyncMessage.objects.filter(status__in=[SyncStatus.PENDING, SyncStatus.SENDING]).count(),
            _changelist(SyncMessage, f"status__exact={SyncStatus.PENDING}"),
            _("Hàng đợi gửi; tăng dần là kết nối có vấn đề."),
        ),
        DailyItem(
            _("Cổng quốc gia từ chối hoặc gửi lỗi"),
            SyncMessage.objects.filter(status__in=[SyncStatus.REFUSED, SyncStatus.FAILED]).count(),
            _changelist(SyncMessage, f"status__exact={SyncStatus.FAILED}"),
            _("Sửa dữ liệu rồi gửi lại (thao tác “Gửi lại”)."),
        ),
        DailyItem(
            _("Tài khoản đang bị khóa do đăng nhập sai"),
            AccessAttempt.objects.filter(
                failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
            ).count(),
            _changelist(AccessAttempt),
            _("Mở khóa khi người dùng đã được xác minh."),
        ),
        DailyItem(
            _("Ngày nghỉ, ngày làm bù chưa xác nhận"),
            CalendarDay.objects.filter(confirmed=False).count(),
            _changelist(CalendarDay, "confirmed__exact=0"),
            _("Đối chiếu với thông báo chính thức rồi xác nhận."),
        ),
        DailyItem(
            _("Yêu cầu xóa tài khoản chờ xử lý"),
            DeletionRequest.objects.filter(status=DeletionStatus.REQUESTED).count(),
            _changelist(DeletionRequest, f"status__exact={DeletionStatus.REQUESTED}"),
            _("Thực hiện trong thời hạn luật định."),
        ),
    ]


# The models of django-oauth-toolkit have no translatable names (and renaming them in code would be
# a migration of that app): named here for the site's lists.
MODEL_NAMES = {
    ("oauth2_provider", "Application"): gettext_lazy("Ứng dụng kết nối"),
    ("oauth2_provider", "AccessToken"): gettext_lazy("Mã truy cập"),
    ("oauth2_provider", "RefreshToken"): gettext_lazy("Mã làm mới"),
    ("oauth2_provider", "Grant"): gettext_lazy("Mã cấp quyền"),
    ("oauth2_provider", "IDToken"): gettext_lazy("Mã định danh (OpenID)"),
    ("oauth2_provider", "DeviceGrant"): gettext_lazy("Cấp quyền cho thiết bị"),
}


class HccAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Trang quản trị HCC")
    site_title = gettext_lazy("Quản trị HCC")
    index_title = gettext_lazy("Việc cần làm và danh mục quản trị")
    enable_nav_sidebar = False  # the lists get the whole width of a 1,366 px screen

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            for model in app["models"]:
                model["name"] = MODEL_NAMES.get((app["app_label"], model["object_name"]), model["name"])
        return apps

    def index(self, request, extra_context=None):
        extra = {"daily": daily_items(), **(extra_context or {})}
        return super().index(request, extra_context=extra)


class HccAdminConfig(AdminConfig):
    """``django.contrib.admin`` with our site (INSTALLED_APPS names this class)."""

    default_site = "dashboards.admin_site.HccAdminSite"

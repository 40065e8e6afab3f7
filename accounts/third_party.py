"""Our names for the third-party apps on the administration site (INSTALLED_APPS names these
classes instead of the apps' own). Their models' and fields' names are translated in
``locale/vi/LC_MESSAGES/django.po`` (a model's verbose name changed in code would be a migration of
someone else's app)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from oauth2_provider.apps import DOTConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Khóa đăng nhập sai (django-axes)")


class OAuthConfig(DOTConfig):
    verbose_name = _("Ứng dụng kết nối máy (OAuth 2)")

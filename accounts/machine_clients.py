"""Machine clients of the API (departments' specialised software, the national portal): OAuth2
client credentials with django-oauth-toolkit.

A client is an ``oauth2_provider`` Application with the client-credentials grant, owned by a
service account (a ``User`` with a role and an agency): the API sees that account, so every
selector scopes what a machine client reads exactly as it would for a person. Scopes say which
endpoint groups a client may call: ``<group>:read`` for GET/HEAD/OPTIONS, ``<group>:write`` for
the rest. The groups are the prefixes of ``ENDPOINT_GROUPS`` under ``/api/v1/``.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.scopes import SettingsScopes
from rest_framework import exceptions

from accounts.permissions import require

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

# /api/v1/<first part> → group
ENDPOINT_GROUPS = {
    "procedures": "catalog",
    "agencies": "catalog",
    "fields": "catalog",
    "dossiers": "dossiers",
    "steps": "dossiers",
    "inbox": "dossiers",
    "tracking": "dossiers",
    "stats": "stats",
}

SCOPES = {
    "catalog:read": "Đọc danh mục thủ tục, cơ quan, lĩnh vực",
    "dossiers:read": "Đọc hồ sơ, bước xử lý, hộp thư, tra cứu",
    "dossiers:write": "Thao tác trên hồ sơ và bước xử lý",
    "stats:read": "Đọc số liệu thống kê",
}


def scope_for(path: str, method: str) -> str:
    """The scope a call needs, from its path (``/api/v1/dossiers/…``) and method; "" outside the API."""
    parts = [part for part in path.split("/") if part]
    if len(parts) < 3 or parts[:2] != ["api", "v1"]:
        return ""
    group = ENDPOINT_GROUPS.get(parts[2].split("{")[0])
    if group is None:
        return ""
    return f"{group}:{'read' if method.upper() in SAFE else 'write'}"


class MachineClientAuthentication(OAuth2Authentication):
    """A Bearer token of django-oauth-toolkit. A client-credentials token acts as its application's
    service account; the token must carry the scope of the endpoint group it calls (403 if not)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None:
            user = token.application.user if token.application_id else None
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(
                _("Ứng dụng chưa gắn với tài khoản dịch vụ đang hoạt động.")
            )
        needed = scope_for(request.path, request.method)
        if needed and not token.allow_scopes([needed]):
            raise exceptions.PermissionDenied(
                _("Mã truy cập không có phạm vi %(scope)s cho thao tác này.") % {"scope": needed}
            )
        return user, token


def scopes_for_role(role: str) -> list[str]:
    """What a service account of ``role`` may be granted (what the same person could do)."""
    from accounts.models import Role

    scopes = ["catalog:read"]
    if role in (Role.CLERK, Role.POSTAL, Role.REVIEWER, Role.MANAGER, Role.ADMIN):
        scopes += ["dossiers:read", "dossiers:write"]
    if role in (Role.MANAGER, Role.ADMIN):
        scopes.append("stats:read")
    return scopes


class RoleScopes(SettingsScopes):
    """django-oauth-toolkit's scopes backend: a client may be granted the scopes its service
    account's role allows, and gets the read scopes among them when it asks for none."""

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        user = getattr(application, "user", None)
        if user is None or not user.is_active:
            return []
        return scopes_for_role("admin" if user.is_superuser else user.role)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return [s for s in self.get_available_scopes(application, request) if s.endswith(":read")]


@transaction.atomic
def machine_client_create(*, actor, name: str, service_account):
    """Register a machine client (client credentials) for ``service_account``; returns the
    application and its secret, shown once (django-oauth-toolkit keeps only its hash)."""
    from oauth2_provider.generators import generate_client_secret
    from oauth2_provider.models import get_application_model

    require(actor, "accounts.manage_staff")
    if not service_account.is_active or not service_account.is_staff_member:
        raise exceptions.ValidationError(
            {"service_account": [_("Ứng dụng phải gắn với một tài khoản cán bộ đang hoạt động.")]}
        )
    Application = get_application_model()  # noqa: N806
    secret = generate_client_secret()
    application = Application.objects.create(
        name=name,
        user=service_account,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
    )
    return application, secret

"""Log in with VNeID: send the citizen to the provider, and take them back."""

import logging

import requests
from authlib.integrations.base_client import OAuthError
from django.contrib.auth import authenticate, login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from joserfc.errors import JoseError

from accounts import vneid
from accounts.landing import work_page

log = logging.getLogger(__name__)
NEXT_KEY = "vneid_next"


def vneid_login(request):
    if not vneid.enabled():
        raise Http404
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        request.session[NEXT_KEY] = next_url
    callback = request.build_absolute_uri(reverse("accounts:vneid_callback"))
    try:
        return vneid.client().authorize_redirect(request, callback)
    except (requests.RequestException, OAuthError, ValueError) as exc:
        log.warning("VNeID provider unreachable: %s", exc)
        return _failed(
            request, _("Không kết nối được với hệ thống định danh điện tử. Vui lòng thử lại sau."), 502
        )


def vneid_callback(request):
    if not vneid.enabled():
        raise Http404
    try:
        token = vneid.client().authorize_access_token(request)
        claims = token.get("userinfo")
        if not claims:
            raise OAuthError(description="no ID token")
        identity = vneid.identity_from_claims(dict(claims))
    except (OAuthError, JoseError, requests.RequestException) as exc:
        log.warning("VNeID login refused: %s: %s", exc.__class__.__name__, exc)
        return _failed(request, _("Đăng nhập bằng VNeID không thành công. Vui lòng thử lại."), 400)
    except vneid.IdentityError as exc:
        return _failed(request, " ".join(exc.messages), 400)
    try:
        user = authenticate(request, vneid_identity=identity)
    except vneid.IdentityError as exc:
        return _failed(request, " ".join(exc.messages), 400)
    if user is None:
        return _failed(request, _("Tài khoản này đã bị khóa."), 403)
    login(request, user, backend="accounts.backends.VNeIDBackend")
    return redirect(request.session.pop(NEXT_KEY, "") or work_page(user))


def _failed(request, message: str, status: int):
    return render(request, "accounts/vneid_failed.html", {"message": message}, status=status)

"""Whole public pages kept in the cache, for anonymous visitors, under a key that changes whenever
what the page shows changes (the caller builds it from a version read in the same request).

A cached page is the rendered HTML with its CSRF tokens taken out: each visitor gets the page with
a token of their own put back (the language switcher is a form). Pages for logged-in users (their
menu), with messages waiting, with a CSP nonce, or with a status other than 200 are never cached.
"""

import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_MARK = "@@csrf@@"


def _cacheable(request: HttpRequest) -> bool:
    return not request.user.is_authenticated and not len(messages.get_messages(request))


def anonymous_page(
    request: HttpRequest, key: str, build: Callable[[], HttpResponse], *, timeout: int | None = None
) -> HttpResponse:
    """The page ``build`` makes, from the cache when this version of it is there (kept ``timeout``
    seconds, ``HCC_PAGE_CACHE_SECONDS`` by default)."""
    if not _cacheable(request):
        return build()
    full_key = "page:" + hashlib.sha256(f"{key}|{get_language()}".encode()).hexdigest()
    html = cache.get(full_key)
    if html is not None:
        return HttpResponse(html.replace(CSRF_MARK, get_token(request)))
    response = build()
    if response.status_code == 200 and not response.streaming:
        html = response.content.decode(response.charset)
        if "nonce=" not in html:
            cache.set(
                full_key, CSRF_FIELD.sub(rf"\g<1>{CSRF_MARK}\g<2>", html), settings.HCC_PAGE_CACHE_SECONDS
            )
    return response

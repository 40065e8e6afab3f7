"""Whole public pages kept in the cache, for anonymous visitors, with the version of what they show.

A page is kept under a key the caller names (what the address asks for) together with a version
of its content read in the same request (``version``); it is served from the cache only while the
version read now is the same, so a change shows at once. A cached page is the rendered HTML with
its CSRF tokens taken out: each visitor gets the page with a token of their own put back (the
language switcher is a form). Pages for logged-in users (their menu), with messages waiting, with a
CSP nonce, or with a status other than 200 are never cached.

``AnonymousPage`` lets the caller read the cache entry in a round trip it makes anyway (the rate
limit's, ``hcc.ratelimit.count(fetch=page.keys)``) and know before any database work whether there
is a page to check; ``anonymous_page`` is the one-call form for pages whose key holds the version.
"""

import hashlib
import re
from collections.abc import Callable
from typing import Any

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


class AnonymousPage:
    """The cache entry of one page for the current visitor: ``keys`` to read (none when this
    visitor's page is not cached), ``take`` what was read, then ``cached(version)`` or ``store``."""

    def __init__(self, request: HttpRequest, key: str) -> None:
        self.request = request
        self.cache_key = (
            "page:" + hashlib.sha256(f"{key}|{get_language()}".encode()).hexdigest()
            if _cacheable(request)
            else None
        )
        self.stored: tuple[str, str] | None = None

    @property
    def keys(self) -> list[str]:
        return [self.cache_key] if self.cache_key else []

    def take(self, found: dict[str, Any]) -> None:
        """What a ``get_many`` of ``keys`` found."""
        entry = found.get(self.cache_key) if self.cache_key else None
        self.stored = entry if isinstance(entry, tuple) and len(entry) == 2 else None

    def read(self) -> None:
        self.take(cache.get_many(self.keys) if self.cache_key else {})

    @property
    def stored_version(self) -> str | None:
        return self.stored[0] if self.stored else None

    def cached(self, version: str) -> HttpResponse | None:
        """The page from the cache when it was stored for this ``version``."""
        if self.stored is None or self.stored[0] != version:
            return None
        return HttpResponse(self.stored[1].replace(CSRF_MARK, get_token(self.request)))

    def store(self, version: str, response: HttpResponse, *, timeout: int | None = None) -> HttpResponse:
        """Keep ``response`` for this ``version`` (``timeout`` seconds, ``HCC_PAGE_CACHE_SECONDS`` by
        default) when it may be kept; give it back either way."""
        if self.cache_key and response.status_code == 200 and not response.streaming:
            html = response.content.decode(response.charset)
            if "nonce=" not in html:
                entry = (version, CSRF_FIELD.sub(rf"\g<1>{CSRF_MARK}\g<2>", html))
                seconds = settings.HCC_PAGE_CACHE_SECONDS if timeout is None else timeout
                cache.set(self.cache_key, entry, seconds)
        return response


def anonymous_page(
    request: HttpRequest, key: str, build: Callable[[], HttpResponse], *, timeout: int | None = None
) -> HttpResponse:
    """The page ``build`` makes, from the cache when it is there (kept ``timeout`` seconds,
    ``HCC_PAGE_CACHE_SECONDS`` by default); ``key`` names the version of what the page shows."""
    page = AnonymousPage(request, key)
    page.read()
    return page.cached("") or page.store("", build(), timeout=timeout)

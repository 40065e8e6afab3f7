"""Whole public pages kept in the cache, for anonymous visitors, with the version of what they show.

A page is kept under a key the caller names (what the address asks for) together with the version
of its content it was made from; it is served from the cache only while that version is the
current one, so a change shows at once. The current version is either read by the caller in the
same request (``cached(version)``), or kept in the cache itself under a version key that every
writer of the content renews after its transaction commits (``new_versions``): then a page from
the cache costs the cache one round trip and the database nothing (``fresh``). A cached page is
the rendered HTML with its CSRF tokens taken out: each visitor gets the page with a token of their
own put back (the language switcher is a form). Pages for logged-in users (their menu), with
messages waiting, with a CSP nonce, or with a status other than 200 are never cached.

``AnonymousPage`` lets the caller read the cache entry in a round trip it makes anyway (the rate
limit's, ``web.ratelimit.count(fetch=page.keys)``) and know before any database work whether there
is a page to check; ``anonymous_page`` is the one-call form for pages whose key holds the version.
"""

import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_MARK = "@@csrf@@"

logger = logging.getLogger(__name__)


def _new_version() -> str:
    return secrets.token_hex(8)


def new_versions(version_keys: Iterable[str]) -> None:
    """Once the current transaction commits (at once outside one), give each version key a new
    version: the pages kept for the old one are no longer served. Call it from whatever changes
    the content, in the transaction that changes it. The keys named in one transaction are renewed
    together, in one round trip to the cache. A cache that does not answer is logged; the pages it
    keeps then go stale until they expire."""
    keys = dict.fromkeys(version_keys)
    if not keys:
        return
    connection = transaction.get_connection()
    # The keys waiting for a commit on this connection. Each call adds a callback, and the first
    # to run renews every key named so far: a transaction costs one round trip however many rows
    # it saves. Keys left by a rolled-back transaction are renewed with the next one, which only
    # costs their pages a new look.
    pending: dict[str, None] = connection.__dict__.setdefault("hcc_page_versions", {})
    pending.update(keys)

    def renew() -> None:
        names = list(pending)
        pending.clear()
        if not names:
            return
        try:
            failed = cache.set_many({key: _new_version() for key in names}, settings.HCC_PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("Cached pages not renewed (%s): the cache did not answer", ", ".join(names))
            return
        if failed:  # web.cache.RedisCache answers so instead of raising
            logger.warning("Cached pages not renewed (%s): the cache did not answer", ", ".join(failed))

    transaction.on_commit(renew)


def _written(write: Callable[..., Any], *args: Any) -> bool:
    """A page is served whether or not the cache keeps it: a cache that does not answer is logged."""
    try:
        return write(*args) is not False
    except Exception:
        logger.warning("Page not kept: the cache did not answer", exc_info=True)
        return False


def _after_sending(response: HttpResponse, write: Callable[[], Any]) -> None:
    """Run ``write`` once the response is sent: the server calls ``close`` after the last byte
    (PEP 3333; Django's test client too), so the visitor does not wait for the cache's round trip.
    A worker still writes before it takes its next request."""
    close = response.close

    def close_then_write() -> None:
        try:
            close()
        finally:
            write()

    response.close = close_then_write


def _cacheable(request: HttpRequest) -> bool:
    return not request.user.is_authenticated and not len(messages.get_messages(request))


class AnonymousPage:
    """The cache entry of one page for the current visitor: ``keys`` to read (none when this
    visitor's page is not cached), ``take`` what was read, then ``cached(version)`` or ``store``;
    with a ``version_key`` (see ``new_versions``), ``fresh()`` or ``store_current``."""

    def __init__(self, request: HttpRequest, key: str, *, version_key: str | None = None) -> None:
        self.request = request
        self.cache_key = (
            "page:" + hashlib.sha256(f"{key}|{get_language()}".encode()).hexdigest()
            if _cacheable(request)
            else None
        )
        self.version_key = version_key if self.cache_key else None
        self.stored: tuple[str, str] | None = None
        # The version the version key held when it was read (None: none yet, or not read).
        self.current: str | None = None

    @property
    def keys(self) -> list[str]:
        return [key for key in (self.cache_key, self.version_key) if key]

    @property
    def adds(self) -> dict[str, tuple[str, int]]:
        """The version key with a new version, to add before reading ``keys`` when it is missing
        (``web.ratelimit.count(add=...)``): the version is then there before the database is read,
        and a writer's change after that read renews it."""
        if self.version_key is None:
            return {}
        return {self.version_key: (_new_version(), settings.HCC_PAGE_CACHE_SECONDS)}

    def take(self, found: dict[str, Any]) -> None:
        """What a ``get_many`` of ``keys`` found."""
        entry = found.get(self.cache_key) if self.cache_key else None
        self.stored = entry if isinstance(entry, tuple) and len(entry) == 2 else None
        current = found.get(self.version_key) if self.version_key else None
        self.current = current if isinstance(current, str) else None

    def fresh(self) -> HttpResponse | None:
        """The page from the cache when it was stored for the current version of its version key."""
        return self.cached(self.current) if self.current is not None else None

    def store_current(self, response: HttpResponse, *, timeout: int | None = None) -> HttpResponse:
        """Keep ``response``, made from what the database held after ``take``, under the version
        read then (the version ``adds`` put there when there was none). Without one (``adds`` not
        used, or the cache did not answer), one is added, and the page kept only when no writer
        set one in the meantime (its change may have come after the page's read). Give it back."""
        if self.version_key is None:
            return response
        version = self.current
        if version is None:
            version = _new_version()
            if not _written(cache.add, self.version_key, version, settings.HCC_PAGE_CACHE_SECONDS):
                return response
        return self.store(version, response, timeout=timeout)

    def read(self) -> None:
        self.take(cache.get_many(self.keys) if self.cache_key else {})

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
                _after_sending(response, lambda: _written(cache.set, self.cache_key, entry, seconds))
        return response


def anonymous_page(
    request: HttpRequest, key: str, build: Callable[[], HttpResponse], *, timeout: int | None = None
) -> HttpResponse:
    """The page ``build`` makes, from the cache when it is there (kept ``timeout`` seconds,
    ``HCC_PAGE_CACHE_SECONDS`` by default); ``key`` names the version of what the page shows."""
    page = AnonymousPage(request, key)
    page.read()
    return page.cached("") or page.store("", build(), timeout=timeout)

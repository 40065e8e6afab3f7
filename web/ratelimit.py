"""Rate limits per client address, every window counted in one round trip to the cache.

django-ratelimit counts one rate per call, and each count costs the cache one to three round trips
(``add``; when the window already exists, ``incr``, which Django's Redis cache does as ``EXISTS``
then ``INCRBY``): a lookup limited per minute and per hour cost up to six. With Redis, ``count``
sends every window (``SET NX EX`` then ``INCR`` each) in one transaction, and reads in the same
round trip the cache keys the caller needs next (a cached page and its version, the version added
first when missing), so a public page served from the cache asks Redis once. The counters are
django-ratelimit's own keys and values, so its ``get_usage`` and ``is_ratelimited`` see the same
counts. Other cache backends (the embedded local-memory default, the tests) count through
django-ratelimit, one window at a time.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import (
    EXPIRATION_FUDGE,
    _get_ip,
    _get_window,
    _make_cache_key,
    _split_rate,
    get_usage,
    is_ratelimited,
)

logger = logging.getLogger(__name__)


@dataclass
class Counted:
    limited: bool
    # The values of the keys asked for, as ``cache.get_many`` gives them (missing keys left out).
    found: dict[str, Any] = field(default_factory=dict)


def count(
    request: HttpRequest,
    *,
    group: str,
    rates: Sequence[str],
    fetch: Sequence[str] = (),
    add: Mapping[str, tuple[Any, int]] | None = None,
) -> Counted:
    """Count one request from the client's address in every window of ``rates`` (each window counts
    every request, even one already refused by a shorter window), then ``add`` each key of the
    default cache that is missing (``{key: (value, seconds)}``, as ``cache.add``) and read the
    ``fetch`` keys. ``limited`` once any window is over its rate; when the cache does not answer,
    as ``RATELIMIT_FAIL_OPEN`` says (open: not limited)."""
    cache = caches[settings.RATELIMIT_USE_CACHE]
    add = add or {}
    enabled = getattr(settings, "RATELIMIT_ENABLE", True)
    shared = not (fetch or add) or settings.RATELIMIT_USE_CACHE == "default"
    if enabled and isinstance(cache, RedisCache) and shared:
        return _count_on_redis(request, cache, group, rates, fetch, add)
    limited = False
    if enabled:
        for rate in rates:
            limited |= is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)
    default = caches["default"]
    for key, (value, seconds) in add.items():
        default.add(key, value, seconds)
    return Counted(limited, default.get_many(fetch) if fetch else {})


def _count_on_redis(
    request: HttpRequest,
    cache: RedisCache,
    group: str,
    rates: Sequence[str],
    fetch: Sequence[str],
    add: Mapping[str, tuple[Any, int]],
) -> Counted:
    if hasattr(cache, "available") and not cache.available():  # the breaker is open (web/cache.py)
        return Counted(not getattr(settings, "RATELIMIT_FAIL_OPEN", False))
    address = _get_ip(request)
    limits = []
    client = cache._cache.get_client(write=True)  # Django's own Redis client and connection pool
    pipe = client.pipeline(transaction=True)
    for rate in rates:
        limit, period = _split_rate(rate)
        key = cache.make_and_validate_key(
            _make_cache_key(group, _get_window(address, period), rate, address, ALL)
        )
        # What django-ratelimit's add-or-incr does, atomically: a new window starts at 0, then +1.
        pipe.set(key, 0, ex=period + EXPIRATION_FUDGE, nx=True)
        pipe.incr(key)
        limits.append(limit)
    dumps = cache._cache._serializer.dumps
    for key, (value, seconds) in add.items():
        pipe.set(cache.make_and_validate_key(key), dumps(value), ex=seconds, nx=True)
    keys = [cache.make_and_validate_key(key) for key in fetch]
    for key in keys:
        pipe.get(key)
    try:
        results = pipe.execute()
    except cache._cache._lib.RedisError as exc:
        logger.warning("Rate limit of %s not counted: the cache did not answer", group, exc_info=True)
        if hasattr(cache, "trip"):
            cache.trip(exc)
        return Counted(not getattr(settings, "RATELIMIT_FAIL_OPEN", False))
    counts = results[1 : 2 * len(limits) : 2]
    values = results[2 * len(limits) + len(add) :]
    loads = cache._cache._serializer.loads
    found = {name: loads(value) for name, value in zip(fetch, values, strict=True) if value is not None}
    return Counted(any(n > limit for n, limit in zip(counts, limits, strict=True)), found)


def over_or_unknown(request: HttpRequest, *, group: str, rate: str) -> bool:
    """Count one request from the client's address against ``rate``: True when over it, and also
    when the cache did not answer (a limit that fails closed, for what costs money or leaks data:
    sending codes by SMS)."""
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=True)
    return usage is None or usage["should_limit"]

"""Django's Redis cache, made to survive a dead or hung Redis, and without a new Redis client for
every operation.

**Surviving Redis** (issue 26: with Redis stopped or hung, login and the kiosk answered HTTP 500).
Every operation has short connect and socket timeouts (``CACHE_TIMEOUT``, 0.5 s by default) and
no retry; a Redis error or timeout is logged and the operation answers as a cache that does not
have the key (``get`` the default, ``add`` and ``delete`` False, ``set`` nothing, ``incr`` the
``ValueError`` of a missing key) instead of raising. The first failure opens a circuit breaker,
shared by the threads of the process, for ``CACHE_BREAKER_SECONDS``: meanwhile no operation
touches Redis, so later requests do not wait at all; then one operation tries again (closing the
breaker when it works, opening it again when not). What each user of the cache does with "no
answer" (rate limits failing open or closed, pages served uncached) is theirs to say: README,
"Reliability".

**One client per pool.** ``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a
new ``redis.Redis`` for every cache operation, and each one copies redis-py's table of some 170
response callbacks: about a tenth of a millisecond of CPU per ``get`` or ``set``, more than the
round trip to Redis on loopback. A ``redis.Redis`` holds no connection of its own (it takes one
from the pool for each command) and may be shared by threads, so the cache keeps the one it made
for each pool.

Set by ``hcc.settings`` whenever ``CACHE_URL`` names Redis.
"""

import logging
import re
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

log = logging.getLogger(__name__)


class Breaker:
    """Open for ``seconds`` after a failure: callers skip Redis instead of waiting for it."""

    def __init__(self, name: str):
        # For the log: the servers without a password (redis://:secret@host/1 → redis://host/1).
        self.name = re.sub(r"//[^/@]*@", "//", name)
        self.open_until = 0.0
        self.lock = threading.Lock()

    def closed(self) -> bool:
        return time.monotonic() >= self.open_until

    def trip(self, exc: Exception) -> None:
        seconds = settings.CACHE_BREAKER_SECONDS
        with self.lock:
            was_closed = self.closed()
            self.open_until = time.monotonic() + seconds
        if was_closed:
            log.warning("Cache %s did not answer (%r): not used for %s s", self.name, exc, seconds)

    def reset(self) -> None:
        self.open_until = 0.0


_breakers: dict[str, Breaker] = {}


def breaker_for(servers) -> Breaker:
    name = ",".join(servers)
    return _breakers.setdefault(name, Breaker(name))


def reset_breakers() -> None:
    """Close every breaker (tests; a process that knows Redis is back)."""
    for breaker in _breakers.values():
        breaker.reset()


_MISSING_KEY = object()  # ``incr`` answers as for a key that is not there
_DEFAULT = object()  # ``get`` answers the caller's default


class _SurvivingClient(RedisCacheClient):
    def __init__(self, servers, **options):
        timeout = settings.CACHE_TIMEOUT
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("socket_timeout", timeout)
        super().__init__(servers, **options)
        self._clients = {}
        self.breaker = breaker_for(servers)

    def get_client(self, key=None, *, write=False):
        del key  # as Django's: one server for writes, any for reads
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    def guarded(self, operation, fallback, *args):
        if not self.breaker.closed():
            return self._fallback(fallback, args)
        try:
            return operation(*args)
        except self._lib.RedisError as exc:
            self.breaker.trip(exc)
            return self._fallback(fallback, args)

    @staticmethod
    def _fallback(fallback, args):
        if fallback is _MISSING_KEY:
            raise ValueError(f"Key '{args[0]}' not found: the cache did not answer.")
        return args[1] if fallback is _DEFAULT else fallback

    def add(self, key, value, timeout):
        return self.guarded(super().add, False, key, value, timeout)

    def get(self, key, default):
        return self.guarded(super().get, _DEFAULT, key, default)

    def set(self, key, value, timeout):
        return self.guarded(super().set, None, key, value, timeout)

    def touch(self, key, timeout):
        return self.guarded(super().touch, False, key, timeout)

    def delete(self, key):
        return self.guarded(super().delete, False, key)

    def get_many(self, keys):
        return self.guarded(super().get_many, {}, keys)

    def has_key(self, key):
        return self.guarded(super().has_key, False, key)

    def incr(self, key, delta):
        return self.guarded(super().incr, _MISSING_KEY, key, delta)

    def set_many(self, data, timeout):
        return self.guarded(super().set_many, False, data, timeout)

    def delete_many(self, keys):
        return self.guarded(super().delete_many, None, keys)

    def clear(self):
        return self.guarded(super().clear, False)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SurvivingClient

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """As Django's, but the keys are returned as not stored when Redis did not answer."""
        if not data:
            return []
        safe = {self.make_and_validate_key(key, version=version): value for key, value in data.items()}
        stored = self._cache.set_many(safe, self.get_backend_timeout(timeout))
        return list(data) if stored is False else []

    def available(self) -> bool:
        """False while the breaker is open: callers that talk to Redis themselves skip it."""
        return self._cache.breaker.closed()

    def trip(self, exc: Exception) -> None:
        """A caller that talked to Redis itself (``web.ratelimit``) reports its failure."""
        self._cache.breaker.trip(exc)

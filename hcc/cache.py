"""Django's Redis cache, with one Redis client per connection pool instead of one per operation.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new ``redis.Redis`` for
every cache operation, and each one copies redis-py's table of some 170 response callbacks: about a
tenth of a millisecond of CPU per ``get`` or ``set``, more than the round trip to Redis on loopback.
A ``redis.Redis`` holds no connection of its own (it takes one from the pool for each command) and
may be shared by threads, so the cache keeps the one it made for each pool. Set by
``hcc.settings`` whenever ``CACHE_URL`` names Redis.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        del key  # as Django's: one server for writes, any for reads
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient

import os

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_signing(settings, tmp_path):
    """Papers are unsigned unless a test sets up certificates (``tests/receipts/signing.py``); the
    demo chain goes to the test's own folder."""
    settings.HCC_SIGNING_KEYS = {}
    settings.HCC_SIGNING_DIR = tmp_path / "signing"
    settings.HCC_SIGNING_DEMO = False
    settings.HCC_SIGNING_TSA_URL = ""


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing passwords the production way costs a third of a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    del config
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters, cached pages and their versions live in the default cache: every test
    starts from an empty one."""
    from django.core.cache import cache

    from procedures import versioned
    from web.cache import reset_breakers

    reset_breakers()  # a Redis that failed in an earlier test is asked again
    cache.clear()
    versioned.forget_all()  # the procedures' documents and fees kept in the process
    yield
    cache.clear()
    reset_breakers()


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def redis_url():
    """A real Redis for the tests that need one (``TEST_REDIS_URL``, emptied first; skipped without
    it locally, failed in CI)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("TEST_REDIS_URL is not set: CI must run the Redis tests against Redis")
        pytest.skip("needs Redis: set TEST_REDIS_URL=redis://127.0.0.1:6379/5")
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def redis_cache(settings, redis_url):
    """The default cache on Redis, as in production: round trips and Redis-only code paths are
    tested there."""
    import redis

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "web.cache.RedisCache", "LOCATION": redis_url},
    }
    yield caches["default"]
    redis.Redis.from_url(redis_url).flushdb()


@pytest.fixture
def redis_round_trips(monkeypatch):
    """How many times the code under test waited for Redis: one per command, one per pipeline."""
    import redis

    calls = {"n": 0}
    command, pipeline = redis.Redis.execute_command, redis.client.Pipeline.execute

    def counting_command(self, *args, **kwargs):
        calls["n"] += 1
        return command(self, *args, **kwargs)

    def counting_pipeline(self, *args, **kwargs):
        calls["n"] += 1
        return pipeline(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counting_command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", counting_pipeline)
    return calls

"""Pages kept in the cache under a version key that the writers of their content renew."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from web import pagecache

VERSION_KEY = "test-version:a"

pytestmark = pytest.mark.django_db


def visitor():
    request = RequestFactory().get("/a/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def page() -> pagecache.AnonymousPage:
    page = pagecache.AnonymousPage(visitor(), "a", version_key=VERSION_KEY)
    page.take(cache.get_many(page.keys))
    return page


def test_a_page_is_served_from_the_cache_while_its_version_is_current(django_capture_on_commit_callbacks):
    first = page()
    assert first.fresh() is None
    kept = first.store_current(HttpResponse("<p>one</p>"))
    assert page().fresh() is None  # kept once the response is sent
    kept.close()
    assert page().fresh().content == b"<p>one</p>"
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.new_versions([VERSION_KEY])
    assert page().fresh() is None


def test_no_page_is_kept_when_a_writer_sets_a_version_after_the_read():
    """The reader found no version; a writer's change commits and sets one before the reader keeps
    its page, made from what it read before: that page is not kept."""
    reader = page()
    cache.set(VERSION_KEY, "written")
    reader.store_current(HttpResponse("<p>old</p>")).close()
    assert page().fresh() is None


def test_a_page_kept_under_a_version_renewed_after_the_read_is_not_served(django_capture_on_commit_callbacks):
    cache.set(VERSION_KEY, "v1")
    reader = page()
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.new_versions([VERSION_KEY])
    reader.store_current(HttpResponse("<p>old</p>")).close()
    assert page().fresh() is None
    assert cache.get(reader.cache_key)[1] == "<p>old</p>"  # kept, under a version no longer current


def test_versions_are_renewed_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    cache.set(VERSION_KEY, "v1")
    with django_capture_on_commit_callbacks() as pending:
        pagecache.new_versions([VERSION_KEY, VERSION_KEY])
    assert cache.get(VERSION_KEY) == "v1"
    assert len(pending) == 1
    pending[0]()
    assert cache.get(VERSION_KEY) not in (None, "v1")


def test_a_renewal_the_cache_does_not_take_is_logged(settings, caplog, django_capture_on_commit_callbacks):
    nowhere = {
        "BACKEND": "web.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    with (
        override_settings(CACHES={**settings.CACHES, "default": nowhere}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        pagecache.new_versions([VERSION_KEY])
    assert "Cached pages not renewed (test-version:a)" in caplog.text


def test_the_keys_of_one_transaction_are_renewed_in_one_round_trip(
    redis_cache, redis_round_trips, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pagecache.new_versions(["test-version:a"])
        pagecache.new_versions(["test-version:b", "test-version:a"])
        redis_round_trips["n"] = 0
    assert len(callbacks) == 2
    assert redis_round_trips["n"] == 1
    assert set(redis_cache.get_many(["test-version:a", "test-version:b"])) == {
        "test-version:a",
        "test-version:b",
    }


def test_a_version_added_before_the_read_is_the_one_the_page_is_kept_under():
    """``adds`` puts a version in place before the database is read (the rate limit's round trip):
    the page made after it is kept under it without another round trip."""
    reader = pagecache.AnonymousPage(visitor(), "a", version_key=VERSION_KEY)
    for key, (value, seconds) in reader.adds.items():
        cache.add(key, value, seconds)
    reader.take(cache.get_many(reader.keys))
    assert reader.current is not None
    reader.store_current(HttpResponse("<p>new</p>")).close()
    assert page().fresh().content == b"<p>new</p>"

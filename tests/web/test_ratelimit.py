"""Rate limits counted in one round trip (web/ratelimit.py) and the Redis cache that keeps its
client (web/cache.py)."""

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import RequestFactory, override_settings
from django_ratelimit.core import get_usage

from web import ratelimit

GROUP = "tests.ratelimit"
RATES = ("2/m", "5/h")


def lookup(address="198.51.100.7"):
    return RequestFactory().get("/", REMOTE_ADDR=address)


def usage(request, rate):
    return get_usage(request, group=GROUP, key="ip", rate=rate, increment=False)["count"]


def test_every_window_counts_every_request_in_one_redis_round_trip(redis_cache, redis_round_trips):
    request = lookup()
    answers = [ratelimit.count(request, group=GROUP, rates=RATES).limited for _ in range(3)]
    assert answers == [False, False, True]
    assert redis_round_trips["n"] == 3
    # django-ratelimit reads the same counters: the refused third request counted in both windows.
    assert usage(request, "2/m") == usage(request, "5/h") == 3
    assert ratelimit.count(lookup("198.51.100.8"), group=GROUP, rates=RATES).limited is False


def test_the_keys_asked_for_are_read_in_the_same_round_trip(redis_cache, redis_round_trips):
    cache.set("page:a", ("v1", "<html>"))
    cache.set("n", 7)
    counted = ratelimit.count(lookup(), group=GROUP, rates=RATES, fetch=["page:a", "n", "page:missing"])
    assert counted.found == {"page:a": ("v1", "<html>"), "n": 7}
    assert redis_round_trips["n"] == 3  # the two sets, then one for the count and the reads


@pytest.mark.parametrize("on_redis", [True, False])
def test_missing_keys_are_added_before_the_reads_and_present_ones_kept(on_redis, request):
    if on_redis:
        request.getfixturevalue("redis_cache")
    cache.set("version:kept", "old")
    counted = ratelimit.count(
        lookup(),
        group=GROUP,
        rates=RATES,
        fetch=["version:kept", "version:new"],
        add={"version:kept": ("mine", 60), "version:new": ("mine", 60)},
    )
    assert counted.found == {"version:kept": "old", "version:new": "mine"}
    assert cache.get("version:new") == "mine" and cache.get("version:kept") == "old"


def test_counts_go_on_where_django_ratelimit_left_them(redis_cache):
    from django_ratelimit.core import is_ratelimited

    request = lookup()
    for _ in range(2):
        is_ratelimited(request, group=GROUP, key="ip", rate="2/m", increment=True)
    assert ratelimit.count(request, group=GROUP, rates=("2/m",)).limited is True


@pytest.mark.parametrize(("fail_open", "limited"), [(True, False), (False, True)])
def test_an_unreachable_redis_fails_as_settings_say(fail_open, limited):
    nowhere = {
        "BACKEND": "web.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    with override_settings(CACHES={**settings.CACHES, "default": nowhere}, RATELIMIT_FAIL_OPEN=fail_open):
        counted = ratelimit.count(lookup(), group=GROUP, rates=RATES, fetch=["page:a"])
    assert counted.limited is limited
    assert counted.found == {}


def test_other_caches_count_through_django_ratelimit():
    request = lookup()
    cache.set("page:a", ("v1", "<html>"))
    answers = [ratelimit.count(request, group=GROUP, rates=RATES, fetch=["page:a"]) for _ in range(3)]
    assert [answer.limited for answer in answers] == [False, False, True]
    assert answers[0].found == {"page:a": ("v1", "<html>")}
    assert usage(request, "2/m") == usage(request, "5/h") == 3


def test_ratelimit_enable_off_counts_nothing(settings):
    settings.RATELIMIT_ENABLE = False
    request = lookup()
    assert not any(ratelimit.count(request, group=GROUP, rates=RATES).limited for _ in range(5))


def test_the_redis_cache_keeps_one_client_per_connection_pool(redis_cache, redis_round_trips):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client  # one server: reads and writes share its pool
    redis_cache.set("a", 1)
    assert redis_cache.get("a") == 1
    assert redis_cache._cache.get_client(write=True) is client
    assert caches["default"] is redis_cache

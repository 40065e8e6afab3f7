"""The benchmark's "hello" view exists only when HCC_BENCH_VIEWS is on, and the deployment checks
warn when it is."""

from django.core.checks import run_checks
from django.test import override_settings
from django.urls import clear_url_caches


def _reload_urls():
    import importlib

    import hcc.urls
    import web.urls

    importlib.reload(web.urls)
    importlib.reload(hcc.urls)
    clear_url_caches()


def test_hello_is_off_by_default(client, db):
    assert client.get("/bench/hello/").status_code == 404


def test_hello_answers_when_the_setting_is_on(client, db, settings):
    settings.HCC_BENCH_VIEWS = True
    _reload_urls()
    try:
        response = client.get("/bench/hello/")
        assert response.status_code == 200 and response.content == b"hello"
        assert [m.id for m in run_checks(include_deployment_checks=True) if m.id == "hcc.W001"] == [
            "hcc.W001"
        ]
    finally:
        with override_settings(HCC_BENCH_VIEWS=False):
            _reload_urls()
    assert client.get("/bench/hello/").status_code == 404

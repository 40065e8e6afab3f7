"""A gunicorn worker's start (``gunicorn.conf.py``): what Django loads lazily is loaded, then
frozen out of the garbage collector's full passes."""

import gc
import importlib.util
from pathlib import Path

from django.urls import clear_url_caches, get_resolver

ROOT = Path(__file__).resolve().parents[2]


def load_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


def test_worker_start_loads_the_urlconf_then_freezes_it():
    conf = load_conf()
    clear_url_caches()
    try:
        conf.post_worker_init(None)
        resolver = get_resolver()
        # the URLconf was imported before the freeze: its patterns are among the frozen objects
        assert "url_patterns" in resolver.__dict__
        assert gc.get_freeze_count() > 0
        assert not any(tracked is resolver for tracked in gc.get_objects())
    finally:
        gc.unfreeze()

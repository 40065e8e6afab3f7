"""Django set up inside a benchmark's own process (the in-process timers and profilers), with
production-like settings unless the environment says otherwise."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(**defaults: str) -> None:
    """``DEBUG=0``, the test client's host and a throwaway secret key, then ``defaults``; an
    environment variable already set wins over all of them."""
    settings = {
        "DJANGO_SETTINGS_MODULE": "hcc.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
        "SECRET_KEY": "in-process-benchmark-" + "x" * 40,
        **defaults,
    }
    for name, value in settings.items():
        os.environ.setdefault(name, value)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()

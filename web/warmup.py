"""What Django loads at a worker's first request rather than at start-up, loaded at once.

The URLconf (and with it every view, form and template tag module) is imported by the first
request that resolves an address, some 47,000 objects the garbage collector tracks. Loaded
before ``gc.freeze()`` (``gunicorn.conf.py``), they stay out of the collector's full passes for
the worker's life instead of being scanned by every one of them (issue 25, tracking p99).
"""


def load_lazy_parts() -> None:
    """Import the URLconf and compile the base template, as the first request would."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property imports the URLconf)
    get_template("base.html")

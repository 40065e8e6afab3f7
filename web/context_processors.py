from functools import lru_cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=8)
def _layout(script_prefix: str) -> dict[str, str]:
    """The addresses every page's layout (``templates/base.html``) links to: the same for every
    request of a process with this script prefix, so worked out once (a ``{% url %}`` or
    ``{% static %}`` per use was about a third of the layout's Python, issue 25). Static files'
    names change only with a release, which restarts the processes."""
    del script_prefix  # the key: ``reverse`` and ``static`` read the current one
    return {
        "set_language": reverse("set_language"),
        "logout": reverse("accounts:logout"),
        "catalog": reverse("procedures:catalog"),
        "favicon": static("favicon.svg"),
        "bootstrap_css": static("vendor/bootstrap/bootstrap.min.css"),
        "hcc_css": static("css/hcc.css"),
        "bootstrap_js": static("vendor/bootstrap/bootstrap.bundle.min.js"),
    }


def site(request):
    return {"center_name": settings.HCC_CENTER_NAME, "layout": _layout(get_script_prefix())}

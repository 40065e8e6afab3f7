"""The "hello" view the load benchmark measures every page against (benchmarks/bench_load.py).

Routed at ``/bench/hello/`` only when ``HCC_BENCH_VIEWS`` is true (never in production: the
deployment check ``hcc.W001`` warns). It goes through the whole middleware stack, touches no
database and renders no template: the machine's ceiling for a Django answer.
"""

from django.conf import settings
from django.core.checks import Warning, register
from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


@register(deploy=True)
def bench_views_off(app_configs, **kwargs):
    if settings.HCC_BENCH_VIEWS:
        return [
            Warning(
                "HCC_BENCH_VIEWS is on: the benchmark's /bench/hello/ view is served.",
                hint="Unset HCC_BENCH_VIEWS in production.",
                id="hcc.W001",
            )
        ]
    return []

"""The "hello" view the load benchmark measures every page against (benchmarks/bench_load.py).

Routed at ``/bench/hello/`` only when ``HCC_BENCH_VIEWS`` is true (never in production: the
deployment check ``hcc.W001`` warns). It goes through the whole middleware stack, touches no
database and renders no template: the machine's ceiling for a Django answer.
"""

from contextlib import ExitStack

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


class QueryCountMiddleware:
    """``X-Query-Count``: the SQL statements the request ran, on every answer of a benchmark
    server (``HCC_BENCH_VIEWS``), for the load benchmark to print beside each page's time. Put
    first in the stack, so that the session, the user and the page's own queries all count."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connections

        count = [0]

        def counted(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counted))
            response = self.get_response(request)
        response["X-Query-Count"] = str(count[0])
        return response

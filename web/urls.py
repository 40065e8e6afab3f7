"""The site's own pages that belong to no app: the API documentation and the benchmark's view."""

from django.conf import settings
from django.urls import path

from web.api_docs import ApiDocsView

urlpatterns = [
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.HCC_BENCH_VIEWS:  # the load benchmark's ceiling (web/bench.py), never in production
    from web.bench import hello

    urlpatterns.append(path("bench/hello/", hello, name="bench-hello"))

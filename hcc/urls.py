from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from oauth2_provider import views as oauth2_views

api_v1 = [
    path("", include("procedures.api_urls")),
    path("", include("dossiers.api_urls")),
    path("", include("dashboards.api_urls")),
]

urlpatterns = [
    path("", include("procedures.urls")),
    path("ho-so/", include("dossiers.urls")),
    path("giay-to/", include("receipts.urls")),
    path("kho-giay-to/", include("documents.urls")),
    path("thanh-toan/", include("payments.urls")),
    path("tai-khoan/", include("accounts.urls")),
    path("du-lieu-ca-nhan/", include("privacy.urls")),
    path("xep-hang/", include("counters.urls")),
    path("thong-ke/", include("dashboards.urls")),
    path("cong-quoc-gia/", include("national.urls")),
    path("", include("surveys.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # OAuth2 client credentials for machine clients of the API (django-oauth-toolkit)
    path("o/token/", oauth2_views.TokenView.as_view(), name="oauth2-token"),
    path("o/revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="oauth2-revoke-token"),
    path("", include("web.urls")),  # API docs; the benchmark's view when HCC_BENCH_VIEWS is on
]

handler404 = "web.errors.not_found"

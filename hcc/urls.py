from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_v1 = [
    path("", include("procedures.api_urls")),
    path("", include("dossiers.api_urls")),
]

urlpatterns = [
    path("", include("procedures.urls")),
    path("ho-so/", include("dossiers.urls")),
    path("tai-khoan/", include("accounts.urls")),
    path("xep-hang/", include("counters.urls")),
    path("", include("surveys.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

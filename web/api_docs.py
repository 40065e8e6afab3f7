"""The API documentation page (Swagger UI, served from drf-spectacular-sidecar's static files)."""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView


class ApiDocsView(SpectacularSwaggerView):
    """Swagger UI under the site's Content-Security-Policy: its one inline ``<script>`` and
    ``<style>`` carry the request's nonce (``templates/drf_spectacular/swagger_ui.html``).

    drf-spectacular opens the page to other windows (``Cross-Origin-Opener-Policy: unsafe-none``)
    for OAuth2 pop-ups; the API signs in with the session only, so the page keeps the site's
    ``same-origin``."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Cross-Origin-Opener-Policy"] = "same-origin"
        return response

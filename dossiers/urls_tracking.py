"""Public tracking (no login): by code and secret, or by the QR link's token."""

from django.urls import path

from dossiers.views import tracking

urlpatterns = [
    path("tra-cuu/", tracking.track, name="track"),
    path("tra-cuu/<str:token>/", tracking.track_token, name="track_token"),
]

from django.urls import path
from rest_framework.routers import SimpleRouter

from dossiers.api import DossierViewSet, InboxView, StepViewSet, TrackingView

router = SimpleRouter()
router.register("dossiers", DossierViewSet, basename="dossier")
router.register("steps", StepViewSet, basename="step")

urlpatterns = [
    *router.urls,
    path("inbox/", InboxView.as_view(), name="dossier-inbox"),
    path("tracking/", TrackingView.as_view(), name="dossier-tracking"),
]

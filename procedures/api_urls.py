from rest_framework.routers import SimpleRouter

from procedures.api import AgencyViewSet, FieldViewSet, ProcedureViewSet

router = SimpleRouter()
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("fields", FieldViewSet, basename="field")

urlpatterns = router.urls

from django.db.models import Prefetch
from rest_framework import viewsets

from procedures.filters import ProcedureFilter
from procedures.models import Agency, Field, ProcessStep
from procedures.selectors import procedures_public
from procedures.serializers import (
    AgencySerializer,
    FieldSerializer,
    ProcedureDetailSerializer,
    ProcedureListSerializer,
)


class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """The public catalog of administrative procedures. ``q`` searches code and name ignoring
    case and diacritics; ``level``, ``agency``, ``field`` (codes) and ``online_level`` filter."""

    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_class = ProcedureFilter

    def get_queryset(self):
        qs = procedures_public()
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "documents",
                "fees",
                Prefetch("process_steps", queryset=ProcessStep.objects.select_related("agency")),
            )
        return qs

    def get_serializer_class(self):
        return ProcedureDetailSerializer if self.action == "retrieve" else ProcedureListSerializer


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Agency.objects.filter(is_active=True).select_related("parent").order_by("code")
    serializer_class = AgencySerializer
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_fields = ["level", "kind", "has_one_stop_desk"]


class FieldViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Field.objects.order_by("code")
    serializer_class = FieldSerializer
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_fields = []

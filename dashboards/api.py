"""``GET /api/v1/stats/``: the figures of a period, one row per group."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards import figures
from dashboards.query import StatsQueryError, may_see_stats, parse

API_FIELDS = [
    "received",
    "received_online",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress",
    "in_progress_overdue",
    "refused",
    "withdrawn",
    "returned",
]
EXTRA_FIELDS = ["carried_over", "stopped", "satisfaction_base", "satisfaction_good"]


class StatsRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True, help_text="agency/field/procedure code, level or channel name, YYYY-MM"
    )
    label = serializers.CharField()
    on_time_rate = serializers.FloatField(allow_null=True, help_text="100 × (early + on time) / resolved")
    online_rate = serializers.FloatField(allow_null=True, help_text="100 × received_online / received")
    satisfaction_rate = serializers.FloatField(
        allow_null=True, help_text="Decision 766: 100 × satisfaction_good / satisfaction_base"
    )


for _name in API_FIELDS + EXTRA_FIELDS:
    StatsRowSerializer._declared_fields[_name] = serializers.IntegerField(help_text=figures.FIGURES[_name][1])


def _codes(name: str, what: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, description=f"{what}, comma-separated")


class StatsView(APIView):
    @extend_schema(
        operation_id="stats",
        summary="Statistics of dossiers by period and group (form 06 figures)",
        parameters=[
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=list(figures.GROUPS)),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="YYYY-MM-DD (default: 1 January)"),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="YYYY-MM-DD (default: today)"),
            _codes("agency", "agency codes"),
            _codes("level", "levels (central, province, district, commune)"),
            _codes("field", "field codes"),
            _codes("procedure", "procedure codes"),
            _codes("channel", "channels (counter, online, postal)"),
        ],
        responses={200: StatsRowSerializer(many=True)},
    )
    def get(self, request):
        if not may_see_stats(request.user):
            raise PermissionDenied()
        try:
            query = parse(request.query_params, request.user)
        except StatsQueryError as exc:
            raise ValidationError(exc.message_dict) from None
        rows = figures.compute(
            date_from=query.date_from, date_to=query.date_to, group_by=query.group_by, filters=query.filters
        )
        return Response([{"key": r.key, "label": r.label, **r.figures} for r in rows])

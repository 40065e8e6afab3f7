"""``GET /api/v1/stats/``: the figures of a period, one row per group."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards import figures, index766
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


class Index766Serializer(serializers.Serializer):
    points = serializers.FloatField(help_text="Decision 766/QĐ-TTg index, out of 100 (docs/index766.md)")
    groups = serializers.DictField(
        child=serializers.FloatField(), help_text="group number (1-6) → its points"
    )
    indicators = serializers.DictField(
        child=serializers.FloatField(), help_text="indicator code (1.1 … 6.3) → its points"
    )


StatsRowSerializer._declared_fields["index766"] = Index766Serializer(
    required=False, help_text="with index=766 and group_by agency or level (or none)"
)

INDEX_GROUPS = {None: "province", "agency": "agency", "level": "level"}


def _index766(score) -> dict:
    return {
        "points": float(score.points),
        "groups": {str(g.group.number): float(g.points) for g in score.groups},
        "indicators": {i.indicator.code: float(i.points) for i in score.indicators},
    }


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
            OpenApiParameter(
                "index",
                OpenApiTypes.STR,
                enum=["766"],
                description="766: each row gains Decision 766's points (group_by agency, level or none)",
            ),
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
        with_index = (request.query_params.get("index") or "").strip()
        if with_index and (with_index != "766" or query.group_by not in INDEX_GROUPS):
            raise ValidationError(
                {"index": [_("index=766 chỉ dùng với group_by=agency, group_by=level hoặc không nhóm.")]}
            )
        rows = figures.compute(
            date_from=query.date_from, date_to=query.date_to, group_by=query.group_by, filters=query.filters
        )
        out = [{"key": r.key, "label": r.label, **r.figures} for r in rows]
        if with_index:
            scores = {
                s.key: s
                for s in index766.index(
                    date_from=query.date_from,
                    date_to=query.date_to,
                    group_by=INDEX_GROUPS[query.group_by],
                    filters=query.filters,
                )
            }
            empty = index766.score({})
            for row in out:
                row["index766"] = _index766(scores.get(row["key"], empty))
        return Response(out)

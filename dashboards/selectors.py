"""Reads of the dashboards: the dossiers behind a figure, scoped to who asks."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from dashboards import figures
from dashboards.query import StatsQuery
from dossiers.models import Dossier
from dossiers.rollup import OPEN_STATUSES


def dossiers_behind(query: StatsQuery, bucket: str) -> QuerySet[Dossier]:
    """The dossiers counted in ``bucket`` for ``query``: open ones first by due date (overdue and
    due soonest on top), then the others, newest first."""
    qs = figures.with_days(Dossier.objects.filter(query.filters.q(on_rollup=False)))
    qs = qs.filter(figures.bucket_q(bucket, date_from=query.date_from, date_to=query.date_to))
    return (
        qs.select_related("procedure", "resolving_agency")
        .annotate(
            closed_rank=Case(
                When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("closed_rank", "due_at", "-id")
    )

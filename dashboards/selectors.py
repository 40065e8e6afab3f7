"""Reads of the dashboards: the dossiers behind a figure, scoped to who asks."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from dashboards import figures
from dashboards.query import StatsQuery
from dashboards.rollup import OPEN_STATUSES
from dossiers.models import Dossier


def dossiers_behind(query: StatsQuery, bucket: str) -> QuerySet[Dossier]:
    """The dossiers counted in ``bucket`` for ``query``: open ones first by due date (overdue and
    due soonest on top), then the others, newest first."""
    qs = Dossier.objects.filter(query.filters.q(on_rollup=False))
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


def public_resolved(query: StatsQuery) -> QuerySet[Dossier]:
    """Resolved dossiers of the period for the public results page (names masked by the page)."""
    start_q = figures.bucket_q("resolved", date_from=query.date_from, date_to=query.date_to)
    return (
        Dossier.objects.filter(start_q, query.filters.q(on_rollup=False))
        .select_related("procedure", "resolving_agency")
        .only(
            "code",
            "applicant_name",
            "received_at",
            "due_at",
            "result_ready_at",
            "procedure__name",
            "resolving_agency__name",
        )
        .order_by("-result_ready_at", "-id")
    )


def mask_name(name: str) -> str:
    """``Nguyễn Văn An`` → ``N***** V** A*``: the public page never shows a whole name."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())

"""Satisfaction and feedback figures for the dashboards and the surveys' own page.

Most functions take a period ``[start, end)`` of aware datetimes and optional filters, and return
plain dicts; ``rating_totals_by_day`` takes whole local days and reads the monthly and daily
counts."""

from datetime import date, datetime

from django.db import connection, connections, router, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from dossiers import punctuality
from dossiers.models import Dossier
from dossiers.punctuality import rate
from surveys.models import OPEN_FEEDBACK, Feedback, FeedbackStatus, Rating, RatingDay, RatingMonth, Score
from web import periods, prepared

GROUPS = {
    "clerk": "clerk",
    "counter": "counter",
    "agency": "agency",
    "procedure": "procedure",
    "office": "office",
}


def _counts(row: dict) -> dict:
    rated = row["very_satisfied"] + row["satisfied"] + row["unsatisfied"]
    row["rated"] = rated
    row["satisfaction_rate"] = rate(row["very_satisfied"] + row["satisfied"], rated, digits=1)
    return row


def _score_counts() -> dict:
    return {
        "very_satisfied": Count("id", filter=Q(score=Score.VERY_SATISFIED)),
        "satisfied": Count("id", filter=Q(score=Score.SATISFIED)),
        "unsatisfied": Count("id", filter=Q(score=Score.UNSATISFIED)),
    }


def ratings_in(start: datetime, end: datetime, agency_ids=None) -> QuerySet[Rating]:
    rows = Rating.objects.filter(created_at__gte=start, created_at__lt=end)
    if agency_ids is not None:
        rows = rows.filter(Q(agency_id__in=agency_ids) | Q(office_id__in=agency_ids))
    return rows


def rating_totals(start: datetime, end: datetime, agency_ids=None) -> dict:
    """Count per score and the satisfaction rate = (very satisfied + satisfied) / rated, in %."""
    return _counts(ratings_in(start, end, agency_ids).aggregate(**_score_counts()))


def rating_totals_by_day(date_from: date, date_to: date, agency_ids=None) -> dict:
    """``rating_totals`` of whole local days, from the counts: the whole months of the period from
    the monthly ones (``RatingMonth``), the days at its edges from the daily ones (``RatingDay``),
    cut by ``web.periods.fixed_split`` — a year reads twelve months and two short edges, not 365
    days. The same numbers, for the dashboards' satisfaction figures at millions of ratings.
    Written as SQL of one text for every period, prepared once per connection (``web.prepared``):
    the ORM's aggregate cost more Python than the statement."""
    sums = ", ".join(
        f"COALESCE(SUM(CASE WHEN score = {int(score)} THEN n ELSE 0 END), 0)"
        for score in (Score.VERY_SATISFIED, Score.SATISFIED, Score.UNSATISFIED)
    )
    months, days = RatingMonth._meta.db_table, RatingDay._meta.db_table
    cut, scope = periods.fixed_split(date_from, date_to), ("agency_pk", "office_pk")
    with connections[router.db_for_read(RatingDay)].cursor() as cursor:
        adapt = cursor.db.ops.adapt_datefield_value
        m0, m1, a0, b0, a1, b1 = (adapt(day) for day in cut.params())
        # the scope narrows both parts alike: one name (``_scoped`` or not) for the statement
        name, in_months, month_params = prepared.scoped(
            cursor, "hcc_rating_totals", "month >= %s AND month < %s", [m0, m1], scope, agency_ids
        )
        _, on_days, day_params = prepared.scoped(
            cursor,
            "hcc_rating_totals",
            "((day >= %s AND day <= %s) OR (day >= %s AND day <= %s))",
            [a0, b0, a1, b1],
            scope,
            agency_ids,
        )
        month_rows = f"SELECT score, n FROM {months} WHERE {in_months}"  # noqa: S608  # nosec B608
        day_rows = f"SELECT score, n FROM {days} WHERE {on_days}"  # noqa: S608  # nosec B608
        sql = f"SELECT {sums} FROM ({month_rows} UNION ALL {day_rows}) AS counts"  # noqa: S608  # nosec B608
        prepared.execute(cursor, name, sql, month_params + day_params)
        very, satisfied, unsatisfied = (int(n) for n in cursor.fetchone())
    return _counts({"very_satisfied": very, "satisfied": satisfied, "unsatisfied": unsatisfied})


# A new rating counted on its day and in its month (each row made or added to).
_RATING_DAY_UPSERT = (
    "INSERT INTO surveys_ratingday (day, agency_pk, office_pk, score, n) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (day, agency_pk, office_pk, score) DO UPDATE SET n = surveys_ratingday.n + excluded.n"
)
_RATING_MONTH_UPSERT = (
    "INSERT INTO surveys_ratingmonth (month, agency_pk, office_pk, score, n) VALUES (%s, %s, %s, %s, %s) "
    "ON CONFLICT (month, agency_pk, office_pk, score) DO UPDATE SET n = surveys_ratingmonth.n + excluded.n"
)


def count_rating(rating: Rating) -> None:
    """Add a new rating to the daily and monthly counts (call it in the transaction that saves it)."""
    day = timezone.localdate(rating.created_at)
    key = (rating.agency_id or 0, rating.office_id or 0, rating.score)
    with connection.cursor() as cursor:
        cursor.execute(_RATING_DAY_UPSERT, [day, *key, 1])
        cursor.execute(_RATING_MONTH_UPSERT, [day.replace(day=1), *key, 1])


@transaction.atomic
def rebuild_rating_days() -> int:
    """The daily counts and their monthly sums again from the ratings (after ratings were written
    in bulk). Returns the daily rows."""
    RatingDay.objects.all().delete()
    RatingMonth.objects.all().delete()
    tz = timezone.get_current_timezone()
    sums = (
        Rating.objects.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "agency_id", "office_id", "score")
        .annotate(n=Count("id"))
        .order_by()
    )
    made = RatingDay.objects.bulk_create(
        (
            RatingDay(
                day=r["day"],
                agency_pk=r["agency_id"] or 0,
                office_pk=r["office_id"] or 0,
                score=r["score"],
                n=r["n"],
            )
            for r in sums.iterator(chunk_size=10_000)
        ),
        batch_size=5000,
    )
    months = (
        RatingDay.objects.annotate(month=TruncMonth("day"))
        .values("month", "agency_pk", "office_pk", "score")
        .annotate(total=Sum("n"))
        .order_by()
    )
    RatingMonth.objects.bulk_create(
        (
            RatingMonth(
                month=r["month"],
                agency_pk=r["agency_pk"],
                office_pk=r["office_pk"],
                score=r["score"],
                n=r["total"],
            )
            for r in months.iterator(chunk_size=10_000)
        ),
        batch_size=5000,
    )
    return len(made)


def ratings_by(group: str, start: datetime, end: datetime, agency_ids=None) -> list[dict]:
    """The same per clerk, counter, agency, procedure or office: rows ``{"key": id, ...}``."""
    column = GROUPS[group]
    rows = (
        ratings_in(start, end, agency_ids)
        .exclude(**{f"{column}__isnull": True})
        .values(column)
        .annotate(**_score_counts())
        .order_by(column)
    )
    return [_counts({"key": row.pop(column), **row}) for row in rows]


def ratings_by_period(start: datetime, end: datetime, agency_ids=None, *, by: str = "month") -> list[dict]:
    """The same per month (or day) of the period."""
    from django.db.models.functions import TruncDay

    trunc = TruncMonth if by == "month" else TruncDay
    rows = (
        ratings_in(start, end, agency_ids)
        .annotate(period=trunc("created_at"))
        .values("period")
        .annotate(**_score_counts())
        .order_by("period")
    )
    return [_counts({"key": row.pop("period"), **row}) for row in rows]


def satisfaction_indicator(start: datetime, end: datetime, agency_ids=None) -> dict:
    """Decision 766/QĐ-TTg: dossiers resolved in the period without an unsatisfied rating, a
    feedback item about them, or lateness (``dossiers.punctuality``: the result after ``due_at``),
    over all dossiers resolved in the period, refused and withdrawn ones left out. The rating and feedback
    services mark the dossier (``rated_unsatisfied``, ``has_feedback``), so the statistics' rollup
    counts the same index (``satisfaction_base``/``_good``) for the dashboards; this counts it over
    the dossiers, with its parts."""
    dossiers = Dossier.objects.filter(
        punctuality.satisfaction_base_q(), result_ready_at__gte=start, result_ready_at__lt=end
    )
    if agency_ids is not None:
        dossiers = dossiers.filter(resolving_agency_id__in=agency_ids)
    counts = dossiers.aggregate(
        dossiers=Count("pk"),
        unsatisfied=Count("pk", filter=Q(rated_unsatisfied=True)),
        complained=Count("pk", filter=Q(has_feedback=True)),
        late=Count("pk", filter=punctuality.outcome_q(punctuality.LATE)),
        satisfied=Count("pk", filter=punctuality.satisfied_q()),
    )
    return {**counts, "rate": rate(counts["satisfied"], counts["dossiers"], digits=1)}


def feedback_figures(start: datetime, end: datetime, agency_ids=None, *, now: datetime | None = None) -> dict:
    """Feedback received in the period: answered on time, answered late, still open (and open past
    the due date)."""
    now = now or timezone.now()
    # the counts in one statement, written as SQL and prepared once per connection (the ORM's
    # aggregate cost more Python than the statement); answered late as ``punctuality.is_late``
    # says (after the due time; an answer without a due time is on time); open past due as
    # ``punctuality.is_overdue``
    is_open = f"status IN ({', '.join(repr(str(s)) for s in OPEN_FEEDBACK)})"
    counts = {
        "received": "1 = 1",
        "open": is_open,
        "open_overdue": f"{is_open} AND due_at < %s",
        "rejected": f"status = {str(FeedbackStatus.REJECTED)!r}",
        "answered": "answered_at IS NOT NULL",
        "late": f"answered_at IS NOT NULL AND {punctuality.late_sql('answered_at', 'due_at')}",
    }
    with connections[router.db_for_read(Feedback)].cursor() as cursor:
        adapt = cursor.db.ops.adapt_datetimefield_value
        where, params = "received_at >= %s AND received_at < %s", [adapt(start), adapt(end)]
        name, where, params = prepared.scoped(
            cursor, "hcc_feedback_figures", where, params, ("agency_id",), agency_ids
        )
        sql = "SELECT {} FROM {} WHERE {}".format(  # noqa: S608  # nosec B608: our columns and constants
            ", ".join(f"COUNT(CASE WHEN {condition} THEN 1 END)" for condition in counts.values()),
            Feedback._meta.db_table,
            where,
        )
        prepared.execute(cursor, name, sql, [adapt(now), *params])
        counts = dict(zip(counts, cursor.fetchone(), strict=True))
    on_time, late = counts["answered"] - counts["late"], counts["late"]
    return {
        "received": counts["received"],
        "answered_on_time": on_time,
        "answered_late": late,
        "open": counts["open"],
        "open_overdue": counts["open_overdue"],
        "rejected": counts["rejected"],
    }

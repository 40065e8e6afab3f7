"""The punctuality rules (``dossiers.punctuality``): the Python, ORM and SQL forms give the same
answer on generated dossiers, and no other module writes them again."""

import random
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Case, CharField, Value, When

from dossiers import punctuality
from dossiers.models import Dossier
from dossiers.punctuality import EARLY, LATE, ON_TIME, OUTCOMES
from tests.factories import DossierFactory, ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE_DAY = datetime(2026, 3, 10, tzinfo=VN)  # a Tuesday
# due at the end of the office day, at the end of the morning, at the opening, at local midnight
DUE_TIMES = [(17, 0), (11, 30), (7, 0), (0, 0)]
# results around them: before and after office hours, either side of local midnight (which is
# 17:00 UTC the day before: a UTC date would be wrong), to the second around the due time
OFFSETS = [
    timedelta(days=-3),
    timedelta(days=-1, hours=6, minutes=30),
    timedelta(hours=-7, seconds=-1),
    timedelta(minutes=-1),
    timedelta(seconds=-1),
    timedelta(0),
    timedelta(seconds=1),
    timedelta(minutes=30),
    timedelta(hours=6, minutes=59, seconds=59),
    timedelta(hours=7),
    timedelta(days=1, hours=1),
]
STATUSES = ["result_ready", "returned", "refused", "withdrawn", "stopped", "processing"]


def _dossiers(seed: int = 23) -> list[Dossier]:
    rng = random.Random(seed)
    procedure = ProcedureFactory()
    rows = []
    for hour, minute in DUE_TIMES:
        due = DUE_DAY.replace(hour=hour, minute=minute)
        for offset in OFFSETS:
            rows.append((due, due + offset))
    rows += [(None, DUE_DAY), (DUE_DAY, None), (None, None)]
    for _ in range(120):  # and at random, to the second, over a few days either side
        due = DUE_DAY + timedelta(days=rng.randint(-2, 2), seconds=rng.randint(0, 86_399))
        rows.append((due, due + timedelta(seconds=rng.randint(-3 * 86_400, 3 * 86_400))))
    return [
        DossierFactory(
            procedure=procedure,
            status=rng.choice(STATUSES),
            received_at=DUE_DAY - timedelta(days=10),
            due_at=due,
            result_ready_at=ready,
            rated_unsatisfied=rng.random() < 0.2,
            has_feedback=rng.random() < 0.2,
        )
        for due, ready in rows
    ]


def _python(d: Dossier) -> tuple:
    result = punctuality.outcome(d.result_ready_at, d.due_at)
    return (
        result,
        punctuality.in_satisfaction_base(d.status, result),
        punctuality.satisfied(
            status=d.status,
            result=result,
            rated_unsatisfied=d.rated_unsatisfied,
            has_feedback=d.has_feedback,
        ),
    )


def _orm() -> dict[int, tuple]:
    qs = Dossier.objects.annotate(
        outcome=Case(
            *(When(punctuality.outcome_q(o), then=Value(o)) for o in OUTCOMES),
            default=None,
            output_field=CharField(),
        ),
        base=Case(When(punctuality.satisfaction_base_q(), then=True), default=False),
        good=Case(When(punctuality.satisfied_q(), then=True), default=False),
    )
    return {r["pk"]: (r["outcome"], r["base"], r["good"]) for r in qs.values("pk", "outcome", "base", "good")}


def _sql() -> dict[int, tuple]:
    outcome = punctuality.outcome_sql("result_ready_at", "due_at")
    base = punctuality.satisfaction_base_sql("status")
    good = punctuality.satisfied_sql(
        status="status",
        late=punctuality.late_sql("result_ready_at", "due_at"),
        unsatisfied="rated_unsatisfied",
        feedback="has_feedback",
    )
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {outcome}, result_ready_at IS NOT NULL AND {base}, "  # noqa: S608  # nosec B608
            f"result_ready_at IS NOT NULL AND {good} FROM dossiers_dossier",
            {"tz": settings.TIME_ZONE},
        )
        return {pk: (o, b, g) for pk, o, b, g in cursor.fetchall()}


def test_the_python_and_orm_forms_agree(db):
    dossiers = _dossiers()
    python = {d.pk: _python(d) for d in dossiers}
    assert _orm() == python
    # every outcome and both answers of the index are among the cases
    assert {v[0] for v in python.values()} == {*OUTCOMES, None}
    assert {v[2] for v in python.values()} == {True, False}


@pytest.mark.postgres
def test_the_sql_form_agrees_with_the_python_one(db, on_postgres):
    dossiers = _dossiers(seed=7)
    assert _sql() == {d.pk: _python(d) for d in dossiers}


def test_overdue_in_python_and_orm(db):
    dossiers = _dossiers(seed=5)
    for now in (DUE_DAY.replace(hour=h, minute=m) + delta for h, m in DUE_TIMES for delta in OFFSETS):
        python = {d.pk for d in dossiers if punctuality.is_overdue(d.due_at, now)}
        assert set(Dossier.objects.filter(punctuality.overdue_q(now)).values_list("pk", flat=True)) == python


def test_late_is_after_the_due_time_and_early_a_day_before():
    """The rule of ``docs/rules.md`` ("Punctuality"): late after the appointment's time, to the
    second; early on an earlier local date; on time on the due date at or before the time."""
    due = DUE_DAY.replace(hour=11)  # the appointment: 11:00 on 10/03
    assert punctuality.outcome(due + timedelta(hours=5), due) == LATE  # 16:00 the same day
    assert punctuality.outcome(due + timedelta(seconds=1), due) == LATE
    assert punctuality.outcome(due, due) == ON_TIME
    assert punctuality.outcome(due.replace(hour=6, minute=30), due) == ON_TIME  # before office hours
    assert punctuality.outcome(due.replace(hour=0, minute=0), due) == ON_TIME  # local midnight
    assert punctuality.outcome(due.replace(hour=0) - timedelta(seconds=1), due) == EARLY  # 23:59:59 on 09/03
    assert punctuality.outcome(due - timedelta(days=3), due) == EARLY
    assert punctuality.outcome(due, None) == ON_TIME
    assert punctuality.outcome(None, due) is None
    # overdue from the same instant on: at 11:00:01 an open dossier is overdue, a result late
    assert not punctuality.is_overdue(due, due)
    assert punctuality.is_overdue(due, due + timedelta(seconds=1))


# --- one definition -------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / "dossiers" / "punctuality.py"
APPS = (
    "accounts",
    "counters",
    "dashboards",
    "dossiers",
    "notifications",
    "procedures",
    "receipts",
    "surveys",
)
# What a second definition of the rules looks like; each pattern matched the code before it had
# one home (``dossiers/punctuality.py``).
SECOND_DEFINITIONS = {
    "two dates compared in the ORM": re.compile(
        r"__date__(lt|lte|gt|gte)=F\(|_day__(lt|lte|gt|gte)=F\("
        r"|(ready_at|finished_at|answered_at)__(lt|lte|gt|gte)=F\(\s*[\"']\w*due"
    ),
    "a time compared with a due time": re.compile(
        r"(ready|done|finished|answered)\w*\s*(<|<=|>|>=)\s*([\w.]+\.)?\w*due_at"
        r"|\bdue_at\s*<\s*now\b"
    ),
    "two local dates compared": re.compile(
        r"localdate\([^()]*(ready|done|answered|finished|result)[^()]*\)\s*(<|>|==)"
        r"|(ready|done)\w*\s*(<|<=|>|>=|==)\s*due\w*"
    ),
    "dates compared in SQL": re.compile(
        r"\b(yd|ready_day)\s*(<|<=|>|>=|=)\s*(COALESCE\()?(dd|due_day)", re.I
    ),
    "a punctuality label decided": re.compile(r"""return\s+["'](early|late|on_time)["']"""),
    "the Decision 766 exclusions": re.compile(r"NOT_IN_SATISFACTION\s*=|NOT IN \('refused', 'withdrawn'\)"),
    "a rate": re.compile(r"round\(\s*100\s*\*"),
}


def test_no_second_definition_of_the_rules():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if path == HOME or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for what, pattern in SECOND_DEFINITIONS.items():
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []

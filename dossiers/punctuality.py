"""Early, on time or late; overdue; Decision 766's "satisfied" dossier; a rate: each rule written
once, in the three forms the code needs side by side:

- Python, on values (``outcome``, ``is_overdue``, ``satisfied``, ``rate``): the services, the
  papers, the rollups counted one dossier at a time;
- ORM expressions (``outcome_q``, ``not_late_q``, ``overdue_q``, ``satisfied_q``): the figures
  counted over the dossiers and the lists behind them;
- SQL for PostgreSQL (``late_sql``, ``outcome_sql``, ``satisfied_sql``): the rollups recounted,
  and staged by the history import, in one statement.

``tests/dossiers/test_punctuality.py`` checks that the three forms agree on generated dossiers
(edge times on the due date, before and after office hours, around local midnight), and that no
other module writes the rules again.

It lives in ``dossiers`` because the due date (``Dossier.due_at``, ``Step.due_at``) lives there and
every app that judges it builds on ``dossiers``: its services and selectors, ``receipts`` (the
control sheet), ``surveys`` (Decision 766's index, feedback answered on time) and ``dashboards``
(the rollups and figures). See ``docs/rules.md``, "Punctuality".

The rule (``docs/rules.md``, "Punctuality"):

- **late**: done after the due time (``done_at > due_at``), to the second. The due time is the
  appointment written on the intake receipt, "… giờ … phút, ngày …" (form 01 of Circular
  03/2025/TT-VPCP, before it Circular 01/2018/TT-VPCP; Decree 118/2025/NĐ-CP, before it Decree
  61/2018/NĐ-CP as amended by Decree 107/2021/NĐ-CP): a result at 16:00 on a dossier due at 11:00
  the same day is late, as the live "overdue" already said at 11:01;
- **early**: done on a local date before the due date (the day before the appointment's or
  earlier, as DESIGN.md counted it); **on time**: on the due date, at or before the due time.
  The law counts early and on time together (Decision 766/QĐ-TTg counts "đúng hạn hoặc trước
  hạn" as one), so the split only names the early ones: it is our line, not the law's;
- **overdue**: not done yet and the due time has passed (``due_at < now``);
- a result without a due date counts on time (nothing to be late against).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import F, Q
from django.utils import timezone

from dossiers.workflow import Status

EARLY, ON_TIME, LATE = "early", "on_time", "late"
OUTCOMES = (EARLY, ON_TIME, LATE)

# --- early, on time, late ------------------------------------------------------------------------


def outcome(
    done_at: datetime | None, due_at: datetime | None, *, days: tuple[date, date] | None = None
) -> str | None:
    """``EARLY`` / ``ON_TIME`` / ``LATE`` of something done at ``done_at`` and due at ``due_at``
    (a dossier's result, a step's hand-off, a feedback's answer); None while not done. ``days``:
    the local dates of both, when the caller has them already (the rollup counts a million rows
    in an import; a local date costs a time zone conversion)."""
    if done_at is None:
        return None
    if due_at is None:
        return ON_TIME
    if done_at > due_at:
        return LATE
    done_day, due_day = days or (timezone.localdate(done_at), timezone.localdate(due_at))
    return EARLY if done_day < due_day else ON_TIME


def is_late(done_at: datetime | None, due_at: datetime | None) -> bool:
    return outcome(done_at, due_at) == LATE


def outcome_q(which: str, *, done: str = "result_ready_at", due: str = "due_at") -> Q:
    """The rows whose ``done`` (a datetime column, set) is ``which`` against ``due``."""
    finished = Q(**{f"{done}__isnull": False})
    if which == EARLY:
        return finished & Q(**{f"{done}__date__lt": F(f"{due}__date")})
    if which == ON_TIME:
        same_day_in_time = Q(**{f"{done}__date": F(f"{due}__date"), f"{done}__lte": F(due)})
        return finished & (same_day_in_time | Q(**{f"{due}__isnull": True}))
    if which == LATE:
        return finished & Q(**{f"{done}__gt": F(due)})
    raise ValueError(which)


def not_late_q(*, done: str = "result_ready_at", due: str = "due_at") -> Q:
    """Early or on time (written out: the negation of ``LATE`` would drop the rows without a due
    date, where SQL's comparison gives NULL)."""
    return outcome_q(EARLY, done=done, due=due) | outcome_q(ON_TIME, done=done, due=due)


def late_sql(done: str, due: str) -> str:
    """A PostgreSQL expression: ``done`` is after ``due`` (NULL when either is NULL). ``done`` and
    ``due`` are column expressions (ours, never input)."""
    return f"({done} > {due})"


def outcome_sql(
    done: str,
    due: str,
    *,
    tz: str = "%(tz)s",
    late: str | None = None,
    days: tuple[str, str] | None = None,
    prefix: str = "",
) -> str:
    """A PostgreSQL expression: ``'early'`` / ``'on_time'`` / ``'late'`` (each after ``prefix``),
    NULL while ``done`` is NULL. ``tz`` is the placeholder of the local time zone's name. When the
    statement has them already (the rollup's, over millions of rows): ``late``, an expression of
    ``late_sql(done, due)``, and ``days``, the expressions of both local dates (as ``outcome``'s
    ``days``); ``done`` and ``due`` may then be those dates, NULL exactly when the times are."""

    def day(column: str) -> str:
        return f"({column} AT TIME ZONE {tz})::date"

    late = late or late_sql(done, due)
    done_day, due_day = days or (day(done), day(due))
    return (
        f"CASE WHEN {done} IS NULL THEN NULL WHEN {due} IS NULL THEN '{prefix}{ON_TIME}' "
        f"WHEN {late} THEN '{prefix}{LATE}' "
        f"WHEN {done_day} < {due_day} THEN '{prefix}{EARLY}' ELSE '{prefix}{ON_TIME}' END"
    )


# --- overdue: not done, and the due time has passed --------------------------------------------------


def is_overdue(due_at: datetime | None, now: datetime) -> bool:
    """Something not done yet is overdue at ``now`` once its due time has passed."""
    return due_at is not None and due_at < now


def overdue_q(now: datetime, *, due: str = "due_at") -> Q:
    """``is_overdue`` of the rows (the caller says which are not done)."""
    return Q(**{f"{due}__lt": now})


# --- Decision 766/QĐ-TTg: a resolved dossier that counts as satisfied -----------------------------
# The index's base is the dossiers with a result, refused or withdrawn ones left out; of those, a
# dossier is satisfied without an unsatisfied rating, a feedback item about it, or lateness.

NOT_IN_SATISFACTION = (Status.REFUSED, Status.WITHDRAWN)


def in_satisfaction_base(status: str, result: str | None) -> bool:
    """``result``: the dossier's ``outcome`` (None without a result)."""
    return result is not None and status not in NOT_IN_SATISFACTION


def satisfied(*, status: str, result: str | None, rated_unsatisfied: bool, has_feedback: bool) -> bool:
    """``result``: the dossier's ``outcome`` (None without a result); ``satisfied_sql`` says the
    same from ``late_sql``."""
    return (
        in_satisfaction_base(status, result) and result != LATE and not rated_unsatisfied and not has_feedback
    )


def satisfaction_base_q() -> Q:
    return Q(result_ready_at__isnull=False) & ~Q(status__in=NOT_IN_SATISFACTION)


def satisfied_q() -> Q:
    return satisfaction_base_q() & not_late_q() & Q(rated_unsatisfied=False, has_feedback=False)


def satisfaction_base_sql(status: str) -> str:
    """PostgreSQL: ``status`` (a column expression) is counted in the index's base (with a result)."""
    return f"{status} NOT IN ({', '.join(repr(str(s)) for s in NOT_IN_SATISFACTION)})"


def satisfied_sql(*, status: str, late: str, unsatisfied: str, feedback: str) -> str:
    """PostgreSQL: a resolved dossier is satisfied; ``late`` is its ``late_sql`` (NULL without a
    due date: not late)."""
    return (
        f"{satisfaction_base_sql(status)} AND NOT COALESCE({late}, false) "
        f"AND NOT {unsatisfied} AND NOT {feedback}"
    )


# --- rates ----------------------------------------------------------------------------------------


def rate(part: int, whole: int, *, digits: int = 2) -> float | None:
    """``part`` in percent of ``whole`` (the on-time, online, satisfaction and online payment
    rates), rounded; None when ``whole`` is 0 (no rate of nothing)."""
    return round(100 * part / whole, digits) if whole else None

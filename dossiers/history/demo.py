"""Synthetic history for ``seed_demo --dossiers N`` beyond the few dossiers made through the
services: years of past dossiers written in bulk by the history importer's writer.

The history looks like a real center's: more dossiers before Tết and at the end of the year, fewer
in the Tết month and in summer, Mondays busiest, only working days and office hours, online
submissions growing over the years, a few postal ones, most dossiers resolved early or on time, some
late, some supplemented (their due date moved by the paused time), a few refused, withdrawn or
stopped, and the most recent ones still in progress. Those get the steps of their procedure's
routing, as intake makes them, so they wait in the reviewers' inboxes: a received one at its
first step, one being processed further along when its earlier steps were due to be done. Never
run on a production database.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import extensions
from dossiers.demo_names import GIVEN, MIDDLE, SURNAMES
from dossiers.history.loading import BatchWriter
from dossiers.history.rows import HistoryReport, HistoryRow
from dossiers.models import Channel, Dossier, DossierCounter, Step, StepStatus
from dossiers.workflow import Status
from procedures import workdays
from procedures.models import Agency, Level, Procedure, ProcessStep

# Relative load per month (January … December): the rush before Tết, the Tết month, summer.
MONTH_WEIGHT = [1.25, 0.6, 1.05, 1.0, 0.95, 1.0, 0.9, 0.85, 1.0, 1.05, 1.1, 1.3]
WEEKDAY_WEIGHT = [1.3, 1.1, 1.0, 1.0, 0.9, 0.5, 0.5]  # Monday … Sunday (weekends only when worked)
BATCH = 20_000


def _working_days(first: date, last: date, calendar: workdays.WorkCalendar) -> list[date]:
    calendar.ensure_years(range(first.year, last.year + 1))
    days, day = [], first
    while day <= last:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def synthetic_rows(
    count: int, *, until: date, seed: int = 2026, start_index: int = 0
) -> Iterator[HistoryRow]:
    """``count`` dossiers received over the working days before ``until``, about 250 a working
    day per office, oldest first."""
    rng = random.Random(seed + start_index)
    calendar = workdays.WorkCalendar()
    procedures = list(Procedure.objects.filter(is_active=True).select_related("agency").order_by("code"))
    if not procedures:
        return
    desks = list(Agency.objects.filter(has_one_stop_desk=True).order_by("code"))
    center = next((a for a in desks if a.kind == "center"), desks[0])
    communes = [a for a in desks if a.level == Level.COMMUNE]
    # A few procedures carry most dossiers, as in real centers.
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(procedures))]
    per_day = 250 * max(1, len(desks) // 2)
    span = max(1, -(-count // per_day))  # working days needed
    first = until - timedelta(days=int(span * 7 / 5) + 30)
    days = _working_days(first, until - timedelta(days=1), calendar)
    day_weights = [MONTH_WEIGHT[d.month - 1] * WEEKDAY_WEIGHT[d.weekday()] for d in days]
    chosen = sorted(rng.choices(range(len(days)), weights=day_weights, k=count))
    # Numbers go on from the office's day counter, so running again never reuses a code.
    numbers = {
        (office_id, day): last
        for office_id, day, last in DossierCounter.objects.filter(day__gte=first).values_list(
            "office_id", "day", "last"
        )
    }
    tz = timezone.get_default_timezone()
    now = timezone.now()
    total_days = max(1, (days[-1] - days[0]).days)
    for index in chosen:
        day = days[index]
        procedure = rng.choices(procedures, weights=weights)[0]
        office, agency = center, procedure.agency
        if procedure.level == Level.COMMUNE and communes:
            office = agency = rng.choice(communes)  # commune procedures at the communes' own desks
        minute = rng.choice([rng.randint(7 * 60, 11 * 60 + 29), rng.randint(13 * 60 + 30, 16 * 60 + 59)])
        received_at = datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)), tz)
        progress = (day - days[0]).days / total_days
        online_share = 0.2 + 0.4 * progress if procedure.accepts_online else 0.0
        roll = rng.random()
        if roll < online_share:
            channel = Channel.ONLINE
        elif roll < online_share + (0.06 if procedure.accepts_postal else 0):
            channel = Channel.POSTAL
        else:
            channel = Channel.COUNTER
        due_at = calendar.due_at(received_at, procedure.processing_days, procedure.time_unit)
        if rng.random() < 0.08:  # supplemented: the paused time moves the due date
            due_at = calendar.add_working_time(due_at, timedelta(hours=8 * rng.randint(1, 5)))
        status, result_ready_at, returned_at = _outcome(rng, calendar, received_at, due_at, now)
        key = (office.id, day)
        numbers[key] = numbers.get(key, 0) + 1
        yield HistoryRow(
            code=f"{office.code}-{day:%y%m%d}-{numbers[key]:04d}",
            procedure_id=procedure.id,
            resolving_agency_id=agency.id,
            intake_office_id=office.id,
            channel=channel,
            applicant_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            received_at=received_at,
            due_at=due_at,
            status=status,
            result_ready_at=result_ready_at,
            returned_at=returned_at,
        )


def _outcome(
    rng: random.Random, calendar: workdays.WorkCalendar, received_at: datetime, due_at: datetime, now
) -> tuple[str, datetime | None, datetime | None]:
    roll = rng.random()
    if roll < 0.015:
        return Status.REFUSED, None, None
    if roll < 0.025:
        return Status.WITHDRAWN, None, None
    if roll < 0.03:
        return Status.STOPPED, None, None
    late = rng.random() < 0.07
    if late:
        ready = calendar.add_working_time(due_at, timedelta(hours=8 * rng.randint(1, 8)))
    elif rng.random() < 0.25:  # on the due date itself
        ready = max(received_at, due_at - timedelta(minutes=rng.randint(5, 120)))
    else:
        length = calendar.working_time_between(received_at, due_at)
        ready = calendar.add_working_time(received_at, length * rng.uniform(0.2, 0.9))
    if ready > now:  # not yet resolved: still in the hands of the departments
        return rng.choice([Status.PROCESSING, Status.PROCESSING, Status.RECEIVED]), None, None
    pickup = ready + timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 7]), hours=rng.randint(0, 4))
    if pickup > now or rng.random() < 0.04:
        return Status.RESULT_READY, ready, None
    return Status.RETURNED, ready, pickup


def seed_history(
    count: int, *, until: date | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Write ``count`` synthetic past dossiers in batches; returns how many were new."""
    until = until or timezone.localdate()
    report = HistoryReport()
    writer = BatchWriter(report)
    batch: list[HistoryRow] = []
    try:
        for row in synthetic_rows(count, until=until, start_index=Dossier.objects.count()):
            batch.append(row)
            if len(batch) >= BATCH:
                writer.submit(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            writer.submit(batch)
            if progress:
                progress(len(batch))
    finally:
        writer.finish()
    open_steps()
    if report.created:
        extensions.after_import()  # what other apps write for a new dossier (its fee lines)
    return report.created


def _routing() -> dict[int, list[ProcessStep]]:
    routing: dict[int, list[ProcessStep]] = {}
    for template in ProcessStep.objects.order_by("procedure_id", "order", "id"):
        routing.setdefault(template.procedure_id, []).append(template)
    return routing


def open_steps(*, batch_size: int = 5_000) -> int:
    """Give the dossiers in progress that have no steps (the bulk-written ones) the steps of their
    procedure's routing, as intake does (one step at the resolving agency without a routing): the
    orders whose time ran out before now are done, the next one is active. Returns the steps made."""
    calendar = workdays.WorkCalendar()
    routing = _routing()
    days_of = dict(Procedure.objects.values_list("id", "processing_days"))
    now = timezone.now()
    waiting = Dossier.objects.filter(
        status__in=[Status.RECEIVED, Status.PROCESSING], received_at__isnull=False
    )
    waiting = waiting.exclude(Exists(Step.objects.filter(dossier=OuterRef("pk")))).order_by("pk")
    made = 0
    rows = waiting.values_list("pk", "procedure_id", "resolving_agency_id", "received_at", "status")
    batch: list[Step] = []
    for pk, procedure_id, agency_id, received_at, status in rows.iterator(chunk_size=batch_size):
        templates = routing.get(procedure_id) or [
            ProcessStep(
                order=1, agency_id=agency_id, name=_("Giải quyết hồ sơ"), working_days=days_of[procedure_id]
            )
        ]
        batch.extend(_steps_of(pk, templates, received_at, status, now, calendar))
        if len(batch) >= batch_size:
            made += len(Step.objects.bulk_create(batch))
            batch = []
    if batch:
        made += len(Step.objects.bulk_create(batch))
    return made


def _steps_of(dossier_id, templates, received_at, status, now, calendar) -> list[Step]:
    """The steps of one dossier: a received one waits at its first order; one being processed
    has finished every order whose working time ran out before now (the last one stays open)."""
    orders = sorted({t.order for t in templates})
    started, current = received_at, orders[0]
    done: set[int] = set()
    if status == Status.PROCESSING:
        for order in orders[:-1]:
            days = max(t.working_days for t in templates if t.order == order)
            finished = calendar.due_at(started, days)
            if finished > now:
                break
            done.add(order)
            started, current = finished, orders[orders.index(order) + 1]
    steps = []
    for t in templates:
        step = Step(
            dossier_id=dossier_id,
            order=t.order,
            agency_id=t.agency_id,
            name=t.name,
            working_days=t.working_days,
        )
        if t.order in done:
            step.status, step.finished_at = StepStatus.DONE, started
        elif t.order == current:
            step.status, step.started_at = StepStatus.ACTIVE, started
            step.due_at = calendar.due_at(started, t.working_days)
        else:
            step.status = StepStatus.WAITING
        steps.append(step)
    return steps

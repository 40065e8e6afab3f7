"""The working-day calendar: office hours, weekends, public holidays and due dates (DESIGN.md "Due dates").

Working time runs in the periods of ``settings.HCC_OFFICE_HOURS`` (07:00-11:30 and 13:30-17:00, so a
working day is 8 hours) on working days. A day is a working day when it is a weekday and not a Vietnamese
public holiday (the ``holidays`` package), unless the package lists it as a make-up working Saturday; an
administrator's ``CalendarDay`` row beats both. All calendar math runs in ``settings.TIME_ZONE``
(Asia/Ho_Chi_Minh): callers pass timezone-aware datetimes and get aware datetimes in that zone back.

A ``WorkCalendar`` loads holidays and ``CalendarDay`` rows for whole years, one query per batch of
years; the module-level functions build a fresh one when none is given. Code computing many due dates
should build one calendar (``WorkCalendar.load(years=...)``) and pass it along.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from procedures.models import CalendarDay, CalendarDayKind, CalendarVersion, TimeUnit

__all__ = [
    "WorkCalendar",
    "add_working_days",
    "add_working_time",
    "due_at",
    "is_working_day",
    "next_working_moment",
    "working_time_between",
]

ONE_DAY = timedelta(days=1)
# No real calendar has a year without a working day; beyond this something is misconfigured.
MAX_IDLE_DAYS = 366

Period = tuple[time, time]


def parse_office_hours(spec: Iterable[str]) -> tuple[Period, ...]:
    """Parse ``["07:00-11:30", "13:30-17:00"]`` into sorted, non-overlapping (start, end) periods."""
    periods = []
    for item in spec:
        try:
            start_text, end_text = item.split("-")
            period = (time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip()))
        except ValueError as exc:
            raise ImproperlyConfigured(f"HCC_OFFICE_HOURS: {item!r} is not 'HH:MM-HH:MM'.") from exc
        if period[0] >= period[1]:
            raise ImproperlyConfigured(f"HCC_OFFICE_HOURS: {item!r} ends before it starts.")
        periods.append(period)
    periods.sort()
    if not periods:
        raise ImproperlyConfigured("HCC_OFFICE_HOURS has no working period.")
    for (_, previous_end), (next_start, _) in zip(periods, periods[1:], strict=False):
        if next_start < previous_end:
            raise ImproperlyConfigured(f"HCC_OFFICE_HOURS: periods overlap ({spec!r}).")
    return tuple(periods)


@lru_cache(maxsize=64)
def _package_calendar(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Vietnam's public holidays of ``year`` and the package's make-up working Saturdays."""
    country = holidays.country_holidays("VN", years=year)
    return frozenset(country), frozenset(country.weekend_workdays)


def _check_date(day: date) -> None:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"Expected a date, got {day!r}.")


def _span(day: date, period: Period) -> timedelta:
    return datetime.combine(day, period[1]) - datetime.combine(day, period[0])


def _check_duration(duration: timedelta) -> None:
    if not isinstance(duration, timedelta):
        raise TypeError(f"duration must be a timedelta, got {duration!r}.")
    if duration < timedelta():
        raise ValueError(f"duration must not be negative, got {duration}.")


class WorkCalendar:
    """Working days and office periods, with holidays and ``CalendarDay`` overrides loaded by year.

    Years are loaded lazily the first time a day in them is asked about (one query per batch of
    missing years); ``load(years=...)`` loads them up front. Office periods and the same-day cutoff
    come from settings unless given.
    """

    def __init__(self, *, office_hours: Iterable[str] | None = None, same_day_cutoff: str | None = None):
        self.periods = parse_office_hours(settings.HCC_OFFICE_HOURS if office_hours is None else office_hours)
        cutoff = settings.HCC_SAME_DAY_CUTOFF if same_day_cutoff is None else same_day_cutoff
        try:
            self.same_day_cutoff = time.fromisoformat(cutoff.strip())
        except ValueError as exc:
            raise ImproperlyConfigured(f"HCC_SAME_DAY_CUTOFF: {cutoff!r} is not 'HH:MM'.") from exc
        self.day_length = sum((_span(date.min, period) for period in self.periods), timedelta())
        self.tz = timezone.get_default_timezone()
        self._years: set[int] = set()
        self._holidays: set[date] = set()
        self._package_workdays: set[date] = set()
        self._overrides: dict[date, bool] = {}

    @classmethod
    def load(cls, years: Iterable[int] | None = None, **kwargs) -> WorkCalendar:
        """A calendar with ``years`` loaded now (default: last, this and next year)."""
        calendar = cls(**kwargs)
        if years is None:
            this_year = timezone.localdate(timezone=calendar.tz).year
            years = range(this_year - 1, this_year + 2)
        calendar.ensure_years(years)
        return calendar

    def ensure_years(self, years: Iterable[int]) -> None:
        """Load the holidays and ``CalendarDay`` rows of the years not loaded yet, in one query."""
        missing = set(years) - self._years
        if not missing:
            return
        first, last = min(missing), max(missing)
        rows = CalendarDay.objects.filter(date__range=(date(first, 1, 1), date(last, 12, 31)))
        for day, kind in rows.values_list("date", "kind"):
            self._overrides[day] = kind == CalendarDayKind.WORKING_DAY
        # A year's substitutions may reach into the previous year (a Saturday worked in late December).
        for year in range(first, last + 2):
            days_off, workdays = _package_calendar(year)
            self._holidays |= days_off
            self._package_workdays |= workdays
        self._years.update(range(first, last + 1))

    # --- Days -------------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day: a ``CalendarDay`` row decides, then the weekday rule."""
        _check_date(day)
        if day.year not in self._years:
            self.ensure_years((day.year,))
        if day in self._overrides:
            return self._overrides[day]
        if day in self._package_workdays:
            return True
        return day.weekday() < 5 and day not in self._holidays

    def _working_days(self, day: date, step: timedelta = ONE_DAY) -> Iterator[date]:
        """Working days from ``day`` (included) onwards, or backwards for a negative step."""
        idle = 0
        while True:
            if self.is_working_day(day):
                idle = 0
                yield day
            else:
                idle += 1
                if idle > MAX_IDLE_DAYS:
                    raise ValueError(
                        f"No working day within {MAX_IDLE_DAYS} days of {day}; check CalendarDay."
                    )
            day += step

    def add_working_days(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``day`` (before it when negative); 0 returns ``day``."""
        _check_date(day)
        if days == 0:
            return day
        step = ONE_DAY if days > 0 else -ONE_DAY
        self.ensure_years((day.year, day.year + step.days))
        working_days = self._working_days(day + step, step)
        for _ in range(abs(days) - 1):
            next(working_days)
        return next(working_days)

    def close_of(self, day: date) -> datetime:
        """The end of the last office period of ``day``, as an aware datetime."""
        return self._aware(datetime.combine(day, self.periods[-1][1]))

    # --- Moments ----------------------------------------------------------------------------------

    def _local(self, moment: datetime, name: str) -> datetime:
        """``moment`` as a naive wall-clock datetime in the calendar's zone."""
        if not isinstance(moment, datetime):
            raise TypeError(f"{name} must be a datetime, got {moment!r}.")
        if timezone.is_naive(moment):
            raise ValueError(
                f"{name} must be a timezone-aware datetime, got naive {moment.isoformat()} "
                "(use django.utils.timezone.now() or make_aware())."
            )
        return timezone.localtime(moment, self.tz).replace(tzinfo=None)

    def _aware(self, local: datetime) -> datetime:
        return timezone.make_aware(local, self.tz)

    def _periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        return [(datetime.combine(day, start), datetime.combine(day, end)) for start, end in self.periods]

    def is_working_moment(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in an office period of a working day (its end included: a
        result promised for 17:00 is promised within office hours)."""
        local = self._local(moment, "moment")
        self.ensure_years((local.year,))
        return any(start <= local <= end for start, end in self._periods_on(local.date()))

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` if working time runs at it, else the start of the next office period."""
        local = self._local(moment, "moment")
        self.ensure_years((local.year, local.year + 1))
        for day in self._working_days(local.date()):
            for start, end in self._periods_on(day):
                if local < end:
                    return self._aware(max(local, start))
        raise AssertionError("unreachable")  # pragma: no cover

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when ``duration`` of working time has elapsed from ``start``.

        Time outside office periods does not count; a result exactly at the end of a period stays
        there (8 hours from Monday 07:00 is Monday 17:00).
        """
        local = self._local(start, "start")
        _check_duration(duration)
        if not duration:
            return self._aware(local)
        self.ensure_years((local.year, local.year + 1))
        remaining = duration
        for day in self._working_days(local.date()):
            if day > local.date() and remaining > self.day_length:
                remaining -= self.day_length  # skip a whole working day
                continue
            for period_start, period_end in self._periods_on(day):
                if local >= period_end:
                    continue
                begin = max(local, period_start)
                if remaining <= period_end - begin:
                    return self._aware(begin + remaining)
                remaining -= period_end - begin
        raise AssertionError("unreachable")  # pragma: no cover

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in [start, end); zero when ``end`` is not after ``start``."""
        low, high = self._local(start, "start"), self._local(end, "end")
        if high <= low:
            return timedelta()
        self.ensure_years(range(low.year, high.year + 1))
        total = timedelta()
        day = low.date()
        while day <= high.date():
            if low.date() < day < high.date():
                total += self.day_length if self.is_working_day(day) else timedelta()
            else:
                for period_start, period_end in self._periods_on(day):
                    total += max(min(period_end, high) - max(period_start, low), timedelta())
            day += ONE_DAY
        return total

    def due_at(
        self, received_at: datetime, processing_days: Decimal | int, unit: str = TimeUnit.WORKING_DAY
    ) -> datetime:
        """The due date of a dossier received at ``received_at``.

        In calendar days (``unit``, a procedure whose text says "30 ngày"): the close of office
        hours of the day ``processing_days`` calendar days after the day the clock starts (the
        receipt day, or the next working day when received on a day off), moved to the close of
        the next working day when that day is not one (Civil Code 2015 art. 148(5): a period whose
        last day is a day off ends on the next working day).

        A same-day procedure (0 days) is due at the close of the working day it is received on,
        counted from the next working period, or of the next working day when received after
        ``HCC_SAME_DAY_CUTOFF``. Otherwise ``processing_days`` working days (fractions allowed:
        0.5 day = 4 working hours) are added to the receipt time.
        """
        days = processing_days if isinstance(processing_days, Decimal) else Decimal(str(processing_days))
        if not days.is_finite() or days < 0:
            raise ValueError(f"processing_days must be a non-negative number, got {processing_days!r}.")
        local = self._local(received_at, "received_at")
        if days and unit == TimeUnit.CALENDAR_DAY:
            start = self._local(self.next_working_moment(received_at), "moment").date()
            last = start + timedelta(days=int(days.to_integral_value(rounding=ROUND_CEILING)))
            self.ensure_years((last.year, last.year + 1))
            return self.close_of(next(self._working_days(last)))
        if days:
            microseconds = self.day_length // timedelta(microseconds=1)
            return self.add_working_time(received_at, timedelta(microseconds=int(days * microseconds)))
        day = self._local(self.next_working_moment(received_at), "moment").date()
        if day == local.date() and local.time() > self.same_day_cutoff:
            day = self.add_working_days(day, 1)
        return self.close_of(day)


# The calendar this process keeps: (stamp, settings it was built with, calendar). One tuple,
# replaced whole, so a thread reads a stamp and its calendar together.
_kept: tuple[int, tuple, WorkCalendar] | None = None


def version_sql() -> str:
    """SQL of the calendar's stamp (``CalendarVersion``), to read alone or as a column of another
    statement; NULL when its row is missing."""
    table = CalendarVersion._meta.db_table
    return f"(SELECT stamp FROM {table} WHERE id = 1)"  # noqa: S608  # nosec B608


def calendar_for(stamp: int | None) -> WorkCalendar:
    """The work calendar at ``stamp``, the ``CalendarVersion`` just read: the one this process
    keeps when it was built at the same stamp (and the same office-hour settings), else a new one,
    then kept. The stamp changes in the transaction of every change of ``CalendarDay``, and never
    comes back, so a kept calendar is never older than the rows: it is built after its stamp was
    read, and used only while the stamp read is still that one. None (no version row) builds a
    new calendar each time. The years around today are loaded when it is built; the kept calendar
    loads another year the first time it is asked (read after the stamp, so not older either)."""
    global _kept
    settings_key = (tuple(settings.HCC_OFFICE_HOURS), settings.HCC_SAME_DAY_CUTOFF, settings.TIME_ZONE)
    kept = _kept
    if stamp is not None and kept is not None and kept[0] == stamp and kept[1] == settings_key:
        return kept[2]
    calendar = WorkCalendar.load()
    if stamp is not None:
        _kept = (stamp, settings_key, calendar)
    return calendar


def current_calendar() -> WorkCalendar:
    """``calendar_for`` the stamp read now (one statement of a single row)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {version_sql()}")  # noqa: S608  # nosec B608
        row = cursor.fetchone()
    return calendar_for(row[0] if row else None)


def _calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    return WorkCalendar() if calendar is None else calendar


def is_working_day(day: date, *, calendar: WorkCalendar | None = None) -> bool:
    """Whether ``day`` is a working day (see ``WorkCalendar.is_working_day``)."""
    return _calendar(calendar).is_working_day(day)


def add_working_days(day: date, days: int, *, calendar: WorkCalendar | None = None) -> date:
    """The ``days``-th working day after ``day`` (before it when negative); 0 returns ``day``."""
    return _calendar(calendar).add_working_days(day, days)


def next_working_moment(moment: datetime, *, calendar: WorkCalendar | None = None) -> datetime:
    """``moment`` if it falls in working time, else the start of the next office period."""
    return _calendar(calendar).next_working_moment(moment)


def add_working_time(
    start: datetime, duration: timedelta, *, calendar: WorkCalendar | None = None
) -> datetime:
    """The moment when ``duration`` of working time has elapsed from ``start``."""
    return _calendar(calendar).add_working_time(start, duration)


def working_time_between(
    start: datetime, end: datetime, *, calendar: WorkCalendar | None = None
) -> timedelta:
    """Working time in [start, end), e.g. the time a dossier spent waiting for a supplement."""
    return _calendar(calendar).working_time_between(start, end)


def due_at(
    received_at: datetime,
    processing_days: Decimal | int,
    *,
    unit: str = TimeUnit.WORKING_DAY,
    calendar: WorkCalendar | None = None,
) -> datetime:
    """The due date of a dossier received at ``received_at`` (see ``WorkCalendar.due_at``)."""
    return _calendar(calendar).due_at(received_at, processing_days, unit)

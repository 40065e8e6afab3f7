"""The work calendar a process keeps (``workdays.calendar_for``) is never older than the
``CalendarDay`` rows: every change gives ``CalendarVersion`` a stamp never seen before, in the
changing transaction, whichever process or session makes it."""

import os
import subprocess  # nosec B404 (our own manage.py, fixed arguments)
import sys
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from procedures import workdays
from procedures.models import CalendarDay, CalendarDayKind

FRIDAY = date(2026, 12, 11)
ROOT = Path(__file__).resolve().parents[2]


def stamp(using=connection):
    with using.cursor() as cursor:
        cursor.execute(f"SELECT {workdays.version_sql()}")  # noqa: S608  # nosec B608
        return cursor.fetchone()[0]


def day_off(day=FRIDAY):
    return CalendarDay.objects.create(date=day, kind=CalendarDayKind.DAY_OFF, name="Nghỉ bù")


@pytest.mark.django_db
def test_every_change_of_the_calendar_days_gives_a_new_stamp():
    seen = [stamp()]
    day = day_off()
    seen.append(stamp())
    day.name = "Nghỉ lễ"
    day.save()
    seen.append(stamp())
    CalendarDay.objects.filter(pk=day.pk).update(kind=CalendarDayKind.WORKING_DAY)
    seen.append(stamp())
    CalendarDay.objects.bulk_create([CalendarDay(date=date(2026, 12, 12), kind="working_day", name="Làm bù")])
    seen.append(stamp())
    CalendarDay.objects.all().delete()
    seen.append(stamp())
    assert None not in seen
    assert len(set(seen)) == len(seen)


@pytest.mark.django_db
def test_a_rolled_back_change_never_gives_its_stamp_again():
    before = stamp()
    with pytest.raises(RuntimeError), transaction.atomic():
        day_off()
        inside = stamp()
        workdays.calendar_for(inside)  # a calendar built on rows that will not be
        raise RuntimeError
    assert stamp() == before
    day_off(date(2026, 12, 14))
    assert stamp() not in (before, inside)
    assert not workdays.calendar_for(stamp()).is_working_day(date(2026, 12, 14))
    assert workdays.calendar_for(stamp()).is_working_day(FRIDAY)


@pytest.mark.django_db
def test_the_process_keeps_its_calendar_while_the_stamp_is_the_same():
    kept = workdays.calendar_for(stamp())
    assert workdays.calendar_for(stamp()) is kept
    assert kept.is_working_day(FRIDAY)
    day_off()
    fresh = workdays.calendar_for(stamp())
    assert fresh is not kept
    assert not fresh.is_working_day(FRIDAY)
    assert workdays.calendar_for(None) is not fresh  # no stamp: never kept


@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_session_is_seen():
    """Another process's session (here another connection) commits a day off: the stamp read
    next is new, and so is the calendar."""
    kept = workdays.calendar_for(stamp())
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {CalendarDay._meta.db_table} (date, kind, name, confirmed, source) "  # noqa: S608  # nosec B608
                "VALUES (%s, %s, %s, %s, %s)",
                [FRIDAY, CalendarDayKind.DAY_OFF.value, "Nghỉ bù", True, ""],
            )
        if not other.get_autocommit():
            other.commit()
    finally:
        other.close()
    assert not workdays.calendar_for(stamp()).is_working_day(FRIDAY)
    assert kept.is_working_day(FRIDAY)


@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_process_is_seen(on_postgres):
    """A ``manage.py`` process of its own adds a day off (PostgreSQL: SQLite's test database is in
    this process's memory)."""
    if not on_postgres:
        pytest.skip("the test database lives in this process's memory on SQLite")
    kept = workdays.calendar_for(stamp())
    assert kept.is_working_day(FRIDAY)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    code = (
        "from procedures.models import CalendarDay; "
        f"CalendarDay.objects.create(date='{FRIDAY.isoformat()}', kind='day_off', name='Nghỉ bù')"
    )
    subprocess.run(  # nosec B603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert not workdays.calendar_for(stamp()).is_working_day(FRIDAY)

"""The working-day calendar (DESIGN.md "Due dates") against Vietnam's real 2026 calendar."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.utils import timezone
from freezegun import freeze_time

from procedures.models import CalendarDay, CalendarDayKind
from procedures.workdays import (
    WorkCalendar,
    add_working_days,
    add_working_time,
    due_at,
    is_working_day,
    next_working_moment,
    working_time_between,
)

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = timedelta(hours=8)


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def new_year_2026_swap():
    """The Government moved Friday 2/1/2026 to Saturday 10/1/2026 (New Year's Day 2026 bridged to four
    days). The holidays package only knows 1/1: the two rows ship with the program (migration
    procedures 0003), unconfirmed until an administrator checks them."""
    off = CalendarDay.objects.get_or_create(
        date=date(2026, 1, 2), defaults={"kind": CalendarDayKind.DAY_OFF, "name": "Nghỉ bù Tết Dương lịch"}
    )[0]
    work = CalendarDay.objects.get_or_create(
        date=date(2026, 1, 10),
        defaults={"kind": CalendarDayKind.WORKING_DAY, "name": "Làm bù cho ngày 02/01/2026"},
    )[0]
    assert (off.kind, work.kind) == (CalendarDayKind.DAY_OFF, CalendarDayKind.WORKING_DAY)


def test_what_the_holidays_package_gives_for_2026():
    country = holidays.country_holidays("VN", years=2026)
    assert sorted(country) == [
        date(2026, 1, 1),
        date(2026, 2, 16),  # Tết: 29 tháng Chạp (Giao thừa) …
        date(2026, 2, 17),
        date(2026, 2, 18),
        date(2026, 2, 19),
        date(2026, 2, 20),  # … to mùng 4
        date(2026, 4, 26),  # Giỗ Tổ Hùng Vương, a Sunday …
        date(2026, 4, 27),  # … observed on Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),  # day off moved from Saturday 22/8
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),  # Ngày Văn hóa Việt Nam
    ]
    assert date(2026, 8, 22) in country.weekend_workdays


def test_weekdays_weekends_and_holidays():
    assert is_working_day(date(2026, 3, 9))  # Monday
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday
    assert not is_working_day(date(2026, 1, 1))
    assert is_working_day(date(2026, 8, 22))  # make-up Saturday listed by the package
    with pytest.raises(TypeError):
        is_working_day(at(2026, 3, 9, 8))


def test_tet_2026_break_is_rolled_over():
    # The Government's break is Saturday 14/2 to Sunday 22/2/2026. The package's five days (16/2-20/2)
    # plus the two weekends cover all of it, so no CalendarDay row is needed for Tết 2026; had the
    # decision added days the package lacks, administrators would enter them as CalendarDay rows (as
    # for New Year 2026 below).
    assert not CalendarDay.objects.filter(date__month=2, date__year=2026).exists()
    assert [d for d in range(14, 23) if is_working_day(date(2026, 2, d))] == []
    assert is_working_day(date(2026, 2, 13)) and is_working_day(date(2026, 2, 23))
    assert due_at(at(2026, 2, 13, 10), Decimal(1)) == at(2026, 2, 23, 10)
    assert due_at(at(2026, 2, 12, 15), Decimal(2)) == at(2026, 2, 23, 15)
    assert due_at(at(2026, 2, 13, 16), Decimal("0.5")) == at(2026, 2, 23, 10)
    assert due_at(at(2026, 2, 13, 15, 30), Decimal(0)) == at(2026, 2, 23, 17)
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_reunification_and_labour_day_2026():
    # Thursday 30/4 and Friday 1/5, then the weekend; Monday 27/4 is Giỗ Tổ observed.
    assert due_at(at(2026, 4, 29, 10), Decimal(1)) == at(2026, 5, 4, 10)
    assert due_at(at(2026, 4, 24, 10), Decimal(1)) == at(2026, 4, 28, 10)
    assert due_at(at(2026, 4, 24, 10), Decimal(2)) == at(2026, 4, 29, 10)
    assert due_at(at(2026, 4, 24, 10), Decimal(3)) == at(2026, 5, 4, 10)


def test_national_day_2026():
    # The package gives Tuesday 1/9 and Wednesday 2/9, plus Monday 31/8 moved from Saturday 22/8.
    assert due_at(at(2026, 8, 28, 10), Decimal(1)) == at(2026, 9, 3, 10)
    assert due_at(at(2026, 8, 21, 10), Decimal(1)) == at(2026, 8, 22, 10)


def test_extra_day_off_from_calendar_day(new_year_2026_swap):
    assert not is_working_day(date(2026, 1, 2))
    assert due_at(at(2025, 12, 31, 10), Decimal(1)) == at(2026, 1, 5, 10)


def test_make_up_saturday_from_calendar_day(new_year_2026_swap):
    assert is_working_day(date(2026, 1, 10))
    assert due_at(at(2026, 1, 9, 10), Decimal(1)) == at(2026, 1, 10, 10)
    assert add_working_days(date(2026, 1, 9), 2) == date(2026, 1, 12)


def test_calendar_day_beats_the_package():
    CalendarDay.objects.create(date=date(2026, 11, 24), kind=CalendarDayKind.WORKING_DAY, name="Thử")
    CalendarDay.objects.create(date=date(2026, 8, 22), kind=CalendarDayKind.DAY_OFF, name="Thử")
    assert is_working_day(date(2026, 11, 24))
    assert not is_working_day(date(2026, 8, 22))


def test_fractional_days():
    assert due_at(at(2026, 3, 9, 7), Decimal("0.5")) == at(2026, 3, 9, 11)
    assert due_at(at(2026, 3, 9, 10), Decimal("0.5")) == at(2026, 3, 9, 16)
    assert due_at(at(2026, 3, 9, 7), Decimal("1.5")) == at(2026, 3, 10, 11)
    assert due_at(at(2026, 3, 9, 14), Decimal("1.5")) == at(2026, 3, 11, 8)


def test_friday_afternoon_arrival():
    assert due_at(at(2026, 3, 6, 16), Decimal(1)) == at(2026, 3, 9, 16)


def test_arrival_at_lunch_counts_from_afternoon():
    assert next_working_moment(at(2026, 3, 9, 12)) == at(2026, 3, 9, 13, 30)
    assert next_working_moment(at(2026, 3, 9, 11, 30)) == at(2026, 3, 9, 13, 30)
    assert due_at(at(2026, 3, 9, 12), Decimal("0.5")) == at(2026, 3, 10, 7, 30)


def test_arrival_before_and_after_office_hours():
    assert due_at(at(2026, 3, 9, 6), Decimal(1)) == at(2026, 3, 9, 17)
    assert due_at(at(2026, 3, 9, 7), Decimal(1)) == at(2026, 3, 9, 17)  # end of period stays
    assert due_at(at(2026, 3, 9, 18), Decimal(1)) == at(2026, 3, 10, 17)
    assert next_working_moment(at(2026, 3, 9, 17)) == at(2026, 3, 10, 7)
    assert next_working_moment(at(2026, 3, 9, 9, 15)) == at(2026, 3, 9, 9, 15)


def test_arrival_on_sunday():
    assert next_working_moment(at(2026, 3, 8, 10)) == at(2026, 3, 9, 7)
    assert due_at(at(2026, 3, 8, 10), Decimal(1)) == at(2026, 3, 9, 17)


def test_same_day_procedure():
    assert due_at(at(2026, 3, 9, 10), Decimal(0)) == at(2026, 3, 9, 17)
    assert due_at(at(2026, 3, 9, 12), Decimal(0)) == at(2026, 3, 9, 17)
    assert due_at(at(2026, 3, 9, 15), Decimal(0)) == at(2026, 3, 9, 17)
    assert due_at(at(2026, 3, 9, 15, 1), Decimal(0)) == at(2026, 3, 10, 17)
    assert due_at(at(2026, 3, 6, 15, 30), Decimal(0)) == at(2026, 3, 9, 17)  # Friday → Monday
    assert due_at(at(2026, 3, 9, 18), Decimal(0)) == at(2026, 3, 10, 17)
    assert due_at(at(2026, 3, 8, 16), Decimal(0)) == at(2026, 3, 9, 17)  # Sunday


def test_working_time_between():
    assert working_time_between(at(2026, 3, 6, 16), at(2026, 3, 9, 8)) == timedelta(hours=2)
    assert working_time_between(at(2026, 3, 9, 11), at(2026, 3, 9, 14)) == timedelta(hours=1)
    assert working_time_between(at(2026, 3, 9, 7), at(2026, 3, 16, 7)) == 5 * DAY
    assert working_time_between(at(2026, 3, 9, 14), at(2026, 3, 9, 10)) == timedelta()
    # A due date moved by the working time paused in "supplement requested".
    paused = working_time_between(at(2026, 3, 6, 16), at(2026, 3, 9, 8))
    assert add_working_time(at(2026, 3, 10, 16), paused) == at(2026, 3, 11, 8)


def test_office_hours_come_from_settings(settings):
    settings.HCC_OFFICE_HOURS = ["08:00-12:00", "13:00-17:00"]
    settings.HCC_SAME_DAY_CUTOFF = "16:00"
    assert next_working_moment(at(2026, 3, 9, 7, 30)) == at(2026, 3, 9, 8)
    assert due_at(at(2026, 3, 9, 12, 30), Decimal("0.5")) == at(2026, 3, 9, 17)
    assert due_at(at(2026, 3, 9, 15, 30), Decimal(0)) == at(2026, 3, 9, 17)
    assert working_time_between(at(2026, 3, 9, 0), at(2026, 3, 10, 0)) == DAY


def test_aware_datetimes_in_local_zone():
    result = add_working_time(datetime(2026, 3, 9, 1, 0, tzinfo=UTC), timedelta(hours=1))  # 08:00 local
    assert result == at(2026, 3, 9, 9)
    assert result.tzinfo.key == "Asia/Ho_Chi_Minh"


def test_invalid_input():
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(datetime(2026, 3, 9, 8), Decimal(1))
    with pytest.raises(ValueError, match="timezone-aware"):
        working_time_between(at(2026, 3, 9, 8), datetime(2026, 3, 9, 9))
    with pytest.raises(ValueError, match="negative"):
        add_working_time(at(2026, 3, 9, 8), timedelta(hours=-1))
    with pytest.raises(ValueError, match="non-negative"):
        due_at(at(2026, 3, 9, 8), Decimal("-0.5"))


def test_add_working_days():
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 9), 0) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 9), -1) == date(2026, 3, 6)
    assert add_working_days(date(2026, 5, 4), -1) == date(2026, 4, 29)


def test_thirty_days_need_one_query(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        # April: 19 working days after 1/4 (27/4 and 30/4 off); May: 1/5 off, then 4/5 to 18/5.
        assert due_at(at(2026, 4, 1, 10), Decimal(30)) == at(2026, 5, 18, 10)
    with django_assert_max_num_queries(1):
        assert add_working_days(date(2026, 4, 1), 30) == date(2026, 5, 18)


def test_long_durations_skip_whole_days(django_assert_max_num_queries, new_year_2026_swap):
    with django_assert_max_num_queries(2):
        calendar = WorkCalendar()
        end = add_working_time(at(2026, 1, 5, 7), 200 * DAY, calendar=calendar)
        assert end == calendar.close_of(add_working_days(date(2026, 1, 5), 199, calendar=calendar))
        assert working_time_between(at(2026, 1, 5, 7), end, calendar=calendar) == 200 * DAY


@freeze_time("2026-12-31 09:00:00")  # 16:00 in Hà Nội: a same-day dossier rolls into 2027
def test_loaded_calendar_serves_without_queries(django_assert_num_queries):
    calendar = WorkCalendar.load()
    with django_assert_num_queries(0):
        assert due_at(timezone.now(), Decimal(0), calendar=calendar) == at(2027, 1, 4, 17)


@pytest.mark.django_db
def test_the_announced_new_year_2026_swap_ships_unconfirmed():
    shipped = {day.date: day for day in CalendarDay.objects.filter(date__year=2026)}
    assert shipped[date(2026, 1, 2)].kind == CalendarDayKind.DAY_OFF
    assert shipped[date(2026, 1, 10)].kind == CalendarDayKind.WORKING_DAY
    assert not shipped[date(2026, 1, 2)].confirmed and not shipped[date(2026, 1, 10)].confirmed
    calendar = WorkCalendar()
    assert not calendar.is_working_day(date(2026, 1, 2))
    assert calendar.is_working_day(date(2026, 1, 10))


@pytest.mark.django_db
def test_an_administrator_confirms_the_shipped_days(admin_client):
    ids = list(CalendarDay.objects.filter(confirmed=False).values_list("pk", flat=True))
    assert ids
    admin_client.post(
        "/admin/procedures/calendarday/",
        {"action": "confirm_days", "_selected_action": [str(i) for i in ids]},
    )
    assert not CalendarDay.objects.filter(confirmed=False).exists()

"""The cut of a period into whole months and edge days (``web.periods``)."""

from datetime import date, timedelta

import pytest

from web.periods import fixed_split, split


def _days(lo: date, hi: date) -> list[date]:
    return [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]


def _covered(s) -> list[date]:
    """Every day the fixed split stands for, months expanded, in order."""
    (m0, m1), edges = s.months, s.edges
    days = [d for a, b in edges for d in _days(a, b)] if edges else []
    month_days = _days(m0, m1 - timedelta(days=1)) if m0 < m1 else []
    return sorted(days + month_days)


PERIODS = [
    (date(2025, 12, 8), date(2026, 12, 7)),  # the dashboard's year: two edges, eleven months
    (date(2026, 1, 1), date(2026, 12, 31)),  # whole months only
    (date(2026, 3, 5), date(2026, 3, 20)),  # inside one month
    (date(2026, 2, 1), date(2026, 2, 28)),  # one whole month
    (date(2026, 2, 10), date(2026, 3, 31)),  # a leading edge only
    (date(2024, 2, 1), date(2024, 3, 3)),  # a trailing edge only, a leap February
    (date(2026, 4, 30), date(2026, 5, 1)),  # two days, two edges, no month
    (date(2026, 7, 7), date(2026, 7, 7)),  # one day
]


@pytest.mark.parametrize(("lo", "hi"), PERIODS)
def test_every_day_once(lo, hi):
    s = fixed_split(lo, hi)
    assert _covered(s) == _days(lo, hi)
    assert len(s.params()) == 6
    assert all(m.day == 1 for m in s.months)


def test_a_year_is_months_and_two_edges():
    months, edges = split(date(2025, 12, 8), date(2026, 12, 7))
    assert months == (date(2026, 1, 1), date(2026, 12, 1))
    assert edges == [(date(2025, 12, 8), date(2025, 12, 31)), (date(2026, 12, 1), date(2026, 12, 7))]


def test_open_ended():
    months, edges = split(date(2026, 3, 5), None)
    assert months == (date(2026, 4, 1), None)
    assert edges == [(date(2026, 3, 5), date(2026, 3, 31))]

"""Periods of whole local days read from two rollups, one row a month and one row a day.

A question over the days ``lo``..``hi`` reads the whole months in it from the monthly rollup and
the days left at its edges from the daily one: a year is twelve months and at most two short
edges, not 365 days of rows. ``split`` gives that cut; ``fixed_split`` gives it in one shape for
every period (a month range and two day ranges, each possibly empty), so a statement written
for it has one text and is prepared once (``web.prepared``).
"""

from dataclasses import dataclass
from datetime import date, timedelta


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return next_month(day) - timedelta(days=1)


def split(lo: date, hi: date | None) -> tuple[tuple[date, date | None] | None, list[tuple[date, date]]]:
    """The days ``lo``..``hi`` (``hi`` None: every day from ``lo`` on, the future too) as whole
    months — (first month, first day after the last one, or None) — and the days left at the
    edges, as inclusive ranges."""
    first = lo if lo.day == 1 else next_month(lo)
    if hi is None:
        return (first, None), ([(lo, first - timedelta(days=1))] if lo < first else [])
    stop = next_month(hi) if month_end(hi) == hi else hi.replace(day=1)
    if first >= stop:
        return None, [(lo, hi)]
    edges = []
    if lo < first:
        edges.append((lo, first - timedelta(days=1)))
    if stop <= hi:
        edges.append((stop, hi))
    return (first, stop), edges


@dataclass(frozen=True)
class FixedSplit:
    """The days ``lo``..``hi`` as the months ``months[0]`` ≤ month < ``months[1]`` (first days;
    none when equal) and the days of two inclusive ranges ``edges`` (one is empty, its start after
    its end, when the period has fewer edges)."""

    months: tuple[date, date]
    edges: tuple[tuple[date, date], tuple[date, date]]

    def params(self) -> list[date]:
        """The six dates in the order ``SQL`` takes them: months, first edge, second edge."""
        (m0, m1), ((a0, b0), (a1, b1)) = self.months, self.edges
        return [m0, m1, a0, b0, a1, b1]


def fixed_split(lo: date, hi: date) -> FixedSplit:
    """``split`` of ``lo``..``hi`` (``lo`` ≤ ``hi``) in one shape for every period."""
    months, edges = split(lo, hi)
    empty = (hi + timedelta(days=1), hi)
    edges = [*edges, empty, empty][:2]
    if months is None:
        months = (lo.replace(day=1), lo.replace(day=1))
    return FixedSplit(months=(months[0], months[1]), edges=(edges[0], edges[1]))

"""Queue figures per office, service, counter and day: tickets taken, served, no-shows, waiting
time (taken → first call) and service time (start → done), as median and 90th percentile.

Other apps (the dashboards) call ``queue_figures``. Percentiles are computed in Python over the
period's tickets of the offices asked for (a month of a busy center is a few tens of thousands of
rows); both SQLite and PostgreSQL give the same answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from math import floor

from django.utils.translation import gettext as _

from counters.models import Ticket, TicketStatus

GROUPINGS = ("office", "service", "counter", "day")


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) with linear interpolation between closest ranks, as
    PostgreSQL's ``percentile_cont``; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class QueueFigures:
    key: object
    label: str
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    waits: list[float] = field(default_factory=list, repr=False)
    services: list[float] = field(default_factory=list, repr=False)

    @property
    def wait_median(self) -> float | None:
        return percentile(self.waits, 50)

    @property
    def wait_p90(self) -> float | None:
        return percentile(self.waits, 90)

    @property
    def service_median(self) -> float | None:
        return percentile(self.services, 50)

    @property
    def service_p90(self) -> float | None:
        return percentile(self.services, 90)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "tickets": self.tickets,
            "served": self.served,
            "no_shows": self.no_shows,
            "wait_median_s": self.wait_median,
            "wait_p90_s": self.wait_p90,
            "service_median_s": self.service_median,
            "service_p90_s": self.service_p90,
        }


def _key(row: dict, by: str) -> tuple[object, str]:
    if by == "office":
        return row["office_id"], row["office__name"]
    if by == "service":
        return row["service_id"], f"{row['service__letter']} – {row['service__name']}"
    if by == "counter":
        if row["counter_id"] is None:
            return None, "—"
        return row["counter_id"], row["counter__name"] or _("Quầy %(number)s") % {
            "number": row["counter__number"]
        }
    return row["day"], row["day"].strftime("%d/%m/%Y")


def queue_figures(
    *, offices: Iterable[int] | None, day_from: date, day_to: date, by: str = "service"
) -> tuple[list[QueueFigures], QueueFigures]:
    """Figures of tickets taken from ``day_from`` to ``day_to`` (inclusive) at ``offices`` (ids;
    None = every office), one row per ``by`` (office, service, counter or day) plus the total.
    A ticket counts at the counter that last had it."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    qs = Ticket.objects.filter(day__gte=day_from, day__lte=day_to)
    if offices is not None:
        qs = qs.filter(office_id__in=list(offices))
    rows = qs.values(
        "office_id",
        "office__name",
        "service_id",
        "service__letter",
        "service__name",
        "counter_id",
        "counter__name",
        "counter__number",
        "day",
        "status",
        "taken_at",
        "called_at",
        "started_at",
        "finished_at",
    ).order_by()
    groups: dict[object, QueueFigures] = {}
    total = QueueFigures(key=None, label="")
    for row in rows.iterator(chunk_size=2000):
        key, label = _key(row, by)
        group = groups.get(key)
        if group is None:
            group = groups[key] = QueueFigures(key=key, label=label)
        for figures in (group, total):
            figures.tickets += 1
            if row["status"] == TicketStatus.DONE:
                figures.served += 1
            elif row["status"] == TicketStatus.NO_SHOW:
                figures.no_shows += 1
            if row["called_at"] is not None:
                figures.waits.append((row["called_at"] - row["taken_at"]).total_seconds())
            if row["status"] == TicketStatus.DONE and row["started_at"] and row["finished_at"]:
                figures.services.append((row["finished_at"] - row["started_at"]).total_seconds())
    ordered = sorted(groups.values(), key=lambda g: (g.key is None, g.label if by != "day" else g.key))
    return ordered, total

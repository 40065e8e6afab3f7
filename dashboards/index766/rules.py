"""The rules of Decision 766/QĐ-TTg's index (``docs/index766.md``): its groups and indicators as
data, and the points of every indicator and group from a dict of counts (``INPUTS``): pure
arithmetic, no database. ``indicator_points`` is the one rule: points = maximum × rate / target,
the rate capped at the target; an indicator with nothing to count keeps its maximum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from dashboards import figures
from dossiers.punctuality import rate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Group:
    number: int
    label: str
    points: int


@dataclass(frozen=True)
class Indicator:
    code: str  # "2.1"
    group: int
    label: str
    points: int  # the maximum
    part: tuple[str, ...]  # inputs added up for the numerator (a leading "-" subtracts)
    whole: tuple[str, ...]  # inputs added up for the denominator
    source: str
    target: int = 100  # the rate (%) that earns the maximum
    # dossiers behind the points lost: buckets of ``figures.bucket_q`` (the dashboard's drill-down)
    lost_buckets: tuple[str, ...] = ()


GROUPS = (
    Group(1, _("Công khai, minh bạch"), 18),
    Group(2, _("Tiến độ, kết quả giải quyết"), 20),
    Group(3, _("Cung cấp dịch vụ công trực tuyến"), 12),
    Group(4, _("Thanh toán trực tuyến"), 10),
    Group(5, _("Mức độ hài lòng"), 18),
    Group(6, _("Số hóa hồ sơ"), 22),
)

INDICATORS = (
    Indicator(
        "1.1",
        1,
        _("Tỷ lệ thủ tục hành chính công khai đầy đủ (thành phần hồ sơ, thời hạn)"),
        4,
        ("procedures_complete",),
        ("procedures",),
        "procedures",
    ),
    Indicator(
        "1.2",
        1,
        _("Tỷ lệ hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia"),
        8,
        ("sync_dossier_sent",),
        ("sync_dossier",),
        "national",
    ),
    Indicator(
        "1.3",
        1,
        _("Tỷ lệ cập nhật tiến độ xử lý lên Cổng Dịch vụ công quốc gia"),
        6,
        ("sync_progress_sent",),
        ("sync_progress",),
        "national",
    ),
    Indicator(
        "2.1",
        2,
        _("Tỷ lệ hồ sơ giải quyết, đang giải quyết đúng hạn"),
        20,
        ("resolved_early", "resolved_on_time", "in_progress_on_time"),
        ("resolved", "in_progress"),
        "rollup",
        lost_buckets=("resolved_late", "in_progress_overdue"),
    ),
    Indicator(
        "3.1",
        3,
        _("Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến"),
        4,
        ("procedures_online",),
        ("procedures",),
        "procedures",
    ),
    Indicator(
        "3.2",
        3,
        _("Tỷ lệ hồ sơ tiếp nhận trực tuyến"),
        8,
        ("received_online",),
        ("received",),
        "rollup",
        lost_buckets=("received_direct",),
    ),
    Indicator(
        "4.1",
        4,
        _("Tỷ lệ biên lai thu phí, lệ phí thanh toán trực tuyến"),
        10,
        ("receipts_online",),
        ("receipts",),
        "payments",
    ),
    Indicator(
        "5.1",
        5,
        _("Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn"),
        6,
        ("feedback_on_time",),
        ("feedback",),
        "surveys",
    ),
    Indicator(
        "5.2",
        5,
        _("Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị"),
        6,
        ("feedback", "-feedback_late", "-feedback_open_overdue"),
        ("feedback",),
        "surveys",
    ),
    Indicator(
        "5.3",
        5,
        _("Tỷ lệ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính"),
        6,
        ("satisfaction_good",),
        ("satisfaction_base",),
        "rollup",
        lost_buckets=("satisfaction_lost",),
    ),
    Indicator(
        "6.1",
        6,
        _("Tỷ lệ kết quả giải quyết được số hóa (cấp bản điện tử)"),
        8,
        ("results_digitised",),
        ("resolved",),
        "rollup",
        lost_buckets=("results_not_digitised",),
    ),
    Indicator(
        "6.2",
        6,
        _("Tỷ lệ hồ sơ tiếp nhận được số hóa"),
        8,
        ("received_digitised",),
        ("received",),
        "rollup",
        lost_buckets=("received_not_digitised",),
    ),
    Indicator(
        "6.3",
        6,
        _("Tỷ lệ hồ sơ khai thác, sử dụng lại giấy tờ đã số hóa"),
        6,
        ("reusing",),
        ("received",),
        "rollup",
        lost_buckets=("received_not_reusing",),
    ),
)

# every count ``score`` reads
INPUTS = tuple(sorted({name.lstrip("-") for i in INDICATORS for name in (*i.part, *i.whole)}))
DOSSIER_INPUTS = tuple(name for name in INPUTS if name in figures.COUNTS)


def _check_table() -> None:
    for group in GROUPS:
        total = sum(i.points for i in INDICATORS if i.group == group.number)
        if total != group.points:  # pragma: no cover - a wrong table fails at import
            raise ValueError(f"Decision 766 group {group.number}: {total} points, not {group.points}")
    if sum(g.points for g in GROUPS) != 100:  # pragma: no cover
        raise ValueError("Decision 766: the groups do not add up to 100 points")


_check_table()


@lru_cache(maxsize=65536)  # pure: the same counts give the same points (the trend's past months)
def indicator_points(maximum: int, part: int, whole: int, *, target: int = 100) -> Decimal:
    """The points of one indicator: ``maximum`` × rate / ``target`` (rate = 100 × part / whole,
    capped at ``target``), to the hundredth, half up. Nothing to count (``whole`` 0): the maximum
    — no dossier was handled late, none was left undigitised. A ``part`` outside 0..``whole``
    (a correction made after the period) is held to those bounds."""
    if whole <= 0:
        return Decimal(maximum).quantize(CENT)
    part = min(max(part, 0), whole)
    share = Decimal(part) * 100 / (Decimal(whole) * target)
    return (Decimal(maximum) * min(share, Decimal(1))).quantize(CENT, rounding=ROUND_HALF_UP)


# A score is read many times by a page (its points, each group's, the losses sorted): every figure
# of it is worked out once, when it is made by ``score`` (the scores are not changed afterwards).


@dataclass
class IndicatorScore:
    indicator: Indicator
    part: int
    whole: int
    points: Decimal
    lost: Decimal  # the indicator's maximum less its points

    @property
    def rate(self) -> float | None:
        return rate(self.part, self.whole)


@dataclass
class GroupScore:
    group: Group
    indicators: list[IndicatorScore]
    points: Decimal

    @property
    def lost(self) -> Decimal:
        return Decimal(self.group.points) - self.points


@dataclass
class Score:
    key: str | None
    label: str
    groups: list[GroupScore]
    inputs: dict[str, int]
    points: Decimal

    @property
    def indicators(self) -> list[IndicatorScore]:
        return [i for g in self.groups for i in g.indicators]

    def by_loss(self) -> list[IndicatorScore]:
        """The indicators, the one that lost the most points first (then by code)."""
        return sorted(self.indicators, key=_loss_order)

    def worst(self) -> IndicatorScore:
        """The indicator that lost the most points (the first of ``by_loss``)."""
        return min(self.indicators, key=_loss_order)


def _loss_order(item: IndicatorScore) -> tuple:
    return (-item.lost, item.indicator.code)


def _plan(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The inputs an indicator adds up, and those it subtracts (a leading "-")."""
    return tuple(n for n in names if not n.startswith("-")), tuple(n[1:] for n in names if n.startswith("-"))


# (group, [(indicator, its maximum as a Decimal, part added, part subtracted, whole added, whole
# subtracted)]): the table read once at import, so that scoring is additions and lookups
_PLAN = tuple(
    (
        group,
        tuple(
            (i, Decimal(i.points), *_plan(i.part), *_plan(i.whole))
            for i in INDICATORS
            if i.group == group.number
        ),
    )
    for group in GROUPS
)


def _total(names: tuple[str, ...], get) -> int:
    total = 0
    for name in names:
        total += get(name, 0)
    return total


def score(inputs: dict[str, int], *, key: str | None = None, label: str = "") -> Score:
    """Every indicator's and group's points from the counts ``inputs`` (missing ones are 0)."""
    get = inputs.get
    groups = []
    total = Decimal(0)
    for group, plan in _PLAN:
        rows = []
        group_points = Decimal(0)
        for indicator, maximum, part_plus, part_minus, whole_plus, whole_minus in plan:
            part = _total(part_plus, get) - _total(part_minus, get)
            whole = _total(whole_plus, get) - _total(whole_minus, get)
            points = indicator_points(indicator.points, part, whole, target=indicator.target)
            rows.append(IndicatorScore(indicator, part, whole, points, maximum - points))
            group_points += points
        groups.append(GroupScore(group, rows, group_points))
        total += group_points
    return Score(key=key, label=label, groups=groups, inputs=dict(inputs), points=total)


# --- the periods -----------------------------------------------------------------------------------

PERIODS = ("month", "quarter", "year")


def period_bounds(kind: str, year: int, number: int = 1) -> tuple[date, date]:
    """The first and last day of month ``number``, quarter ``number`` or the ``year``."""
    if kind == "year":
        return date(year, 1, 1), date(year, 12, 31)
    first_month = number if kind == "month" else 3 * (number - 1) + 1
    months = 1 if kind == "month" else 3
    start = date(year, first_month, 1)
    nxt = date(year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return start, nxt - timedelta(days=1)

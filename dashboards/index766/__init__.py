"""Decision 766/QĐ-TTg's index of service quality, in points: six groups, thirteen indicators,
100 points, per agency, level, unit or for the province, for a month, a quarter or a year
(``docs/index766.md`` gives each indicator's definition, source and points, and what could not be
confirmed). ``rules``: the table and the arithmetic; ``counts``: what it is scored from (the
rollups for the dossiers)."""

from dashboards.index766.counts import (
    GROUP_BY,
    index,
    inputs_by_agency,
    inputs_by_month,
    trend,
)
from dashboards.index766.rules import (
    DOSSIER_INPUTS,
    GROUPS,
    INDICATORS,
    INPUTS,
    PERIODS,
    GroupScore,
    IndicatorScore,
    Score,
    indicator_points,
    period_bounds,
    score,
)

__all__ = [
    "DOSSIER_INPUTS",
    "GROUPS",
    "GROUP_BY",
    "INDICATORS",
    "INPUTS",
    "PERIODS",
    "GroupScore",
    "IndicatorScore",
    "Score",
    "index",
    "indicator_points",
    "inputs_by_agency",
    "inputs_by_month",
    "period_bounds",
    "score",
    "trend",
]

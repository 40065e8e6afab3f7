"""Decision 766's index in points (``dashboards.index766``): a table of indicator inputs gives back
the points it should, boundaries included; the index read from the rollups equals the one counted
directly over generated dossiers (SQLite here, PostgreSQL in CI)."""

import random
from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from dashboards import figures, index766, rollup
from dashboards.index766 import GROUPS, INDICATORS, indicator_points, period_bounds, score
from documents.services import digitisation_marks_refresh
from dossiers.models import Channel, Dossier, DossierFile
from tests.dashboards.test_random import random_dossiers

# (maximum, part, whole, target, points)
POINTS = [
    (20, 0, 0, 100, "20.00"),  # nothing to count: nothing lost
    (20, 0, 10, 100, "0.00"),
    (20, 10, 10, 100, "20.00"),
    (20, 9, 10, 100, "18.00"),
    (8, 1, 3, 100, "2.67"),  # 2.666… half up
    (8, 2, 3, 100, "5.33"),
    (6, 1, 8, 100, "0.75"),
    (6, 1, 16, 100, "0.38"),  # 0.375 half up
    (4, 1, 800, 100, "0.01"),  # 0.005 half up
    (4, 1, 801, 100, "0.00"),
    (10, 11, 10, 100, "10.00"),  # a part over the whole is held to it
    (10, -1, 10, 100, "0.00"),
    (6, 80, 100, 80, "6.00"),  # the target reached: the maximum
    (6, 40, 100, 80, "3.00"),
    (6, 95, 100, 80, "6.00"),  # over the target: capped
]


@pytest.mark.parametrize(("maximum", "part", "whole", "target", "points"), POINTS)
def test_indicator_points(maximum, part, whole, target, points):
    assert indicator_points(maximum, part, whole, target=target) == Decimal(points)


def test_the_table_adds_up_to_100_points():
    assert [g.points for g in GROUPS] == [18, 20, 12, 10, 18, 22]
    for group in GROUPS:
        assert sum(i.points for i in INDICATORS if i.group == group.number) == group.points
    assert len({i.code for i in INDICATORS}) == len(INDICATORS) == 13


# inputs → (total, points of each group 1..6)
SCORES = [
    ({}, "100.00", ["18.00", "20.00", "12.00", "10.00", "18.00", "22.00"]),
    (
        {
            "procedures": 10,
            "procedures_complete": 5,  # 1.1: 4 × 0.5 = 2
            "procedures_online": 10,  # 3.1: 4
            "sync_dossier": 4,
            "sync_dossier_sent": 3,  # 1.2: 8 × 0.75 = 6
            "sync_progress": 0,  # 1.3: 6
            "resolved": 8,
            "resolved_early": 2,
            "resolved_on_time": 4,
            "in_progress": 2,
            "in_progress_on_time": 1,  # 2.1: 20 × 7/10 = 14
            "received": 10,
            "received_online": 5,  # 3.2: 8 × 0.5 = 4
            "receipts": 3,
            "receipts_online": 1,  # 4.1: 10/3 = 3.33
            "feedback": 4,
            "feedback_on_time": 2,
            "feedback_late": 1,
            "feedback_open_overdue": 1,  # 5.1: 3; 5.2: 6 × 2/4 = 3
            "satisfaction_base": 8,
            "satisfaction_good": 8,  # 5.3: 6
            "results_digitised": 0,  # 6.1: 0
            "received_digitised": 10,  # 6.2: 8
            "reusing": 1,  # 6.3: 0.6
        },
        "59.93",
        ["14.00", "14.00", "8.00", "3.33", "12.00", "8.60"],
    ),
]


@pytest.mark.parametrize(("inputs", "total", "groups"), SCORES)
def test_score_of_a_table_of_inputs(inputs, total, groups):
    result = score(inputs)
    assert result.points == Decimal(total)
    assert [g.points for g in result.groups] == [Decimal(p) for p in groups]
    # the indicator that lost the most comes first
    worst = result.by_loss()
    assert all(a.lost >= b.lost for a, b in zip(worst, worst[1:], strict=False))


def test_periods():
    assert period_bounds("year", 2026) == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_bounds("quarter", 2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_bounds("quarter", 2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period_bounds("month", 2026, 2) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_bounds("month", 2024, 12) == (date(2024, 12, 1), date(2024, 12, 31))


def _generated(catalog, n: int, seed: int) -> None:
    """Random dossiers; a third of the online ones came with a file (digitised, by the records),
    marked through the documents service as the real writers do."""
    random_dossiers(catalog, n, seed=seed)
    rollup.rebuild()
    rng = random.Random(seed)
    for dossier in Dossier.objects.filter(channel=Channel.ONLINE).select_related(
        "procedure", "resolving_agency"
    ):
        if rng.random() < 0.34:
            DossierFile.objects.create(
                dossier=dossier,
                original_name="don.pdf",
                size=10,
                sha256="0" * 64,
                content_type="application/pdf",
            )
            digitisation_marks_refresh(dossier=dossier)


@freeze_time("2026-04-15 10:00:00+07:00")
def test_the_index_from_the_rollups_equals_a_direct_count(catalog):
    _generated(catalog, 300, seed=11)
    for kind, number in (("year", 1), ("quarter", 1), ("month", 3), ("month", 4)):
        year = 2025 if (kind, number) == ("year", 1) else 2026
        date_from, date_to = period_bounds(kind, year, number)
        got = index766.inputs_by_agency(date_from=date_from, date_to=date_to)
        direct = figures.direct(date_from=date_from, date_to=date_to, group_by="agency")
        codes = {a.pk: a.code for a in (catalog["agency"], catalog["other"])}
        want = {r.key: {k: r.counts[k] for k in index766.DOSSIER_INPUTS} for r in direct}
        have = {codes[a]: {k: c[k] for k in index766.DOSSIER_INPUTS} for a, c in got.items() if a in codes}
        assert {k: v for k, v in have.items() if any(v.values())} == want, (kind, number)
        assert any(v["received_digitised"] for v in want.values()) or kind == "month"
        # and so the points: province and per agency, from the rollups or the direct counts
        for group_by in index766.GROUP_BY:
            scores = index766.index(date_from=date_from, date_to=date_to, group_by=group_by)
            assert scores, group_by
        whole = index766.index(date_from=date_from, date_to=date_to)[0]
        total = {k: sum(v[k] for v in want.values()) for k in index766.DOSSIER_INPUTS}
        assert [i.points for i in whole.indicators if i.indicator.source == "rollup"] == [
            i.points for i in score(total).indicators if i.indicator.source == "rollup"
        ]

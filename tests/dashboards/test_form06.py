"""Form 06 (Circular 01/2020/TT-VPCP) must reconcile: received = carried over + new online + new
direct, and received = resolved + in progress + refused + withdrawn + stopped, every dossier in
exactly one column; an online submission refused or withdrawn before a clerk accepted it was never
received and is in no column (issue 17). Checked on hand-made and on random dossiers, through the
rollups and the direct count, on SQLite and PostgreSQL (CI runs both)."""

from datetime import date

import pytest
from freezegun import freeze_time

from dashboards import figures, rollup
from tests.dashboards.test_random import PERIODS, random_dossiers

MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
EXITS = ("resolved", "in_progress", "refused", "withdrawn", "stopped")


def assert_reconciles(rows, where):
    for row in rows:
        c = row.counts if hasattr(row, "counts") else row
        assert c["received_total"] == c["carried_over"] + c["received_online"] + c["received_direct"], (
            where,
            c,
        )
        assert c["received_total"] == sum(c[k] for k in EXITS), (where, row.key, c)
        assert c["resolved"] == c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"], (where, c)
        assert c["in_progress"] == c["in_progress_on_time"] + c["in_progress_overdue"], (where, c)


@freeze_time("2026-04-15 10:00:00+07:00")
@pytest.mark.parametrize("count", [figures.compute, figures.direct])
@pytest.mark.parametrize("group_by", [None, *figures.GROUPS])
def test_every_row_of_the_hand_made_period_adds_up(march, count, group_by):
    assert_reconciles(count(**MARCH, group_by=group_by), (count.__name__, group_by))


@freeze_time("2026-04-15 10:00:00+07:00")
def test_every_row_adds_up_on_random_dossiers(catalog):
    random_dossiers(catalog, 300, seed=17)
    rollup.rebuild()
    for date_from, date_to in PERIODS:
        for group_by in (None, *figures.GROUPS):
            direct = figures.direct(date_from=date_from, date_to=date_to, group_by=group_by)
            rolled = figures.compute(date_from=date_from, date_to=date_to, group_by=group_by)
            assert_reconciles(direct, ("direct", date_from, group_by))
            assert_reconciles(rolled, ("compute", date_from, group_by))
            assert [(r.key, r.counts) for r in rolled] == [(r.key, r.counts) for r in direct]


@freeze_time("2026-04-15 10:00:00+07:00")
def test_a_submission_refused_before_receipt_is_in_no_column(march):
    (row,) = figures.compute(**MARCH)
    # the hand-made period has one online submission refused at intake (never received) and one
    # dossier refused after receipt: only the latter is counted
    assert row.counts["refused"] == 1

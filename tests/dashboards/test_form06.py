"""Form 06 (Circular 01/2020/TT-VPCP) must reconcile: received = carried over + new online + new
direct, and received = resolved + in progress + refused + withdrawn + stopped, every dossier in
exactly one column; an online submission refused or withdrawn before a clerk accepted it was never
received and is in no column (issue 17). Checked on hand-made and on random dossiers, through the
rollups and the direct count, on SQLite and PostgreSQL (CI runs both)."""

from datetime import date

import pytest
from freezegun import freeze_time

from dashboards import figures, rollup
from tests.dashboards.conftest import make
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


MAY = {"date_from": date(2026, 5, 1), "date_to": date(2026, 5, 31)}


@pytest.fixture
def may_every_kind(catalog):
    """May 2026 with every kind of dossier the workflow makes, each in the column the law puts it
    in: open ones with a running or a paused clock (supplement, financial obligation), every end,
    and online submissions that were never received (waiting, sent back before acceptance,
    refused or withdrawn before acceptance)."""
    p, q = catalog["proc"], catalog["proc_b"]
    # carried over from April, still open at the end of May: one overdue, one paused for a payment
    make(p, received="2026-04-20", due="2026-05-20")
    make(q, status="awaiting_payment", received="2026-04-25", due="2026-06-10")
    # new at the desk or by post
    make(
        p,
        status="returned",
        received="2026-05-04",
        due="2026-05-12",
        ready="2026-05-11",
        returned="2026-05-12",
    )
    make(p, status="supplement_requested", received="2026-05-06", due="2026-06-05")
    make(q, status="refused", received="2026-05-07", due="2026-05-20", closed="2026-05-08")  # after review
    make(q, status="stopped", received="2026-05-08", due="2026-05-22", closed="2026-05-20")
    make(
        q, status="withdrawn", channel="postal", received="2026-05-11", due="2026-05-25", closed="2026-05-12"
    )
    make(p, status="result_ready", received="2026-05-12", due="2026-05-12", ready="2026-05-12")  # on the spot
    make(p, status="result_ready", received="2026-05-13", due="2026-05-14", ready="2026-05-15")  # late
    # new online, accepted
    make(q, status="awaiting_payment", channel="online", received="2026-05-14", due="2026-06-20")
    make(
        p,
        status="result_ready",
        channel="online",
        received="2026-05-15",
        due="2026-05-29",
        ready="2026-05-29",
    )
    # online, never received: in no column
    make(p, status="submitted", channel="online")
    make(p, status="intake_supplement", channel="online")
    make(q, status="refused", channel="online", closed="2026-05-18")
    make(q, status="withdrawn", channel="online", closed="2026-05-19")
    # after the period
    make(p, received="2026-06-02", due="2026-06-12")
    rollup.rebuild()
    return catalog


@freeze_time("2026-06-15 10:00:00+07:00")
def test_a_period_with_every_kind_of_dossier_reconciles(may_every_kind):
    direct = figures.direct(**MAY)
    rolled = figures.compute(**MAY)
    assert [r.counts for r in rolled] == [r.counts for r in direct]
    counts = rolled[0].counts
    expected = {
        "carried_over": 2,
        "received_online": 2,
        "received_direct": 7,
        "received_total": 11,
        "resolved": 4,
        "resolved_early": 1,
        "resolved_on_time": 2,
        "resolved_late": 1,
        "in_progress": 4,  # one overdue, one waiting for a supplement, two for a payment
        "in_progress_on_time": 3,
        "in_progress_overdue": 1,
        "refused": 1,  # the refusal after review; the submission refused before acceptance is in none
        "withdrawn": 1,  # at the post desk; the submission withdrawn before acceptance is in none
        "stopped": 1,
        "returned": 1,
    }
    assert {key: counts[key] for key in expected} == expected
    for group_by in (None, *figures.GROUPS):
        direct = figures.direct(**MAY, group_by=group_by)
        rolled = figures.compute(**MAY, group_by=group_by)
        assert_reconciles(direct, ("direct", group_by))
        assert_reconciles(rolled, ("compute", group_by))
        assert [(r.key, r.counts) for r in rolled] == [(r.key, r.counts) for r in direct]

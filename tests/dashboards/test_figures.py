"""Every figure on hand-made dossiers: the rollup's answer (``compute``) and the direct count
(``direct``) both equal the figures worked out by hand."""

from datetime import date

import pytest
from freezegun import freeze_time

from dashboards import figures
from dashboards.figures import Filters
from dossiers import rollup
from tests.dashboards.conftest import make

MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}


@pytest.fixture
def march(catalog):
    p, q = catalog["proc"], catalog["proc_b"]
    make(p, status="result_ready", received="2026-02-20", due="2026-03-05", ready="2026-03-04")  # early
    make(
        p,
        status="returned",
        channel="online",
        received="2026-03-02",
        due="2026-03-10",
        ready="2026-03-10",
        returned="2026-03-12",
    )  # on time, returned
    make(p, status="result_ready", received="2026-03-03", due="2026-03-09", ready="2026-03-11")  # late
    make(p, received="2026-03-20", due="2026-03-27")  # open, overdue at the end of March
    make(q, received="2026-03-25", due="2026-04-03")  # open, within the deadline
    make(q, status="refused", received="2026-03-05", due="2026-03-12", closed="2026-03-06")
    make(
        q, status="withdrawn", channel="postal", received="2026-03-06", due="2026-03-13", closed="2026-03-07"
    )
    make(q, status="stopped", received="2026-03-08", due="2026-03-15", closed="2026-03-09")
    make(q, received="2026-04-01", due="2026-04-08")  # after the period
    make(q, status="refused", channel="online", closed="2026-03-15")  # refused at intake, never received
    make(p, received="2026-02-25", due="2026-04-10")  # carried over, still open
    make(p, status="result_ready", received="2026-03-28", due="2026-04-05", ready="2026-04-02")
    rollup.rebuild()
    return catalog


EXPECTED = {
    "received_total": 10,
    "carried_over": 2,
    "received": 8,
    "received_online": 1,
    "received_direct": 7,
    "resolved": 3,
    "resolved_early": 1,
    "resolved_on_time": 1,
    "resolved_late": 1,
    "in_progress": 4,
    "in_progress_on_time": 3,
    "in_progress_overdue": 1,
    "refused": 2,
    "withdrawn": 1,
    "stopped": 1,
    "returned": 1,
    "on_time_rate": 66.67,
    "online_rate": 12.5,
}


@freeze_time("2026-04-15 10:00:00+07:00")
@pytest.mark.parametrize("count", [figures.compute, figures.direct])
def test_every_bucket_of_a_past_period(march, count):
    (row,) = count(**MARCH)
    assert row.figures == EXPECTED


@freeze_time("2026-04-15 10:00:00+07:00")
def test_grouped_by_agency_splits_the_whole(march):
    rows = figures.compute(**MARCH, group_by="agency")
    assert [r.key for r in rows] == ["SA", "XB"]
    assert rows[0].label == "Sở A"
    assert rows[0].counts["resolved"] == 3 and rows[1].counts["resolved"] == 0
    assert rows[0].counts["in_progress"] == 3 and rows[1].counts["in_progress"] == 1
    assert rows[1].counts["refused"] == 2
    for key in figures.COUNTS:
        assert sum(r.counts[key] for r in rows) == EXPECTED[key], key
    assert [r.figures for r in rows] == [r.figures for r in figures.direct(**MARCH, group_by="agency")]


@freeze_time("2026-04-15 10:00:00+07:00")
@pytest.mark.parametrize("group_by", ["level", "field", "procedure", "channel", "month"])
def test_every_grouping_equals_the_direct_count(march, group_by):
    period = {"date_from": date(2026, 2, 1), "date_to": date(2026, 4, 30)}
    got = figures.compute(**period, group_by=group_by)
    want = figures.direct(**period, group_by=group_by)
    assert [(r.key, r.figures) for r in got] == [(r.key, r.figures) for r in want]
    assert got


@freeze_time("2026-04-15 10:00:00+07:00")
def test_months_chain_carried_over_to_in_progress(march):
    feb, mar, apr = figures.compute(date_from=date(2026, 2, 1), date_to=date(2026, 4, 30), group_by="month")
    assert (feb.key, feb.label) == ("2026-02", "02/2026")
    assert feb.counts["in_progress"] == mar.counts["carried_over"] == 2
    assert mar.counts["in_progress"] == apr.counts["carried_over"] == 4


@freeze_time("2026-03-26 12:00:00+07:00")
def test_overdue_of_the_running_period_is_against_now(catalog):
    p = catalog["proc"]
    make(p, received="2026-03-20", due="2026-03-25")  # overdue since yesterday
    make(p, received="2026-03-20", due="2026-03-26")  # due today at 17:00: not yet
    rollup.rebuild()
    for count in (figures.compute, figures.direct):
        (row,) = count(**MARCH)
        assert (row.counts["in_progress"], row.counts["in_progress_overdue"]) == (2, 1)


@freeze_time("2026-04-15 10:00:00+07:00")
def test_filters_and_scope(march):
    sa, xb = march["agency"], march["other"]
    (row,) = figures.compute(**MARCH, filters=Filters(scope=[xb.id]))
    assert row.counts["received"] == 4 and row.counts["resolved"] == 0
    (row,) = figures.compute(**MARCH, filters=Filters(channels=["online"]))
    assert row.counts["received"] == 1 and row.counts["refused"] == 1
    (row,) = figures.compute(**MARCH, filters=Filters(agencies=[sa.id], scope=[xb.id]))
    assert row.counts["received"] == 0


@freeze_time("2026-04-15 10:00:00+07:00")
def test_empty_period_has_no_rates(db):
    (row,) = figures.compute(date_from=date(2020, 1, 1), date_to=date(2020, 1, 31))
    assert row.figures["on_time_rate"] is None and row.figures["resolved"] == 0


def test_every_figure_has_a_label_and_formula():
    for key, (label, formula) in figures.FIGURES.items():
        assert str(label) and formula, key

"""Every figure on hand-made dossiers: the rollup's answer (``compute``) and the direct count
(``direct``) both equal the figures worked out by hand."""

from datetime import date

import pytest
from freezegun import freeze_time

from dashboards import figures, rollup
from dashboards.figures import Filters
from tests.dashboards.conftest import EXPECTED, make

MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}


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
    assert rows[1].counts["refused"] == 1
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
    # the online submission refused at intake was never received: in no column
    assert row.counts["received"] == 1 and row.counts["refused"] == 0
    (row,) = figures.compute(**MARCH, filters=Filters(agencies=[sa.id], scope=[xb.id]))
    assert row.counts["received"] == 0


@freeze_time("2026-04-15 10:00:00+07:00")
def test_empty_period_has_no_rates(db):
    (row,) = figures.compute(date_from=date(2020, 1, 1), date_to=date(2020, 1, 31))
    assert row.figures["on_time_rate"] is None and row.figures["resolved"] == 0


def test_every_figure_has_a_label_and_formula():
    for key, (label, formula) in figures.FIGURES.items():
        assert str(label) and formula, key


def test_where_of_in_lists_selects_what_the_orms_where_selects(catalog):
    """``figures._where_in_lists`` (the dashboard's filters written without the ORM's compiler)
    against the ORM's own condition, on rows of the total rollup."""
    from django.db import connection
    from django.db.models import Q

    from dashboards.models import TotalAgencyFigure

    for proc in (catalog["proc"], catalog["proc_b"]):
        make(proc, received="2026-03-02", due="2026-03-20")
    model = TotalAgencyFigure
    a, b = catalog["agency"].pk, catalog["other"].pk
    for q in (
        Q(),
        Q(agency_id__in=[a]),
        Q(agency_id__in=[a, b, a, None]),
        Q(agency_id__in=[]),
        Q(agency_id__in=[None]),
        Q(agency_id__in=[a, b]) & Q(bucket__in=["received", "exited"]),
        Q(agency_id__in=[b]) & Q(level__in=["commune"]) & Q(bucket__in=["received"]),
    ):
        sql, params = figures._where_in_lists(model, q, connection)
        got = set(model.objects.extra(where=[sql], params=params).values_list("pk", flat=True))
        assert got == set(model.objects.filter(q).values_list("pk", flat=True)), q
        assert model.objects.filter(q).exists() or not got
    for other in (
        ~Q(agency_id__in=[a]),
        Q(agency_id__in=[a]) | Q(bucket__in=["received"]),
        Q(agency__in=[a]),
    ):
        assert figures._where_in_lists(model, other, connection) is None

"""The statistics' daily rollup stays equal to a recount from the dossiers, whatever the services
do to them, also when several desks write at the same moment (PostgreSQL)."""

import random
import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from freezegun import freeze_time

from dashboards import rollup
from dashboards.models import (
    DailyAgencyFigure,
    DailyAgencyInputs,
    DailyFigure,
    MonthlyAgencyFigure,
    MonthlyAgencyInputs,
    MonthlyFigure,
    TotalAgencyFigure,
    TotalFigure,
)
from dossiers import services, statistics
from dossiers.services import Intake
from tests.dossiers.test_services import at, receive, submit_online
from tests.factories import applicant


def cells() -> dict:
    return {
        (f.day, f.agency_id, f.procedure_id, f.field_id, f.level, f.channel, f.bucket): f.n
        for f in DailyFigure.objects.all()
        if f.n
    }


def agency_cells() -> dict:
    return {
        (f.day, f.agency_id, f.level, f.channel, f.bucket): f.n
        for f in DailyAgencyFigure.objects.all()
        if f.n
    }


def month_cells() -> tuple[dict, dict]:
    fine = {
        (f.month, f.agency_id, f.procedure_id, f.field_id, f.level, f.channel, f.bucket): f.n
        for f in MonthlyFigure.objects.all()
        if f.n
    }
    coarse = {
        (f.month, f.agency_id, f.level, f.channel, f.bucket): f.n
        for f in MonthlyAgencyFigure.objects.all()
        if f.n
    }
    return fine, coarse


def total_cells() -> tuple[dict, dict]:
    fine = {
        (f.agency_id, f.procedure_id, f.field_id, f.level, f.channel, f.bucket): f.n
        for f in TotalFigure.objects.all()
        if f.n
    }
    coarse = {
        (f.agency_id, f.level, f.channel, f.bucket): f.n for f in TotalAgencyFigure.objects.all() if f.n
    }
    return fine, coarse


def input_rows(model=MonthlyAgencyInputs, period: str = "month") -> dict:
    return {
        (getattr(r, period), r.agency_id, r.level): [getattr(r, c) for c in rollup.INPUT_COLUMNS]
        for r in model.objects.all()
        if any(getattr(r, c) for c in rollup.INPUT_COLUMNS)
    }


def daily_input_rows() -> dict:
    return input_rows(DailyAgencyInputs, "day")


def assert_equals_recount() -> dict:
    """The rollups as kept by the services equal a recount; the coarse one is the fine one summed,
    the monthly ones the daily ones summed by month, the totals the daily ones summed."""
    kept, kept_by_agency, kept_by_month = cells(), agency_cells(), month_cells()
    assert kept_by_agency == {k: n for k, n in rollup.by_agency(kept).items() if n}
    assert kept_by_month == (
        {k: n for k, n in rollup.by_month(kept).items() if n},
        {k: n for k, n in rollup.by_month(kept_by_agency).items() if n},
    )
    kept_totals = total_cells()
    assert kept_totals == (
        {k: n for k, n in rollup.by_total(kept).items() if n},
        {k: n for k, n in rollup.by_total(kept_by_agency).items() if n},
    )
    # the wide monthly rows: the monthly agency cells laid wide, as kept and as recounted alone
    kept_inputs = input_rows()
    assert kept_inputs == {k: v for k, v in rollup.by_inputs(kept_by_month[1]).items() if any(v)}
    rollup.rebuild_inputs()
    assert input_rows() == kept_inputs
    # the wide daily rows likewise: the daily agency cells laid wide
    kept_daily_inputs = daily_input_rows()
    assert kept_daily_inputs == {k: v for k, v in rollup.by_inputs(kept_by_agency).items() if any(v)}
    rollup.rebuild_daily_inputs()
    assert daily_input_rows() == kept_daily_inputs
    rollup.rebuild()
    assert kept == cells()
    assert kept_by_agency == agency_cells()
    assert kept_by_month == month_cells()
    assert kept_totals == total_cells()
    assert kept_inputs == input_rows()
    assert kept_daily_inputs == daily_input_rows()
    return kept


def on_the_spot(world):
    intake = Intake(applicant=applicant(), documents={world.on_the_spot.documents.get().id: (1, 0)})
    return services.dossier_receive(actor=world.commune_clerk, procedure=world.on_the_spot, intake=intake)


def test_every_service_keeps_the_rollup_exact(world):
    with freeze_time(at(7, 8)):
        spot = on_the_spot(world)
        stopped = receive(world)
        online = submit_online(world)
        withdrawn = submit_online(world)
        refused = submit_online(world)
        supplemented = receive(world)
        kept = assert_equals_recount()
        assert (
            kept[
                (
                    date(2026, 12, 7),
                    world.commune.id,
                    world.on_the_spot.id,
                    world.on_the_spot.field_id,
                    "commune",
                    "counter",
                    "received",
                )
            ]
            == 1
        )
    with freeze_time(at(7, 10)):
        services.dossier_resolve_on_the_spot(actor=world.commune_clerk, dossier=spot, result_note="Xong")
        services.dossier_accept(actor=world.clerk, dossier=online)
        services.dossier_withdraw(actor=world.citizen, dossier=withdrawn, reason="Nộp nhầm")
        services.dossier_refuse_intake(actor=world.clerk, dossier=refused, reason="Sai thủ tục")
        step = stopped.steps.get(order=1)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.dossier_stop(actor=world.reviewer_a, dossier=stopped, reason="Không thuộc phạm vi")
        step = supplemented.steps.get(order=1)
        services.step_claim(actor=world.reviewer_a, step=step)
        services.dossier_request_supplement(actor=world.reviewer_a, step=step, items=["Bản vẽ"])
        assert_equals_recount()
    with freeze_time(at(21, 9)):  # two weeks later: the paused time moves the due date
        services.dossier_supply(actor=world.clerk, dossier=supplemented, note="Đã bổ sung")
        services.dossier_return(actor=world.commune_clerk, dossier=spot, collected_by="An", id_checked=True)
        kept = assert_equals_recount()
    buckets = {}
    for key, n in kept.items():
        buckets[key[-1]] = buckets.get(key[-1], 0) + n
    assert buckets["received"] == 4 and buckets["resolved_on_time"] == 1 and buckets["returned"] == 1
    assert buckets["stopped"] == 1
    # withdrawn and refused before a clerk accepted them: never received, in no column of form 06
    assert "withdrawn" not in buckets and "refused" not in buckets


def test_rebuild_of_some_days_and_the_command(world):
    with freeze_time(at(7, 8)):
        receive(world)
    with freeze_time(at(8, 8)):
        receive(world)
    whole = cells()
    DailyFigure.objects.all().delete()
    assert rollup.rebuild([date(2026, 12, 8)]) > 0
    assert {k: n for k, n in whole.items() if k[0] == date(2026, 12, 8)} == cells()
    call_command("rebuild_rollup", verbosity=0)
    assert whole == cells()


THREADS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_no_count(world):
    documents = {d.id: (1, 0) for d in world.procedure.documents.all()}
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        rng = random.Random(n)
        try:
            start.wait(timeout=10)
            for _ in range(4):
                dossier = services.dossier_receive(
                    actor=world.clerk,
                    procedure=world.procedure,
                    intake=Intake(applicant=applicant(name=f"Người nộp {n}"), documents=documents),
                )
                if rng.random() < 0.5:
                    step = dossier.steps.get(order=1)
                    services.step_claim(actor=world.reviewer_a, step=step)
                    services.dossier_stop(actor=world.reviewer_a, dossier=dossier, reason="Dừng")
        except BaseException as exc:  # reported below, with the thread's failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    kept = assert_equals_recount()
    assert sum(n for k, n in kept.items() if k[-1] == "received") == THREADS * 4


def test_bulk_change_moves_the_rollups_like_a_recount(db):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from dossiers.models import Dossier
    from tests.factories import ReturnedDossierFactory

    ready = datetime(2026, 11, 10, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    for n in range(4):
        ReturnedDossierFactory(result_ready_at=ready + timedelta(days=n), due_at=ready + timedelta(days=2))
    rollup.rebuild()
    good_before = sum(n for k, n in cells().items() if k[-1] == "satisfaction_good")
    assert good_before == 3  # the fourth is late
    first_two = list(Dossier.objects.order_by("id").values_list("id", flat=True)[:2])
    changed = statistics.bulk_change(Dossier.objects.filter(id__in=first_two), rated_unsatisfied=True)
    assert changed == 2
    assert sum(n for k, n in cells().items() if k[-1] == "satisfaction_good") == 1
    assert_equals_recount()
    with pytest.raises(ValueError):
        statistics.bulk_change(Dossier.objects.all(), applicant_name="X")

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dashboards import rollup

# the dossier services' world: the rollup tests (``test_rollup.py``) drive the services with it
from tests.dossiers.conftest import world  # noqa: F401
from tests.factories import AgencyFactory, DossierFactory, FieldFactory, ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hour: int = 9) -> datetime:
    """``"2026-03-10"`` → 09:00 local time that day."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=VN)


@pytest.fixture
def catalog(db):
    root = AgencyFactory(code="UBT", name="UBND tỉnh")
    agency = AgencyFactory(code="SA", name="Sở A", parent=root)
    other = AgencyFactory(code="XB", name="UBND xã B", level="commune")
    field = FieldFactory(code="LV1", name="Hộ tịch")
    return {
        "root": root,
        "agency": agency,
        "other": other,
        "field": field,
        "proc": ProcedureFactory(code="1.000001", field=field, agency=agency),
        "proc_b": ProcedureFactory(code="1.000002", field=field, agency=other, level="commune"),
    }


def make(
    proc,
    *,
    status="processing",
    channel="counter",
    received=None,
    due=None,
    ready=None,
    returned=None,
    closed=None,
):
    return DossierFactory(
        procedure=proc,
        status=status,
        channel=channel,
        received_at=at(received) if received else None,
        due_at=at(due, 17) if due else None,
        result_ready_at=at(ready, 10) if ready else None,
        returned_at=at(returned, 11) if returned else None,
        closed_at=at(closed, 15) if closed else None,
    )


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
    "refused": 1,  # the one refused after receipt; the online submission refused at intake was never received
    "withdrawn": 1,
    "stopped": 1,
    "returned": 1,
    "satisfaction_base": 3,  # the three resolved: none refused or withdrawn
    "satisfaction_good": 2,  # early and on time; no rating or feedback yet
    "on_time_rate": 66.67,
    "online_rate": 12.5,
    "satisfaction_rate": 66.67,
    # Decision 766 group 6: no digitisation records here (tests/dashboards/test_digitisation.py)
    "received_digitised": 0,
    "reusing": 0,
    "results_digitised": 0,
    "digitised_rate": 0.0,
    "result_digitised_rate": 0.0,
    "reuse_rate": 0.0,
}

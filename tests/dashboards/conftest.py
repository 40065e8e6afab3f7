from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import AgencyFactory, DossierFactory, FieldFactory, ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hour: int = 9) -> datetime:
    """``"2026-03-10"`` → 09:00 local time that day."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=VN)


@pytest.fixture
def catalog(db):
    agency = AgencyFactory(code="SA", name="Sở A")
    other = AgencyFactory(code="XB", name="UBND xã B", level="commune")
    field = FieldFactory(code="LV1", name="Hộ tịch")
    return {
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

"""One rule for "late" (issue 17, item 14): a dossier due at 11:00 is overdue at 11:30 and, resolved
at 16:00 the same day, resolved late — in the rollups, the direct count, Decision 766's index, the
dossier's own label and the control sheet alike (``docs/rules.md``, "Punctuality")."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun import freeze_time

from dashboards import figures, rollup
from dossiers import services, statistics
from dossiers.models import Dossier
from receipts import papers
from surveys.figures import satisfaction_indicator
from tests.factories import DossierFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime(2026, 3, 10, 11, 0, tzinfo=VN)
MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}


def _counts(count, now) -> dict:
    (row,) = count(**MARCH, now=now)
    return row.figures


def test_overdue_at_eleven_thirty_is_late_at_four(catalog):
    dossier = DossierFactory(
        procedure=catalog["proc"], status="processing", received_at=DUE - timedelta(days=5), due_at=DUE
    )
    on_time = DossierFactory(  # resolved on the due date before the appointment's hour
        procedure=catalog["proc"],
        status="result_ready",
        received_at=DUE - timedelta(days=5),
        due_at=DUE,
        result_ready_at=DUE - timedelta(minutes=1),
    )
    rollup.rebuild()
    half_past_eleven = DUE + timedelta(minutes=30)
    with freeze_time(half_past_eleven):
        for count in (figures.compute, figures.direct):
            got = _counts(count, half_past_eleven)
            assert (got["in_progress"], got["in_progress_overdue"]) == (1, 1), count

    # resolved at 16:00 the same day, as a service does: the rollups move in the same transaction
    with freeze_time(DUE + timedelta(hours=5)):
        dossier = Dossier.objects.select_related("procedure", "resolving_agency").get(pk=dossier.pk)
        dossier.status, dossier.result_ready_at = "result_ready", DUE + timedelta(hours=5)
        statistics.dossier_changed(dossier)
        dossier.save()
        kept = _counts(figures.compute, DUE + timedelta(hours=5, minutes=30))
        direct = _counts(figures.direct, DUE + timedelta(hours=5, minutes=30))
    assert kept == direct
    assert (kept["resolved_early"], kept["resolved_on_time"], kept["resolved_late"]) == (0, 1, 1)
    assert (kept["satisfaction_base"], kept["satisfaction_good"]) == (2, 1)
    assert kept["on_time_rate"] == 50.0
    rollup.rebuild()  # the recount says the same
    assert _counts(figures.compute, DUE + timedelta(hours=6)) == kept

    assert services.punctuality(dossier) == "late"
    assert services.punctuality(on_time) == "on_time"
    index = satisfaction_indicator(DUE.replace(hour=0), DUE.replace(hour=0) + timedelta(days=1))
    assert (index["dossiers"], index["late"], index["satisfied"]) == (2, 1, 1)

    sheet = papers.control_context(dossier, now=DUE + timedelta(days=1))
    (result,) = [row for row in sheet["rows"] if row.done_at == DUE + timedelta(hours=5)]
    # late by the working time between 11:00 and 16:00: 11:00–11:30 and 13:30–16:00
    assert (result.outcome, result.late_by) == ("late", timedelta(hours=3))

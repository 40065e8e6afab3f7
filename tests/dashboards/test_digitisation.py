"""Decision 766 group 6 (issue 20 item 4) in the statistics' rollups: the digitised dossiers, the
digitised results and the reuse of stored papers, kept by the services in the transaction that
changes the records, equal to ``documents.selectors.digitisation_figures``' direct count, on the
dashboard, on SQLite and PostgreSQL."""

from django.db import connection
from django.utils import timezone

from dashboards import figures, rollup
from documents.selectors import digitisation_figures
from dossiers.models import Dossier
from tests.dashboards.test_rollup import assert_equals_recount
from tests.documents.conftest import group_6_scenario


def _group_6(row) -> tuple:
    c = row.counts
    return (c["received"], c["received_digitised"], c["resolved"], c["results_digitised"], c["reusing"])


def _direct_6(day, **kwargs) -> tuple:
    f = digitisation_figures(start=day, end=day, **kwargs)
    return (f.received, f.received_digitised, f.results, f.results_digitised, f.reusing)


def test_group_6_in_the_rollups_equals_the_direct_count(world, settings, django_capture_on_commit_callbacks):
    settings.HCC_OCR = False
    made = group_6_scenario(world, django_capture_on_commit_callbacks)
    day = timezone.localdate()
    (whole,) = figures.compute(date_from=day, date_to=day)
    assert _group_6(whole) == _direct_6(day) == (4, 2, 2, 1, 1)
    assert whole.figures["digitised_rate"] == 50.0
    assert whole.figures["result_digitised_rate"] == 50.0
    assert whole.figures["reuse_rate"] == 25.0
    # the marks the rollups count are the records' own reading
    online = Dossier.objects.get(pk=made["online"].pk)
    assert online.papers_reused and online.papers_digitised and not online.result_digitised
    # by agency, as a manager's scope asks it
    for row in figures.compute(date_from=day, date_to=day, group_by="agency"):
        agency = world.construction if row.key == world.construction.code else world.justice
        assert _group_6(row) == _direct_6(day, agencies=[agency])
    # the reference over the dossiers, and the recounts (Python, and SQL on PostgreSQL)
    (reference,) = figures.direct(date_from=day, date_to=day)
    assert _group_6(reference) == _group_6(whole)
    assert_equals_recount()
    if connection.vendor == "postgresql":
        kept = {(f.day, f.bucket): f.n for f in rollup.DailyAgencyFigure.objects.all()}
        rollup.rebuild(in_sql=True)
        assert {(f.day, f.bucket): f.n for f in rollup.DailyAgencyFigure.objects.all()} == kept


def test_group_6_on_the_dashboard_with_its_dossiers(
    world, settings, client, django_capture_on_commit_callbacks
):
    settings.HCC_OCR = False
    made = group_6_scenario(world, django_capture_on_commit_callbacks)
    client.force_login(world.manager)
    page = client.get("/thong-ke/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tỷ lệ hồ sơ số hóa" in text and "50" in text
    day = timezone.localdate().isoformat()
    listing = client.get(
        "/thong-ke/ho-so/", {"bucket": "reusing", "date_from": day, "date_to": day}
    ).content.decode()
    assert made["online"].code in listing and made["paper"].code not in listing

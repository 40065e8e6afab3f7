"""Decision 766 group 6 (issue 20 item 4) in the statistics' rollups: the digitised dossiers, the
digitised results and the reuse of stored papers, kept by the services in the transaction that
changes the records, equal to ``documents.selectors.digitisation_figures``' direct count, on the
dashboard, on SQLite and PostgreSQL."""

from django.db import connection
from django.utils import timezone

from dashboards import figures, rollup
from documents.selectors import digitisation_figures
from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import Dossier, StepStatus
from dossiers.services import Intake
from tests.dashboards.test_rollup import assert_equals_recount
from tests.documents.conftest import desk_intake, drawing, scan_page
from tests.factories import PDF_BYTES, applicant


def _approve(world, dossier, files):
    first = dossier.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=first)
    services.step_forward(actor=world.reviewer_a, step=first, note="Đủ")
    last = dossier.steps.get(order=2, status=StepStatus.ACTIVE)
    services.step_claim(actor=world.reviewer_b, step=last)
    services.step_approve(actor=world.reviewer_b, step=last, result_note="Cấp phép", files=files)


def _scenario(world, capture):
    """Four dossiers received today: one with a scan and a paper-only paper, one all on paper, one
    all scanned, one online reusing a stored paper; two results, one as a file, one on paper."""
    world.citizen.phone = "+84912345678"
    world.citizen.save()
    pages = [scan_page(["Bản vẽ"])]
    main = world.procedure.documents.get(name="Đơn đề nghị")
    with capture(execute=True):
        scanned = desk_intake(world, pages)
        paper = desk_intake(world, [], id_number="079203001234")
        full = services.dossier_receive(
            actor=world.clerk,
            procedure=world.procedure,
            intake=Intake(
                applicant=applicant(id_number="001203009999"),
                documents={d.id: (1, 0) for d in world.procedure.documents.filter(mandatory=True)},
                files=[
                    FileUpload(name="a.jpg", content=pages[0], document_id=main.id),
                    FileUpload(name="b.jpg", content=pages[0], document_id=drawing(world.procedure).id),
                ],
            ),
        )
    with capture(execute=True):
        stored = scanned.stored_documents.get()
        online = services.dossier_submit(
            actor=world.citizen,
            procedure=world.procedure,
            office=world.center,
            intake=Intake(
                applicant=applicant(),
                files=[FileUpload(name="don.pdf", content=PDF_BYTES, document_id=main.id)],
                reused={drawing(world.procedure).id: str(stored.pk)},
            ),
        )
        services.dossier_accept(actor=world.clerk, dossier=online)
        _approve(world, full, [FileUpload(name="kq.pdf", content=PDF_BYTES)])
        _approve(world, paper, [])
    return {"scanned": scanned, "paper": paper, "full": full, "online": online}


def _group_6(row) -> tuple:
    c = row.counts
    return (c["received"], c["received_digitised"], c["resolved"], c["results_digitised"], c["reusing"])


def _direct_6(day, **kwargs) -> tuple:
    f = digitisation_figures(start=day, end=day, **kwargs)
    return (f.received, f.received_digitised, f.results, f.results_digitised, f.reusing)


def test_group_6_in_the_rollups_equals_the_direct_count(world, settings, django_capture_on_commit_callbacks):
    settings.HCC_OCR = False
    made = _scenario(world, django_capture_on_commit_callbacks)
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
    made = _scenario(world, django_capture_on_commit_callbacks)
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

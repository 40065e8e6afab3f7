"""Decision 766/QĐ-TTg group 6 from the digitisation records: the rate of dossiers digitised, of
results digitised, and of dossiers reusing a stored paper — each equal to a count made directly
from the dossiers here."""

import datetime

from django.utils import timezone

from documents.models import DigitisationState, DocumentReuse
from documents.selectors import digitisation_figures
from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import Dossier
from dossiers.services import Intake
from tests.documents.conftest import drawing, group_6_scenario
from tests.factories import PDF_BYTES, applicant


def _direct(day: datetime.date) -> tuple[int, int, int, int, int]:
    """The same five counts, by walking every dossier received or resolved that day."""
    received = [
        d for d in Dossier.objects.all() if d.received_at and timezone.localdate(d.received_at) == day
    ]
    results = [
        d for d in Dossier.objects.all() if d.result_ready_at and timezone.localdate(d.result_ready_at) == day
    ]

    def digitised(d):
        rows = [r for r in d.digitisations.all() if not r.is_result]
        reused = DocumentReuse.objects.filter(dossier=d).exists()
        if any(r.state == DigitisationState.PAPER_ONLY for r in rows):
            return False
        online = d.channel == "online" and (d.files.exists() or reused)
        return bool(rows) or reused or online

    def result_digitised(d):
        rows = [r for r in d.digitisations.all() if r.is_result]
        return (
            any(r.state != DigitisationState.PAPER_ONLY for r in rows)
            or d.signed_papers.filter(kind="result").exists()
        )

    return (
        len(received),
        sum(1 for d in received if digitised(d)),
        len(results),
        sum(1 for d in results if result_digitised(d)),
        sum(1 for d in received if DocumentReuse.objects.filter(dossier=d).exists()),
    )


def test_group_6_figures_equal_a_direct_count(world, settings, django_capture_on_commit_callbacks):
    settings.HCC_OCR = False
    group_6_scenario(world, django_capture_on_commit_callbacks)
    day = timezone.localdate()
    figures = digitisation_figures(start=day, end=day)
    assert (
        figures.received,
        figures.received_digitised,
        figures.results,
        figures.results_digitised,
        figures.reusing,
    ) == _direct(day)
    assert figures.received == 4 and figures.received_digitised == 2 and figures.reusing == 1
    assert figures.results == 2 and figures.results_digitised == 1
    assert figures.dossier_rate == 50.0 and figures.result_rate == 50.0 and figures.reuse_rate == 25.0
    # Scoped by resolving agency: another agency has none.
    none = digitisation_figures(start=day, end=day, agencies=[world.justice])
    assert none.received == 0 and none.dossier_rate is None
    assert digitisation_figures(start=day, end=day, agencies=[world.construction]) == figures


def test_without_the_store_a_reuse_is_refused(world, monkeypatch):
    """The seam: with no extension registered, a dossier naming a reused paper is refused."""
    from dossiers import extensions

    monkeypatch.setattr(extensions, "_extensions", [])
    main = world.procedure.documents.get(name="Đơn đề nghị")
    import pytest

    with pytest.raises(services.DossierError):
        services.dossier_submit(
            actor=world.citizen,
            procedure=world.procedure,
            office=world.center,
            intake=Intake(
                applicant=applicant(),
                files=[FileUpload(name="don.pdf", content=PDF_BYTES, document_id=main.id)],
                reused={drawing(world.procedure).id: "1"},
            ),
        )
    assert not Dossier.objects.exists()

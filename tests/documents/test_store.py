"""The citizen's document store: papers digitised at the desk and results go to their owner's
store; the owner sees and downloads it on "Trang của tôi"; a new dossier reuses a stored paper
(online and at the desk) instead of a new copy; staff see a stored paper only through a dossier
they may see; someone else's paper cannot be reused."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.phones import normalize_phone
from documents.models import DocumentReuse, StoredDocument
from dossiers import services
from dossiers.models import Dossier
from dossiers.services import DossierError, Intake
from tests.documents.conftest import desk_intake, drawing
from tests.factories import applicant


@pytest.fixture
def stored(world, two_page_scan, settings, django_capture_on_commit_callbacks):
    """The citizen (whose account holds the phone the clerk recorded) had a drawing digitised at
    the desk."""
    settings.HCC_OCR = False
    world.citizen.phone = normalize_phone("0912345678")
    world.citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = desk_intake(world, two_page_scan)
    return StoredDocument.objects.get(dossier=dossier)


def test_the_owner_sees_and_downloads_the_store_and_no_one_else_does(world, stored, as_user):
    assert stored.owner_user == world.citizen
    client = as_user(world.citizen)
    home = client.get(reverse("accounts:home")).content.decode()
    assert reverse("documents:mine") in home
    page = client.get(reverse("documents:mine")).content.decode()
    assert "Bản vẽ thiết kế" in page and stored.dossier.code in page
    download = client.get(reverse("documents:download_mine", args=[stored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # Another citizen: 404 for the paper; their own store is empty.
    other = as_user(world.other_citizen)
    assert other.get(reverse("documents:download_mine", args=[stored.pk])).status_code == 404
    assert "Bản vẽ thiết kế" not in other.get(reverse("documents:mine")).content.decode()


def test_staff_see_a_stored_paper_only_through_a_dossier_they_may_see(world, stored, as_user):
    address = reverse("documents:download", args=[stored.dossier.code, stored.pk])
    assert as_user(world.clerk).get(address).status_code == 200
    assert as_user(world.reviewer_a).get(address).status_code == 200  # an agency of its steps
    for outsider in (world.commune_clerk, world.reviewer_other, world.other_citizen):
        assert as_user(outsider).get(address).status_code == 404
        assert as_user(outsider).get(reverse("documents:mine")).status_code in (200, 404)
    # Named through another dossier that neither produced nor reused it: 404 as well.
    other = desk_intake(world, [], id_number="079203001234", name="Lê Thị Hoa")
    assert (
        as_user(world.clerk).get(reverse("documents:download", args=[other.code, stored.pk])).status_code
        == 404
    )


def _walk_to_documents(client, world) -> str:
    from tests.dossiers.test_online_pages import APPLICANT, CONTACT, office, start

    response = client.post(start(client, world), APPLICANT)
    response = client.post(response.url, CONTACT)
    response = client.post(response.url, office(world))
    return response.url


def test_the_next_online_submission_reuses_the_stored_paper(world, stored, as_user):
    """The documents page offers the stored drawing; ticked, nothing is uploaded for it, the check
    page says so, and the dossier records the reuse."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import PDF_BYTES

    client = as_user(world.citizen)
    documents_url = _walk_to_documents(client, world)
    page = client.get(documents_url).content.decode()
    assert "Dùng lại giấy tờ trong kho dữ liệu của bạn" in page and stored.label in page
    main = world.procedure.documents.get(name="Đơn đề nghị")
    drawing_doc = drawing(world.procedure)
    response = client.post(
        documents_url,
        {
            f"document_{main.pk}": SimpleUploadedFile("don.pdf", PDF_BYTES, content_type="application/pdf"),
            f"reuse_{drawing_doc.pk}": str(stored.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    check = client.get(response.url).content.decode()
    assert "Dùng lại từ kho dữ liệu" in check and stored.label in check
    client.post(response.url, {"consent": settings.PRIVACY_NOTICE_VERSION})  # the notice's box ticked
    dossier = Dossier.objects.get(channel="online")
    reuse = DocumentReuse.objects.get(dossier=dossier)
    assert reuse.stored == stored and reuse.document == drawing_doc and reuse.reused_by == world.citizen
    assert not dossier.files.filter(document=drawing_doc).exists()  # nothing uploaded again
    # The dossier page lists it; its reviewer opens it through this dossier.
    page = as_user(world.clerk).get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Giấy tờ dùng lại từ kho dữ liệu" in page
    assert (
        as_user(world.clerk).get(reverse("documents:download", args=[dossier.code, stored.pk])).status_code
        == 200
    )


def test_someone_elses_paper_cannot_be_reused(world, stored):
    drawing_doc = drawing(world.procedure)
    main = world.procedure.documents.get(name="Đơn đề nghị")
    from dossiers.files import FileUpload
    from tests.factories import PDF_BYTES

    with pytest.raises(DossierError) as refused:
        services.dossier_submit(
            actor=world.other_citizen,
            procedure=world.procedure,
            office=world.center,
            intake=Intake(
                applicant=applicant(name="Lê Thị Hoa", id_number="079203001234"),
                files=[FileUpload(name="don.pdf", content=PDF_BYTES, document_id=main.id)],
                reused={drawing_doc.id: str(stored.pk)},
            ),
        )
    assert "không có trong kho dữ liệu" in " ".join(refused.value.messages)
    assert not Dossier.objects.filter(channel="online").exists() and not DocumentReuse.objects.exists()


def test_an_expired_paper_is_not_offered(world, stored):
    import datetime

    from documents.selectors import offers_for
    from documents.services import stored_document_describe

    assert offers_for(procedure=world.procedure, user=world.citizen)
    stored_document_describe(
        actor=world.clerk,
        stored=stored,
        kind="Bản vẽ thiết kế",
        issued_on=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2021, 1, 1),
    )
    assert offers_for(procedure=world.procedure, user=world.citizen) == {}


def test_reuse_at_the_desk(world, stored, as_user, django_capture_on_commit_callbacks):
    """The clerk finds the applicant by ID number; the stored drawing is offered; ticked instead of
    the paper, the dossier is received with the reuse recorded."""
    client = as_user(world.clerk)
    url = reverse("dossiers:desk_intake") + f"?procedure={world.procedure.code}"
    page = client.post(url, {"action": "lookup", "find": "001203004567"}).content.decode()
    assert "Hoặc dùng lại bản trong kho dữ liệu" in page and stored.label in page
    main = world.procedure.documents.get(name="Đơn đề nghị")
    drawing_doc = drawing(world.procedure)
    data = {
        "kind": "person",
        "name": "Nguyễn Văn An",
        "id_number": "001203004567",
        "address": "Số 1 đường Trần Phú",
        "sets_count": "1",
        "return_method": "counter",
        f"doc_{main.id}": "on",
        f"doc_{main.id}_originals": "1",
        f"doc_{main.id}_copies": "0",
        f"doc_{drawing_doc.id}_originals": "0",
        f"doc_{drawing_doc.id}_copies": "2",
        f"doc_{drawing_doc.id}_reuse": str(stored.pk),
    }
    for document in world.procedure.documents.exclude(pk__in=[main.pk, drawing_doc.pk]):
        data |= {f"doc_{document.id}_originals": "0", f"doc_{document.id}_copies": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    dossier = Dossier.objects.exclude(pk=stored.dossier_id).get()
    assert DocumentReuse.objects.get(dossier=dossier).stored == stored
    # Reused, so neither paper-only nor scanned: the dossier counts as digitised for that paper.
    assert not dossier.digitisations.filter(document=drawing_doc).exists()


def test_staff_opening_a_stored_paper_is_recorded(world, stored, as_user):
    from privacy.models import AccessRecord

    address = reverse("documents:download", args=[stored.dossier.code, stored.pk])
    response = as_user(world.reviewer_a).get(address)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    record = AccessRecord.objects.get(actor=world.reviewer_a, what=address)
    assert record.dossier_code == stored.dossier.code and record.kind == "file"
    as_user(world.citizen).get(reverse("documents:download_mine", args=[stored.pk]))
    assert not AccessRecord.objects.filter(actor=world.citizen).exists()  # their own data


def test_the_clerk_describes_a_stored_paper_from_the_paper(world, stored, as_user):
    import datetime

    address = reverse("documents:describe", args=[stored.dossier.code, stored.pk])
    assert as_user(world.reviewer_a).get(address).status_code == 404  # desk staff only
    client = as_user(world.clerk)
    assert client.get(address).status_code == 200
    bad = client.post(address, {"kind": "", "issued_on": "31/02/2026"})
    assert bad.status_code == 200 and "Ngày cấp" in bad.content.decode()
    assert StoredDocument.objects.get(pk=stored.pk).number == ""  # nothing changed
    response = client.post(
        address,
        {
            "kind": "Bản vẽ thiết kế",
            "issuer": "Công ty Tư vấn Xây dựng Sơn Hà",
            "number": "125/2026",
            "issued_on": "12/03/2026",
            "valid_until": "",
        },
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.number == "125/2026" and stored.issued_on == datetime.date(2026, 3, 12)
    assert "số 125/2026" in stored.label and "cấp ngày 12/03/2026" in stored.label

"""Signed papers, receipts and results (PAdES, pyHanko): the PDF carries a valid signature of the
signing unit's certificate; the public verification page checks the stored file and says valid,
cancelled or tampered; without a certificate the paper is unsigned and says so."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from dossiers import services as dossier_services
from dossiers.files import FileUpload
from dossiers.models import StepStatus
from receipts import services, signing
from receipts.demo_signing import make_demo_chain
from receipts.models import SignedKind, SignedPaper
from receipts.services import Payer
from receipts.services.signing import signed_paper_revoke
from tests.receipts.conftest import NAME, at, pdf_text, receive

PASSWORD = "mat-khau-thu"


@pytest.fixture
def certificates(settings, tmp_path):
    """A root CA, the center's certificate (every agency without its own) and the Construction
    department's, named the way the environment names them."""
    folder = make_demo_chain(
        tmp_path / "chain", [("", "Trung tâm PVHCC"), ("SXD", "Sở Xây dựng")], password=PASSWORD
    )
    settings.HCC_SIGNING_KEYS = {
        "": (str(folder / "CENTER.p12"), PASSWORD),
        "SXD": (str(folder / "SXD.p12"), PASSWORD),
    }
    settings.HCC_SIGNING_TRUST_ROOTS = [str(folder / "root-ca.pem")]
    return folder


@pytest.fixture
def dossier(world):
    with freeze_time(at(7, 8, 30)):
        return receive(world)


def _fetch_pdf(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


def _verify_page(client, token) -> str:
    response = client.get(reverse("receipts:verify", args=[token]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_intake_receipt_is_signed_and_its_qr_page_says_valid(
    world, dossier, certificates, as_user, client
):
    content = _fetch_pdf(
        as_user(world.clerk), reverse("receipts:paper_pdf", args=[dossier.code, "giay-tiep-nhan"])
    )
    verdict = signing.check_pdf(content)
    assert verdict.status == "valid"
    assert verdict.signer.startswith("Trung tâm PVHCC")  # the center's certificate: TTPVHCC has none
    # The visible signature block is on the paper, and the signature field lies on it.
    text = pdf_text(content)
    assert "Đã ký số" in text and "Trung tâm PVHCC" in text
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    widgets = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    field = next(w for w in widgets if w.get("/FT") == "/Sig" or w.get("/Parent", {}).get("/FT") == "/Sig")
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    assert 0 < x1 < x2 <= 595 and 0 < y1 < y2 <= 842 and (x2 - x1) > 200
    paper = SignedPaper.objects.get(dossier=dossier, slug="giay-tiep-nhan")
    assert paper.kind == SignedKind.PAPER and paper.agency == world.center
    assert paper.token in text.replace("\n", "")  # the verification address printed in the block
    # The QR's page checks the stored file: valid, by whom, when; no personal data.
    page = _verify_page(client, paper.token)
    assert 'data-signature="valid"' in page and "Trung tâm PVHCC" in page
    assert dossier.code in page and NAME not in page
    # Printed again, the same content is served from the stored file, not signed twice.
    again = _fetch_pdf(
        as_user(world.clerk), reverse("receipts:paper_pdf", args=[dossier.code, "giay-tiep-nhan"])
    )
    assert again == content and SignedPaper.objects.filter(dossier=dossier).count() == 1


def test_one_byte_changed_in_the_stored_file_is_tampered(world, dossier, certificates, as_user, client):
    _fetch_pdf(as_user(world.clerk), reverse("receipts:paper_pdf", args=[dossier.code, "phieu-kiem-soat"]))
    paper = SignedPaper.objects.get(dossier=dossier, slug="phieu-kiem-soat")
    path = paper.file.path
    data = bytearray(Path(path).read_bytes())
    where = data.index(b"/Type /Page") if b"/Type /Page" in data else 200
    data[where + 2] ^= 0x01
    Path(path).write_bytes(bytes(data))
    page = _verify_page(client, paper.token)
    assert 'data-signature="tampered"' in page
    assert 'data-signature="valid"' not in page


def test_a_signature_whose_bytes_differ_from_the_record_is_tampered_even_if_intact(
    world, dossier, certificates, as_user
):
    _fetch_pdf(as_user(world.clerk), reverse("receipts:paper_pdf", args=[dossier.code, "giay-tiep-nhan"]))
    paper = SignedPaper.objects.get(dossier=dossier)
    content = paper.file.open("rb").read()
    assert signing.check_pdf(content, expected_sha256=paper.sha256).status == "valid"
    # Bytes appended after the signature: the signature no longer covers the whole file.
    assert signing.check_pdf(content + b"\n% added\n").status == "tampered"


def test_the_fee_receipt_is_signed_and_cancelling_it_shows_on_its_qr_page(
    world, dossier, certificates, as_user, client
):
    with freeze_time(at(7, 9, 15)):
        receipt = services.receipt_issue(
            actor=world.clerk, dossier=dossier, payer=Payer(name=NAME), method="cash"
        )
    content = _fetch_pdf(as_user(world.clerk), reverse("receipts:receipt_pdf", args=[receipt.pk]))
    assert signing.check_pdf(content).status == "valid"
    signed = SignedPaper.objects.get(receipt=receipt)
    assert signed.kind == SignedKind.RECEIPT
    page = _verify_page(client, receipt.token)
    assert "Biên lai hợp lệ" in page and 'data-signature="valid"' in page
    services.receipt_cancel(actor=world.clerk, receipt=receipt, reason="Ghi sai tên người nộp")
    page = _verify_page(client, receipt.token)
    assert "Biên lai này đã bị hủy" in page
    paper_page = _verify_page(client, signed.token)
    assert 'data-signature="cancelled"' in paper_page


def _approved_with_result(world, result_pdf: bytes):
    with freeze_time(at(7, 8, 30)):
        dossier = receive(world)
    first = dossier.steps.get(order=1)
    dossier_services.step_claim(actor=world.reviewer_a, step=first)
    dossier_services.step_forward(actor=world.reviewer_a, step=first, note="Đủ điều kiện")
    last = dossier.steps.get(order=2, status=StepStatus.ACTIVE)
    dossier_services.step_claim(actor=world.reviewer_b, step=last)
    dossier_services.step_approve(
        actor=world.reviewer_b,
        step=last,
        result_note="Cấp giấy phép xây dựng số 12/GPXD",
        files=[FileUpload(name="giay-phep.pdf", content=result_pdf)],
    )
    dossier.refresh_from_db()
    return dossier


def _a_pdf(text: str) -> bytes:
    from receipts import pdf

    return pdf.html_to_pdf(f"<p>{text}</p>")[0]


def test_an_uploaded_result_is_signed_by_the_resolving_agency_and_can_be_revoked(
    world, certificates, as_user, client
):
    dossier = _approved_with_result(world, _a_pdf("Giấy phép xây dựng số 12/GPXD"))
    upload = dossier.files.get(kind="result")
    reviewer = as_user(world.reviewer_b)
    response = reviewer.post(reverse("receipts:sign_result", args=[dossier.code, upload.pk]))
    assert response.status_code == 302
    paper = SignedPaper.objects.get(source_file=upload)
    assert paper.kind == SignedKind.RESULT and paper.agency == world.construction
    content = _fetch_pdf(reviewer, reverse("receipts:signed_download", args=[paper.token]))
    verdict = signing.check_pdf(content)
    assert verdict.status == "valid" and verdict.signer.startswith("Sở Xây dựng")
    assert "Giấy phép xây dựng số 12/GPXD" in pdf_text(content)
    # The upload itself is kept as it came.
    assert upload.file.open("rb").read() != content
    # The applicant's dossier page lists it; someone outside the dossier gets 404.
    assert (
        as_user(world.reviewer_other).get(reverse("receipts:signed_download", args=[paper.token])).status_code
        == 404
    )
    page = _verify_page(client, paper.token)
    assert 'data-signature="valid"' in page and "Sở Xây dựng" in page
    signed_paper_revoke(actor=world.reviewer_b, paper=paper, reason="Cấp nhầm số giấy phép")
    page = _verify_page(client, paper.token)
    assert 'data-signature="cancelled"' in page and "Cấp nhầm số giấy phép" in page


def test_the_result_the_portal_issues_is_a_signed_paper(world, certificates, as_user, client):
    dossier = _approved_with_result(world, _a_pdf("x"))
    content = _fetch_pdf(
        as_user(world.reviewer_b), reverse("receipts:paper_pdf", args=[dossier.code, "ket-qua"])
    )
    assert "THÔNG BÁO KẾT QUẢ GIẢI QUYẾT HỒ SƠ" in pdf_text(content)
    assert "Cấp giấy phép xây dựng số 12/GPXD" in pdf_text(content)
    verdict = signing.check_pdf(content)
    assert verdict.status == "valid" and verdict.signer.startswith("Sở Xây dựng")
    assert SignedPaper.objects.get(dossier=dossier, slug="ket-qua").kind == SignedKind.RESULT


def test_without_a_certificate_papers_are_unsigned_and_say_so(world, dossier, as_user):
    client = as_user(world.clerk)
    content = _fetch_pdf(client, reverse("receipts:paper_pdf", args=[dossier.code, "giay-tiep-nhan"]))
    assert signing.check_pdf(content).status == "unsigned"
    assert not SignedPaper.objects.exists()
    page = client.get(reverse("receipts:paper", args=[dossier.code, "giay-tiep-nhan"])).content.decode()
    assert "chưa được ký số" in page


def test_a_certificate_that_does_not_load_is_said_not_hidden(world, dossier, certificates, settings, as_user):
    settings.HCC_SIGNING_KEYS = {"": (str(certificates / "CENTER.p12"), "sai-mat-khau")}
    response = as_user(world.clerk).get(reverse("receipts:paper_pdf", args=[dossier.code, "giay-tiep-nhan"]))
    assert response.status_code == 503
    assert "Chưa ký số được giấy tờ này" in response.content.decode()
    assert not SignedPaper.objects.exists()


def test_the_demo_chain_signs_for_make_run(world, dossier, settings, as_user, client):
    """``seed_demo`` writes the chain to HCC_SIGNING_DIR; with DEBUG (make run) it is used."""
    from receipts.demo_signing import seed_demo_certificates

    assert seed_demo_certificates() >= 5  # the center and every agency of the world
    settings.HCC_SIGNING_DEMO = True
    content = _fetch_pdf(
        as_user(world.clerk), reverse("receipts:paper_pdf", args=[dossier.code, "giay-tiep-nhan"])
    )
    assert signing.check_pdf(content).status == "valid"
    # Run again, the chain is kept: what was signed stays valid.
    seed_demo_certificates()
    assert 'data-signature="valid"' in _verify_page(client, SignedPaper.objects.get().token)


def test_an_unknown_token_is_404(db, client):
    assert client.get(reverse("receipts:verify", args=["x" * 32])).status_code == 404


@pytest.fixture
def timestamp_server(certificates, settings):
    """Our RFC 3161 server on loopback, issued by the same demo root (receipts.timestamp_server)."""
    from receipts.timestamp_server import serve_in_thread

    server, url = serve_in_thread(certificates)
    settings.HCC_SIGNING_TSA_URL = url
    yield url
    server.shutdown()
    server.server_close()


def test_with_a_timestamp_server_the_signature_carries_its_time(
    world, dossier, certificates, timestamp_server, as_user, client
):
    content = _fetch_pdf(
        as_user(world.clerk), reverse("receipts:paper_pdf", args=[dossier.code, "giay-tiep-nhan"])
    )
    verdict = signing.check_pdf(content)
    assert verdict.status == "valid" and verdict.timestamped
    paper = SignedPaper.objects.get(dossier=dossier)
    assert paper.timestamped
    page = _verify_page(client, paper.token)
    assert "Có dấu thời gian" in page


def test_an_unreachable_timestamp_server_is_said_not_hidden(world, dossier, certificates, settings, as_user):
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.HCC_SIGNING_TSA_URL = f"http://127.0.0.1:{port}/"
    settings.HCC_SIGNING_TSA_TIMEOUT = 1
    response = as_user(world.clerk).get(reverse("receipts:paper_pdf", args=[dossier.code, "giay-tiep-nhan"]))
    assert response.status_code == 503
    assert "máy chủ cấp dấu thời gian" in response.content.decode()
    assert not SignedPaper.objects.exists()

"""Documents tests reuse the dossiers' small province (``world``) and make scans as a desk scanner
would: JPEG pages with Vietnamese text at 150 dpi."""

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import StepStatus
from dossiers.services import Intake
from receipts.pdf import FONT_DIR
from tests.dossiers.conftest import world  # noqa: F401 (the fixture)
from tests.factories import PDF_BYTES, applicant
from tests.receipts.test_signing import certificates  # noqa: F401 (the fixture)

PAGES = [
    [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BẢN VẼ THIẾT KẾ",
        "Công trình: nhà ở riêng lẻ",
        "Chủ đầu tư: Nguyễn Văn An",
    ],
    ["Mặt bằng tầng một", "Tỷ lệ 1/100", "Số: 125/2026"],
]


def scan_page(lines: list[str], *, kind: str = "JPEG") -> bytes:
    """One A4 page at 150 dpi, black text on white, as a scanner gives it."""
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSerif.ttf"), 28)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((100, 150 + n * 70), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, kind, dpi=(150, 150), **({"quality": 80} if kind == "JPEG" else {}))
    return out.getvalue()


@pytest.fixture(scope="session")
def two_page_scan() -> list[bytes]:
    return [scan_page(lines) for lines in PAGES]


def drawing(procedure):
    return procedure.documents.get(name="Bản vẽ thiết kế")


def desk_intake(w, pages: list[bytes], *, actor=None, reused=None, **applicant_fields):
    """A dossier received at the center's desk: every document ticked, the drawing scanned."""
    procedure = w.procedure
    documents = {d.id: (d.originals, d.copies) for d in procedure.documents.all() if d.mandatory}
    if reused:
        for document_id in reused:
            documents.pop(document_id, None)
    files = [
        FileUpload(name=f"trang-{n}.jpg", content=page, document_id=drawing(procedure).id)
        for n, page in enumerate(pages, 1)
    ]
    intake = Intake(
        applicant=applicant(**applicant_fields),
        documents=documents,
        files=files,
        reused=reused or {},
    )
    return services.dossier_receive(actor=actor or w.clerk, procedure=procedure, intake=intake)


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def approve(w, dossier, files):
    """Both steps of the demo route: forwarded by reviewer A, approved by B with ``files``."""
    first = dossier.steps.get(order=1)
    services.step_claim(actor=w.reviewer_a, step=first)
    services.step_forward(actor=w.reviewer_a, step=first, note="Đủ")
    last = dossier.steps.get(order=2, status=StepStatus.ACTIVE)
    services.step_claim(actor=w.reviewer_b, step=last)
    services.step_approve(actor=w.reviewer_b, step=last, result_note="Cấp phép", files=files)


def group_6_scenario(w, capture):
    """Four dossiers received today: one with a scan and a paper-only paper, one all on paper, one
    all scanned, one online reusing a stored paper; two results, one as a file, one on paper.
    ``capture``: ``django_capture_on_commit_callbacks`` (digitised on commit, then stored)."""
    w.citizen.phone = "+84912345678"
    w.citizen.save()
    pages = [scan_page(["Bản vẽ"])]
    main = w.procedure.documents.get(name="Đơn đề nghị")
    with capture(execute=True):
        scanned = desk_intake(w, pages)
        paper = desk_intake(w, [], id_number="079203001234")
        full = services.dossier_receive(
            actor=w.clerk,
            procedure=w.procedure,
            intake=Intake(
                applicant=applicant(id_number="001203009999"),
                documents={d.id: (1, 0) for d in w.procedure.documents.filter(mandatory=True)},
                files=[
                    FileUpload(name="a.jpg", content=pages[0], document_id=main.id),
                    FileUpload(name="b.jpg", content=pages[0], document_id=drawing(w.procedure).id),
                ],
            ),
        )
    with capture(execute=True):
        stored = scanned.stored_documents.get()
        online = services.dossier_submit(
            actor=w.citizen,
            procedure=w.procedure,
            office=w.center,
            intake=Intake(
                applicant=applicant(),
                files=[FileUpload(name="don.pdf", content=PDF_BYTES, document_id=main.id)],
                reused={drawing(w.procedure).id: str(stored.pk)},
            ),
        )
        services.dossier_accept(actor=w.clerk, dossier=online)
        approve(w, full, [FileUpload(name="kq.pdf", content=PDF_BYTES)])
        approve(w, paper, [])
    return {"scanned": scanned, "paper": paper, "full": full, "online": online}

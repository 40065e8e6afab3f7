"""Receipts tests reuse the dossiers' small province (``world``) and add a few helpers."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from dossiers import services
from dossiers.services import Intake
from receipts import pdf
from tests.dossiers.conftest import world  # noqa: F401 (the fixture)
from tests.factories import applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NAME = "Trần Thị Ngọc Ánh"


def at(day, hour, minute=0, month=12):
    """A moment in December 2026 (Monday 7 to Friday 11, then Monday 14 …; no holiday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


def receive(w, actor=None, procedure=None, **kwargs):
    procedure = procedure or w.procedure
    intake = Intake(
        applicant=applicant(name=NAME),
        documents={d.id: (d.originals, d.copies) for d in procedure.documents.all()},
        **kwargs,
    )
    return services.dossier_receive(actor=actor or w.clerk, procedure=procedure, intake=intake)


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF"), content[:40]
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def without_pango(monkeypatch):
    """This machine as if Pango were missing: WeasyPrint's import fails at the one seam."""
    import sys

    pdf.load_weasyprint.cache_clear()
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    yield
    monkeypatch.undo()
    pdf.load_weasyprint.cache_clear()


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in

"""Every write of digitisation and the document store.

The dossier services call ``digitisations_record`` and ``intake_record`` inside their own
transaction (through ``dossiers.extensions``); the slow work (joining the scans, OCR, signing a
result) runs in tasks (``documents.tasks``) queued on commit, which call ``digitisation_run`` and
``result_store`` with an id. A ``Digitisation`` row in state ``queued`` is the outbox: the
periodic sweep queues again what a lost message left behind. The rows themselves are the record
(who digitised what, when; which stored paper a dossier reused): no dossier ``Event`` is written,
as for receipts.
"""

import hashlib
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from documents import ocr, publish
from documents.models import (
    Digitisation,
    DigitisationState,
    DocumentReuse,
    StoredDocument,
    StoredSource,
    match_key,
)
from dossiers.models import ApplicantKind, Channel, Dossier, DossierFile, FileKind

logger = logging.getLogger(__name__)

DESK_CHANNELS = (Channel.COUNTER, Channel.POSTAL)
DESK_ROLES = (Role.CLERK, Role.POSTAL)  # who scans papers brought to the desk or sent by post


class DocumentError(ValidationError):
    """Bad input for the document store: nothing was changed."""


def _queue(digitisation_id: int, task_name: str) -> None:
    transaction.on_commit(lambda: publish.dispatch(task_name, digitisation_id))


# --- recorded by the dossier services (dossiers.extensions) --------------------------------------


def digitisation_marks_refresh(*, dossier: Dossier) -> Dossier:
    """Read Decision 766 group 6's marks of ``dossier`` from these records and store them on the
    dossier (``dossiers.services.dossier_note_digitisation``: the statistics' rollups move in this
    transaction). Called after every change of what they read: intake (scans, paper-only papers,
    reuse), files stored, a result signed or its signature revoked."""
    from documents.selectors import digitisation_marks
    from dossiers.services import dossier_note_digitisation

    return dossier_note_digitisation(dossier=dossier, **digitisation_marks(dossier.pk))


def digitisations_record(*, dossier: Dossier, actor: User, files: list[DossierFile], kind: str) -> None:
    """Files just stored on ``dossier``. Scans the desk or the post received (at intake, or a
    supplement brought to the desk) become one digitisation per required document, queued for
    OCR; a result's files become the digitised result (to sign and store); a result without a
    file is recorded as paper-only. A citizen's own uploads are electronic already."""
    if kind == FileKind.RESULT:
        row = Digitisation.objects.create(
            dossier=dossier,
            name=_("Kết quả giải quyết: %(procedure)s") % {"procedure": dossier.procedure.name},
            is_result=True,
            state=DigitisationState.QUEUED if files else DigitisationState.PAPER_ONLY,
            digitised_by=actor if files else None,
        )
        if files:
            row.scans.set(files)
            _queue(row.pk, "result")
        digitisation_marks_refresh(dossier=dossier)
        return
    if not files or getattr(actor, "role", None) not in DESK_ROLES:
        # a citizen's own upload (online, or a supplement sent online) is electronic already
        digitisation_marks_refresh(dossier=dossier)
        return
    groups: dict[int | None, list[DossierFile]] = {}
    for file in files:
        groups.setdefault(file.document_id, []).append(file)
    for document_id, scans in groups.items():
        name = scans[0].document_name or _("Giấy tờ bổ sung")
        row = Digitisation.objects.create(
            dossier=dossier,
            document_id=document_id,
            name=name,
            state=DigitisationState.QUEUED,
            digitised_by=actor,
        )
        row.scans.set(scans)
        _queue(row.pk, "digitise")
    digitisation_marks_refresh(dossier=dossier)


def intake_record(*, dossier: Dossier, actor: User, reused: dict[int, str]) -> set[int]:
    """A dossier was received or submitted: record the reuse of stored papers (each must be one
    the applicant holds, valid today, of the kind the document asks for) and, at a desk, mark
    each document received without a scan as paper-only. Returns the reused document ids."""
    from documents import selectors

    covered: set[int] = set()
    if reused:
        names = dict(dossier.procedure.documents.values_list("id", "name"))
        offered = selectors.offers_for(
            procedure=dossier.procedure,
            user=actor,
            id_number=dossier.id_number,
            tax_code=dossier.tax_code if dossier.applicant_kind == ApplicantKind.ORGANISATION else "",
        )
        for document_id, key in reused.items():
            stored = next((s for s in offered.get(document_id, []) if str(s.pk) == str(key)), None)
            if stored is None:
                raise DocumentError(
                    _("Giấy tờ chọn dùng lại cho “%(name)s” không có trong kho dữ liệu của người nộp.")
                    % {"name": names.get(document_id, "?")}
                )
            DocumentReuse.objects.create(
                dossier=dossier,
                document_id=document_id,
                name=names[document_id],
                stored=stored,
                reused_by=actor,
            )
            covered.add(document_id)
    if dossier.channel in DESK_CHANNELS:
        scanned = set(dossier.digitisations.filter(is_result=False).values_list("document_id", flat=True))
        Digitisation.objects.bulk_create(
            Digitisation(
                dossier=dossier,
                document_id=received.document_id,
                name=received.name,
                state=DigitisationState.PAPER_ONLY,
            )
            for received in dossier.documents_received.all()
            if received.document_id not in scanned and received.document_id not in covered
        )
    digitisation_marks_refresh(dossier=dossier)
    return covered


# --- the tasks' work -----------------------------------------------------------------------------


def _claim(digitisation_id: int) -> Digitisation | None:
    """Lock the row and move it to running, once: None when another worker has it or it is done."""
    with transaction.atomic():
        row = Digitisation.objects.select_for_update().filter(pk=digitisation_id).first()
        if row is None or row.state != DigitisationState.QUEUED:
            return None
        row.state = DigitisationState.RUNNING
        row.attempts += 1
        row.save(update_fields=["state", "attempts"])
    return row


def _scans(row: Digitisation) -> list[ocr.Scan]:
    scans = []
    for file in row.scans.order_by("id"):
        with file.file.open("rb") as handle:
            scans.append(ocr.Scan(content=handle.read(), content_type=file.content_type))
    return scans


def _owner(dossier: Dossier) -> dict:
    """Whose store a paper of ``dossier`` goes to: the applicant by ID number (an organisation by
    tax code), and their account when known — the dossier's own account online; at the desk, the
    citizen account holding the (proven) phone number the clerk recorded."""
    user = dossier.applicant_user
    if user is None and dossier.phone:
        user = User.objects.filter(role=Role.CITIZEN, phone=dossier.phone, is_active=True).first()
    organisation = dossier.applicant_kind == ApplicantKind.ORGANISATION
    return {
        "owner_user": user,
        "owner_id_number": "" if organisation else dossier.id_number,
        "owner_tax_code": dossier.tax_code if organisation else "",
        "owner_name": dossier.organisation_name if organisation else dossier.applicant_name,
    }


def _finish(
    row: Digitisation, *, pdf: bytes, pages: int, state: str, text: str = "", error: str = ""
) -> None:
    with transaction.atomic():
        row.output.save(f"{row.pk}.pdf", ContentFile(pdf), save=False)
        row.output_sha256 = hashlib.sha256(pdf).hexdigest()
        row.pages = pages
        row.text = text[:100_000]
        row.state = state
        row.error = error[:500]
        row.finished_at = timezone.now()
        row.save()
        if not row.is_result and not StoredDocument.objects.filter(digitisation=row).exists():
            StoredDocument.objects.create(
                **_owner(row.dossier),
                kind=row.name[:300],
                key=match_key(row.name[:300]),
                source=StoredSource.DIGITISED,
                dossier=row.dossier,
                digitisation=row,
            )


def digitisation_run(*, digitisation_id: int) -> Digitisation | None:
    """Join a digitisation's scans into one PDF and, when this machine can, OCR it to a searchable
    PDF/A; the paper then joins its owner's store. Idempotent: a row not queued is left alone."""
    row = _claim(digitisation_id)
    if row is None:
        return None
    try:
        joined, pages = ocr.join_scans(_scans(row))
    except (OSError, ocr.OcrError) as exc:
        logger.exception("digitisation %s: the scans cannot be joined", row.pk)
        Digitisation.objects.filter(pk=row.pk).update(state=DigitisationState.FAILED, error=str(exc)[:500])
        return row
    if not ocr.ocr_available():
        _finish(row, pdf=joined, pages=pages, state=DigitisationState.OCR_OFF)
        return row
    try:
        searchable = ocr.make_searchable(joined)
    except ocr.OcrError as exc:
        logger.warning("digitisation %s: OCR failed, the scan is kept as it is: %s", row.pk, exc)
        _finish(row, pdf=joined, pages=pages, state=DigitisationState.FAILED, error=str(exc))
        return row
    _finish(
        row, pdf=searchable.pdf, pages=searchable.pages, state=DigitisationState.DONE, text=searchable.text
    )
    return row


def result_store(*, digitisation_id: int) -> StoredDocument | None:
    """A result received as files: the PDF signed by the resolving agency (``receipts``; unsigned
    when it has no certificate), the files joined into one PDF, and the result into the
    applicant's store. A file that is neither signed nor readable leaves the row failed, with why."""
    from receipts.services.signing import result_sign
    from receipts.signing import SigningError

    row = _claim(digitisation_id)
    if row is None:
        return None
    files = list(row.scans.order_by("id"))
    problems: list[str] = []
    signed = None
    pdf = next((f for f in files if f.content_type == "application/pdf"), None)
    if pdf is not None:
        try:
            signed = result_sign(actor=row.digitised_by, dossier_file=pdf)
        except (SigningError, ValidationError) as exc:
            logger.exception("result %s of dossier %s not signed", pdf.pk, row.dossier_id)
            problems.append(str(exc))
    try:
        joined, pages = ocr.join_scans(_scans(row))
    except (OSError, ocr.OcrError) as exc:
        logger.warning("result digitisation %s: the files cannot be joined: %s", row.pk, exc)
        joined, pages = None, 0
        problems.append(str(exc))
    with transaction.atomic():
        if joined is not None:
            row.output.save(f"{row.pk}.pdf", ContentFile(joined), save=False)
            row.output_sha256 = hashlib.sha256(joined).hexdigest()
            row.pages = pages
        row.state = DigitisationState.DONE if (signed or joined) else DigitisationState.FAILED
        row.error = "; ".join(problems)[:500]
        row.finished_at = timezone.now()
        row.save()
        if not (signed or joined):
            return None
        dossier = row.dossier
        kind = (pdf.document_name if pdf and pdf.document_name else "") or _("Kết quả: %(procedure)s") % {
            "procedure": dossier.procedure.name
        }
        return StoredDocument.objects.create(
            **_owner(dossier),
            kind=kind[:300],
            key=match_key(kind[:300]),
            issuer=dossier.resolving_agency.name[:300],
            issued_on=timezone.localdate(dossier.result_ready_at) if dossier.result_ready_at else None,
            source=StoredSource.RESULT,
            dossier=dossier,
            digitisation=row,
            signed_paper=signed,
        )


@transaction.atomic
def digitisation_retry(*, actor: User, digitisation: Digitisation) -> Digitisation:
    """Queue a failed digitisation again (after Tesseract was installed, say)."""
    row = Digitisation.objects.select_for_update().get(pk=digitisation.pk)
    if row.state not in (DigitisationState.FAILED, DigitisationState.OCR_OFF):
        raise DocumentError(_("Giấy tờ này không cần số hóa lại."))
    row.state = DigitisationState.QUEUED
    row.error = ""
    row.digitised_by = row.digitised_by or actor
    row.save(update_fields=["state", "error", "digitised_by"])
    _queue(row.pk, "result" if row.is_result else "digitise")
    return row


@transaction.atomic
def stored_document_describe(
    *,
    actor: User,
    stored: StoredDocument,
    kind: str,
    issuer: str = "",
    number: str = "",
    issued_on=None,
    valid_until=None,
) -> StoredDocument:
    """The clerk describes a stored paper from the paper itself: kind, issuer, number, dates."""
    kind = (kind or "").strip()
    if not kind:
        raise DocumentError({"kind": [_("Vui lòng ghi loại giấy tờ, ví dụ Giấy khai sinh.")]})
    if issued_on and valid_until and valid_until < issued_on:
        raise DocumentError({"valid_until": [_("Ngày hết giá trị phải sau ngày cấp.")]})
    stored = StoredDocument.objects.select_for_update().get(pk=stored.pk)
    stored.kind = kind[:300]
    stored.key = match_key(stored.kind)
    stored.issuer = issuer.strip()[:300]
    stored.number = number.strip()[:100]
    stored.issued_on = issued_on
    stored.valid_until = valid_until
    stored.save()
    logger.info("stored document %s described by user %s", stored.pk, actor.pk)
    return stored

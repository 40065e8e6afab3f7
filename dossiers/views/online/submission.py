"""A submission in progress: its answers in the session, its uploaded files kept in a private
folder under ``MEDIA_ROOT/tmp``, and the lock the final post takes there."""

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from dossiers.files import FileUpload, StagedUpload
from dossiers.forms.online import ApplicantForm, ContactForm, OfficeForm
from dossiers.models import IdKind
from dossiers.services import Applicant, Intake
from procedures.models import Agency, Procedure, RequiredDocument

OPEN_KEY = "online_submissions"  # wizard id → answers
DONE_KEY = "online_submitted"  # wizard id → dossier code
MAX_OPEN = 5
MAX_DONE = 10
FORMS = {"applicant": ApplicantForm, "contact": ContactForm, "office": OfficeForm}
LOCK = ".submitting"
STALE_LOCK_SECONDS = 600
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
TOKEN = re.compile(r"^[0-9a-f]{32}$")


class Submission:
    def __init__(self, request, wizard_id: str, state: dict):
        self.request, self.id, self.state = request, wizard_id, state

    @classmethod
    def find(cls, request, wizard_id: str) -> "Submission | None":
        state = request.session.get(OPEN_KEY, {}).get(wizard_id)
        return cls(request, wizard_id, state) if state else None

    @classmethod
    def open_for(cls, request, procedure: Procedure) -> "Submission":
        """The unfinished submission of this procedure, or a new one."""
        open_ = request.session.get(OPEN_KEY, {})
        for wizard_id, state in list(open_.items()):
            found = cls(request, wizard_id, state)
            if code := found.submitted_code():
                found.forget(code)
            elif state["procedure"] == procedure.code:
                return found
        for wizard_id in sorted(open_, key=lambda k: open_[k]["started"])[
            : max(0, len(open_) + 1 - MAX_OPEN)
        ]:
            cls(request, wizard_id, open_[wizard_id]).discard()
        state = {"procedure": procedure.code, "folder": secrets.token_hex(16), "started": time.time()}
        submission = cls(request, secrets.token_hex(8), state)
        submission.folder.mkdir(parents=True, exist_ok=True)
        submission.save()
        return submission

    @property
    def folder(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "tmp" / self.state["folder"]

    def save(self) -> None:
        self.request.session.setdefault(OPEN_KEY, {})[self.id] = self.state
        self.request.session.modified = True

    def discard(self) -> None:
        self.request.session.get(OPEN_KEY, {}).pop(self.id, None)
        self.request.session.modified = True
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, step: str, change: bool = False) -> str:
        return reverse(f"dossiers:submit_{step}", args=[self.id]) + ("?change=1" if change else "")

    # files: <token>.<ext> holds the bytes, <token>.json what the citizen sees of it
    def files(self) -> list[dict]:
        found = []
        for meta in self.folder.glob("*.json"):
            try:
                found.append(json.loads(meta.read_text()) | {"token": meta.stem})
            except (OSError, ValueError):
                continue
        return sorted(found, key=lambda f: (f["uploaded_at"], f["seq"], f["token"]))

    def keep(self, upload: StagedUpload) -> None:
        """Copy a checked upload into the folder in chunks, from where the upload handler
        streamed it: never read into memory whole."""
        content_type = upload.content_type
        token = secrets.token_hex(16)
        self.folder.mkdir(parents=True, exist_ok=True)
        data = self.folder / f"{token}.{EXTENSIONS[content_type]}"
        fd = os.open(data, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.file.chunks():
                out.write(chunk)
        meta = {
            "name": upload.name,
            "document_id": upload.document_id,
            "size": upload.size,
            "content_type": content_type,
            "file": data.name,
            "uploaded_at": time.time(),
            "seq": len(list(self.folder.glob("*.json"))),
        }
        (self.folder / f"{token}.json").write_text(json.dumps(meta))

    def remove(self, token: str) -> None:
        if TOKEN.match(token or ""):
            for path in self.folder.glob(f"{token}.*"):
                path.unlink(missing_ok=True)

    def uploads(self, document_ids: set[int]) -> list[FileUpload]:
        """The kept files of the procedure's documents, read back for the service (which checks
        them again)."""
        uploads = []
        for meta in self.files():
            if meta["document_id"] not in document_ids:
                continue  # the procedure no longer asks for that document
            try:
                content = (self.folder / meta["file"]).read_bytes()
            except OSError:
                raise ValidationError(
                    {"files": [_("Tệp %(name)s không còn, vui lòng tải lên lại.") % {"name": meta["name"]}]}
                ) from None
            uploads.append(FileUpload(name=meta["name"], content=content, document_id=meta["document_id"]))
        return uploads

    def reused(self) -> dict[int, str]:
        """Document id → the stored paper the citizen chose to reuse for it."""
        return {int(pk): key for pk, key in self.state.get("reused", {}).items()}

    def kept_counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for meta in self.files():
            counts[meta["document_id"]] = counts.get(meta["document_id"], 0) + 1
        return counts

    def first_missing_step(self, documents: list[RequiredDocument]) -> str:
        for step in FORMS:
            if step not in self.state:
                return step
        kept = self.kept_counts()
        reused = self.reused()
        if not self.state.get("documents") or any(
            d.mandatory and not kept.get(d.pk) and d.pk not in reused for d in documents
        ):
            return "documents"
        return "check"

    # the final post
    def claim(self) -> tuple[str, str]:
        """("ok", "") when this request may submit; ("done", code) or ("busy", "") otherwise."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = self.folder / LOCK
        try:
            lock.mkdir()
        except FileExistsError:
            code_file = lock / "code"
            if code_file.exists():
                return "done", code_file.read_text()
            try:
                started = float((lock / "started").read_text())
            except (OSError, ValueError):
                started = 0.0
            if time.time() - started < STALE_LOCK_SECONDS:
                return "busy", ""
            # a submission that crashed half-way: take its lock over
        (lock / "started").write_text(str(time.time()))
        return "ok", ""

    def submitted_code(self) -> str:
        try:
            return (self.folder / LOCK / "code").read_text()
        except OSError:
            return ""

    def release(self) -> None:
        shutil.rmtree(self.folder / LOCK, ignore_errors=True)

    def finish(self, code: str) -> None:
        """Submitted: the uploaded copies go; the lock stays, holding the code, until swept."""
        (self.folder / LOCK / "code").write_text(code)
        for path in self.folder.iterdir():
            if path.is_file():
                path.unlink(missing_ok=True)
        self.forget(code)

    def forget(self, code: str) -> None:
        self.request.session.get(OPEN_KEY, {}).pop(self.id, None)
        done = self.request.session.get(DONE_KEY, {})
        done[self.id] = code
        self.request.session[DONE_KEY] = dict(list(done.items())[-MAX_DONE:])
        self.request.session.modified = True

    def intake(self, files: list[FileUpload]) -> Intake:
        who, contact, office = self.state["applicant"], self.state["contact"], self.state["office"]
        return Intake(
            applicant=Applicant(
                kind=who["kind"],
                name=who["name"],
                id_kind=who.get("id_kind") or IdKind.CCCD,
                id_number=who["id_number"],
                nationality=who.get("nationality", ""),
                organisation_name=who["organisation_name"],
                tax_code=who["tax_code"],
                phone=contact["phone"],
                email=contact["email"],
                address=contact["address"],
            ),
            return_method=office["return_method"],
            return_address=office["return_address"],
            files=files,
            reused=self.reused(),
            resolving_agency=Agency.objects.filter(pk=office["resolving_agency"]).first()
            if office.get("resolving_agency")
            else None,
        )

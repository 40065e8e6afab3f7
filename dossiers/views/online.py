"""The citizen's online submission, a guided form in the GOV.UK way (one question group per page,
a check-your-answers page, a confirmation page), and the citizen's own dossiers.

The answers of a submission in progress live in the session under a random id that is in the
URL (two tabs, two procedures: two submissions). Uploaded files are checked by content and kept
in a private folder ``MEDIA_ROOT/tmp/<random>`` under server-made names, each with a small JSON
file of its metadata, so a file uploaded once is never asked for again. The final post takes a
lock in that folder (an atomic ``mkdir``) and leaves the dossier code in it: a second post,
even from a stale session, never makes a second dossier.
"""

import json
import os
import re
import secrets
import shutil
import time
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.permissions import can
from accounts.phones import display_phone
from dossiers import services
from dossiers.files import MAX_FILE_BYTES, MAX_FILES_PER_DOSSIER, FileUpload, check_upload
from dossiers.forms.fields import ACCEPT
from dossiers.forms.online import (
    ApplicantForm,
    ContactForm,
    DocumentsForm,
    OfficeForm,
    SupplyForm,
    WithdrawForm,
    desks_for_citizens,
    document_field_name,
)
from dossiers.models import ApplicantKind, Dossier, ReturnMethod
from dossiers.selectors import dossiers_visible_to
from dossiers.services import Applicant, Intake
from dossiers.workflow import Action, Status, TransitionRefused, actions_from
from procedures.models import Procedure, RequiredDocument

OPEN_KEY = "online_submissions"  # wizard id → answers
DONE_KEY = "online_submitted"  # wizard id → dossier code
MAX_OPEN = 5
MAX_DONE = 10
STEPS = ("applicant", "contact", "office", "documents", "check")
FORMS = {"applicant": ApplicantForm, "contact": ContactForm, "office": OfficeForm}
LOCK = ".submitting"
STALE_LOCK_SECONDS = 600
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
TOKEN = re.compile(r"^[0-9a-f]{32}$")
STEP_OF_FIELD = {
    "kind": "applicant",
    "name": "applicant",
    "id_number": "applicant",
    "organisation_name": "applicant",
    "tax_code": "applicant",
    "phone": "contact",
    "email": "contact",
    "address": "contact",
    "office": "office",
    "return_method": "office",
    "return_address": "office",
    "files": "documents",
}


def citizen_required(view):
    """Anonymous people go to the login page (and come back); staff get a page saying why not.
    Every page here shows personal data: never cached."""

    @wraps(view)
    @never_cache
    @login_required
    def wrapped(request, *args, **kwargs):
        user = request.user
        if user.role != Role.CITIZEN or user.is_superuser or not can(user, "dossier.submit_online"):
            if "code" in kwargs:  # a page naming a dossier: never confirm it exists
                raise Http404
            return render(request, "dossiers/online/citizens_only.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _message_lists(exc: ValidationError) -> dict[str | None, list[str]]:
    if hasattr(exc, "error_dict"):
        return {(None if k == "__all__" else k): v for k, v in exc.message_dict.items()}
    return {None: exc.messages}


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in _message_lists(exc).items():
        form.add_error(field if field in form.fields else None, errors)


# --- a submission in progress ------------------------------------------------------------------


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

    def keep(self, upload: FileUpload) -> None:
        content_type = check_upload(upload)
        token = secrets.token_hex(16)
        self.folder.mkdir(parents=True, exist_ok=True)
        data = self.folder / f"{token}.{EXTENSIONS[content_type]}"
        fd = os.open(data, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        with os.fdopen(fd, "wb") as out:
            out.write(upload.content)
        meta = {
            "name": upload.name,
            "document_id": upload.document_id,
            "size": len(upload.content),
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
        if not self.state.get("documents") or any(d.mandatory and not kept.get(d.pk) for d in documents):
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
                id_number=who["id_number"],
                organisation_name=who["organisation_name"],
                tax_code=who["tax_code"],
                phone=contact["phone"],
                email=contact["email"],
                address=contact["address"],
            ),
            return_method=office["return_method"],
            return_address=office["return_address"],
            files=files,
        )


def _procedure(code: str) -> Procedure | None:
    documents = Prefetch("documents", queryset=RequiredDocument.objects.order_by("order", "id"))
    return Procedure.objects.filter(code=code, is_active=True).prefetch_related(documents).first()


def _open(request, wizard_id: str):
    """(submission, procedure, None) or (None, None, a response to return instead)."""
    done = request.session.get(DONE_KEY, {}).get(wizard_id)
    if done:
        return None, None, redirect("dossiers:submit_done", done)
    submission = Submission.find(request, wizard_id)
    if submission and (code := submission.submitted_code()):
        submission.forget(code)
        return None, None, redirect("dossiers:submit_done", code)
    if submission is None:
        messages.warning(request, _("Không tìm thấy hồ sơ đang soạn. Vui lòng bắt đầu lại từ trang thủ tục."))
        return None, None, redirect("procedures:catalog")
    procedure = _procedure(submission.state["procedure"])
    if procedure is None or not procedure.accepts_online:
        submission.discard()
        return None, None, render(request, "dossiers/online/not_online.html", {"procedure": procedure})
    return submission, procedure, None


def _context(submission: Submission, procedure: Procedure, step: str, change: bool) -> dict:
    index = STEPS.index(step)
    if change and step != "check":
        back = submission.url("check")
    elif index == 0:
        back = reverse("procedures:detail", args=[procedure.code])
    else:
        back = submission.url(STEPS[index - 1])
    return {
        "submission": submission,
        "procedure": procedure,
        "step": step,
        "step_number": index + 1,
        "step_count": len(STEPS),
        "back_url": back,
        "change": change,
    }


def _initial(request, step: str, submission: Submission) -> dict:
    if step in submission.state:
        initial = dict(submission.state[step])
        if step == "contact":
            initial["phone"] = display_phone(initial["phone"])
        return initial
    user = request.user
    if step == "applicant":
        return {"kind": ApplicantKind.PERSON, "name": user.full_name or user.get_full_name()}
    if step == "contact":
        return {"phone": display_phone(user.phone), "email": user.email}
    first_desk = desks_for_citizens().first()
    return {
        "office": first_desk.pk if first_desk else None,
        "return_method": ReturnMethod.COUNTER,
        "return_address": submission.state.get("contact", {}).get("address", ""),
    }


# --- the wizard ----------------------------------------------------------------------------------


@citizen_required
@require_GET
def submit_start(request, procedure_code: str):
    procedure = _procedure(procedure_code)
    if procedure is None:
        raise Http404
    if not procedure.accepts_online:
        return render(request, "dossiers/online/not_online.html", {"procedure": procedure})
    submission = Submission.open_for(request, procedure)
    return redirect(submission.url(submission.first_missing_step(list(procedure.documents.all()))))


def _form_step(request, wizard_id: str, step: str):
    submission, procedure, response = _open(request, wizard_id)
    if response:
        return response
    documents = list(procedure.documents.all())
    missing = submission.first_missing_step(documents)
    if STEPS.index(missing) < STEPS.index(step):
        return redirect(submission.url(missing))
    change = request.GET.get("change") == "1"
    extra = {"procedure": procedure} if step == "office" else {}
    form_class = FORMS[step]
    if request.method == "POST":
        form = form_class(request.POST, **extra)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if step == "office":
                data["office"] = data["office"].pk
            submission.state[step] = data
            submission.save()
            next_step = "check" if change else STEPS[STEPS.index(step) + 1]
            return redirect(
                submission.url(min(next_step, submission.first_missing_step(documents), key=STEPS.index))
            )
    else:
        form = form_class(initial=_initial(request, step, submission), **extra)
    context = _context(submission, procedure, step, change) | {"form": form}
    return render(request, f"dossiers/online/{step}.html", context)


@citizen_required
@require_http_methods(["GET", "POST"])
def submit_applicant(request, wizard_id: str):
    return _form_step(request, wizard_id, "applicant")


@citizen_required
@require_http_methods(["GET", "POST"])
def submit_contact(request, wizard_id: str):
    return _form_step(request, wizard_id, "contact")


@citizen_required
@require_http_methods(["GET", "POST"])
def submit_office(request, wizard_id: str):
    return _form_step(request, wizard_id, "office")


@citizen_required
@require_http_methods(["GET", "POST"])
def submit_documents(request, wizard_id: str):
    submission, procedure, response = _open(request, wizard_id)
    if response:
        return response
    documents = list(procedure.documents.all())
    missing = submission.first_missing_step(documents)
    if STEPS.index(missing) < STEPS.index("documents"):
        return redirect(submission.url(missing))
    change = request.GET.get("change") == "1"
    removing = request.POST.get("remove", "")
    posted = request.method == "POST"
    form = DocumentsForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        documents=documents,
        kept=submission.kept_counts(),
        check_mandatory=not removing,
    )
    if posted:
        form.is_valid()
        for upload in form.uploads:  # a good file is kept even when another one is refused
            submission.keep(upload)
        if removing:
            submission.remove(removing)
        if not form.errors:
            if removing:
                messages.info(request, _("Đã xóa tệp."))
                return redirect(submission.url("documents", change))
            submission.state["documents"] = True
            submission.save()
            return redirect(submission.url("check"))
    kept = submission.files()
    rows = [
        {
            "document": d,
            "field": form[document_field_name(d)],
            "files": [f for f in kept if f["document_id"] == d.pk],
        }
        for d in documents
    ]
    context = _context(submission, procedure, "documents", change) | {
        "form": form,
        "rows": rows,
        "accept": ACCEPT,
        "max_file_bytes": MAX_FILE_BYTES,
        "max_files": MAX_FILES_PER_DOSSIER,
    }
    return render(request, "dossiers/online/documents.html", context)


@citizen_required
@require_http_methods(["GET", "POST"])
def submit_check(request, wizard_id: str):
    submission, procedure, response = _open(request, wizard_id)
    if response:
        return response
    documents = list(procedure.documents.all())
    missing = submission.first_missing_step(documents)
    if missing != "check":
        return redirect(submission.url(missing))
    office = desks_for_citizens().filter(pk=submission.state["office"]["office"]).first()
    errors: dict[str | None, list[str]] = {}
    if request.method == "POST":
        status, code = submission.claim()
        if status == "done":
            return redirect("dossiers:submit_done", code)
        if status == "busy":
            messages.info(request, _("Hồ sơ của bạn đang được gửi. Vui lòng chờ trong giây lát."))
            return redirect("dossiers:my_dossiers")
        try:
            if office is None:
                raise ValidationError(
                    {"office": [_("Nơi tiếp nhận đã chọn không còn nhận hồ sơ, vui lòng chọn lại.")]}
                )
            dossier = services.dossier_submit(
                actor=request.user,
                procedure=procedure,
                office=office,
                intake=submission.intake(submission.uploads({d.pk for d in documents})),
            )
        except ValidationError as exc:  # DossierError, or a file refused when stored
            submission.release()
            errors = _message_lists(exc)
        except TransitionRefused as exc:
            submission.release()
            errors = {None: [exc.message]}
        except Exception:
            submission.release()
            raise
        else:
            submission.finish(dossier.code)
            messages.success(request, _("Đã gửi hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("dossiers:submit_done", dossier.code)
    kept = submission.files()
    context = _context(submission, procedure, "check", False) | {
        "answers": submission.state,
        "submission_urls": {step: submission.url(step, change=True) for step in STEPS[:-1]},
        "office": office,
        "phone": display_phone(submission.state["contact"]["phone"]),
        "kind_label": ApplicantKind(submission.state["applicant"]["kind"]).label,
        "return_label": ReturnMethod(submission.state["office"]["return_method"]).label,
        "documents": [(d, [f for f in kept if f["document_id"] == d.pk]) for d in documents],
        "errors": [
            (message, submission.url(STEP_OF_FIELD[field], True) if field in STEP_OF_FIELD else "")
            for field, messages_ in errors.items()
            for message in messages_
        ],
    }
    return render(request, "dossiers/online/check.html", context)


@citizen_required
@require_GET
def submit_done(request, code: str):
    dossier = _own_dossier(request, code)
    return render(request, "dossiers/online/done.html", {"dossier": dossier})


# --- own dossiers --------------------------------------------------------------------------------


def _own_dossier(request, code: str) -> Dossier:
    dossier = dossiers_visible_to(request.user).filter(applicant_user=request.user, code=code).first()
    if dossier is None:
        raise Http404
    return dossier


@citizen_required
@require_GET
def my_dossiers(request):
    dossiers = dossiers_visible_to(request.user).filter(applicant_user=request.user).order_by("-id")
    page = Paginator(dossiers, 20).get_page(request.GET.get("page"))
    for dossier in page:
        actions = actions_from(dossier.status, Role.CITIZEN)
        dossier.can_supply = Action.SUPPLY in actions
        dossier.can_withdraw = Action.WITHDRAW in actions
    return render(request, "dossiers/online/my_dossiers.html", {"page": page})


@citizen_required
@require_http_methods(["GET", "POST"])
def my_supply(request, code: str):
    dossier = _own_dossier(request, code)
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        messages.info(request, _("Hồ sơ %(code)s hiện không cần bổ sung.") % {"code": dossier.code})
        return redirect("dossiers:my_dossiers")
    supplement = (
        dossier.supplement_requests.filter(supplied_at__isnull=True).select_related("step__agency").first()
    )
    posted = request.method == "POST"
    form = SupplyForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_supply(
                actor=request.user, dossier=dossier, note=form.cleaned_data["note"], files=form.uploads
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except TransitionRefused as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:my_dossiers")
        else:
            messages.success(
                request,
                _("Đã gửi bổ sung cho hồ sơ %(code)s. Hồ sơ tiếp tục được giải quyết.")
                % {"code": dossier.code},
            )
            return redirect("dossiers:my_dossiers")
    context = {"dossier": dossier, "supplement": supplement, "form": form, "accept": ACCEPT}
    return render(request, "dossiers/online/supply.html", context)


@citizen_required
@require_http_methods(["GET", "POST"])
def my_withdraw(request, code: str):
    dossier = _own_dossier(request, code)
    if Action.WITHDRAW not in actions_from(dossier.status, Role.CITIZEN):
        messages.info(
            request,
            _("Không thể rút hồ sơ %(code)s khi hồ sơ ở trạng thái “%(status)s”.")
            % {"code": dossier.code, "status": dossier.get_status_display()},
        )
        return redirect("dossiers:my_dossiers")
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_withdraw(actor=request.user, dossier=dossier, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_errors(form, exc)
        except TransitionRefused as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:my_dossiers")
        else:
            messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("dossiers:my_dossiers")
    return render(request, "dossiers/online/withdraw.html", {"dossier": dossier, "form": form})

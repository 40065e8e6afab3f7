"""The pages of the online submission: one question group per page, a check-your-answers page
and a confirmation page."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Identity
from accounts.phones import display_phone
from accounts.services import check_consent
from dossiers import extensions, once, services
from dossiers.files import MAX_FILE_BYTES, MAX_FILES_PER_DOSSIER
from dossiers.forms.fields import ACCEPT
from dossiers.forms.online import (
    DocumentsForm,
    desks_for_citizens,
    desks_listed,
    document_field_name,
    reuse_field_name,
)
from dossiers.models import ApplicantKind, ReturnMethod
from dossiers.selectors import last_submission_of
from dossiers.validators import nationality_name
from dossiers.views.online.common import _message_lists, _own_dossier, citizen_required
from dossiers.views.online.submission import DONE_KEY, FORMS, Submission
from dossiers.workflow import TransitionRefused
from procedures.models import TWO_TIER_FROM, Agency, Procedure
from procedures.selectors import agency_named_in, competent_agencies
from procedures.versioned import documents_of
from web import compiled

STEPS = ("applicant", "contact", "office", "documents", "check")
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
    "resolving_agency": "office",
    "id_kind": "applicant",
    "nationality": "applicant",
    "return_method": "office",
    "return_address": "office",
    "files": "documents",
}


def _procedure_statement(code: str):
    return Procedure.objects.filter(code=code, is_active=True).select_related("agency").order_by("pk")[:1]


def _procedure(code: str) -> Procedure | None:
    """The active procedure (with its agency: a commune procedure's competent communes are of its
    kind); its documents and fees come from the process's copy (``procedures.versioned``). Read
    on every page of the wizard, so its statement is compiled once a connection
    (``web.compiled``)."""
    found = compiled.rows(("online_procedure",), _procedure_statement, code)
    return found[0] if found else None


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


def _organisation_identity(user_id: int):
    """The user's VNeID identity as an organisation, if any (its id only)."""
    return Identity.objects.filter(user_id=user_id, kind=Identity.Kind.ORGANISATION).only("id")[:1]


def _initial(request, step: str, submission: Submission, lists: dict | None = None) -> dict:
    """What a step's form shows first: the answers given, else what the person wrote last time,
    else defaults. ``lists``: the office step's desks and competent agencies."""
    if step in submission.state:
        initial = dict(submission.state[step])
        if step == "contact":
            initial["phone"] = display_phone(initial["phone"])
        return initial
    user = request.user
    last = last_submission_of(user) if step in ("applicant", "contact") else None  # offered again
    if step == "applicant":
        initial = {"kind": ApplicantKind.PERSON, "name": user.full_name or user.get_full_name()}
        if last is not None and last.id_number:
            initial |= {"id_kind": last.id_kind, "id_number": last.id_number, "nationality": last.nationality}
        # An organisation's VNeID account applies as the organisation; who represents it is typed
        # each time (its number is not offered: it is kept only to link the account).
        if compiled.rows(("online_organisation_identity",), _organisation_identity, user.pk):
            initial |= {"kind": ApplicantKind.ORGANISATION, "organisation_name": user.full_name, "name": ""}
        return initial
    if step == "contact":
        initial = {"phone": display_phone(user.phone), "email": user.email}
        if last is not None:
            initial["address"] = last.address
        return initial
    first_desk = lists["desks"][0] if lists["desks"] else None
    address = submission.state.get("contact", {}).get("address", "")
    # a commune procedure: the commune the address names is offered first (rule 6, docs/rules.md)
    commune = agency_named_in(address, lists["competent"])
    return {
        "office": first_desk.pk if first_desk else None,
        "resolving_agency": commune.pk if commune else None,
        "return_method": ReturnMethod.COUNTER,
        "return_address": address,
    }


@citizen_required
@require_GET
def submit_start(request, procedure_code: str):
    procedure = _procedure(procedure_code)
    if procedure is None:
        raise Http404
    if not procedure.accepts_online:
        return render(request, "dossiers/online/not_online.html", {"procedure": procedure})
    submission = Submission.open_for(request, procedure)
    return redirect(submission.url(submission.first_missing_step(documents_of(procedure))))


def _form_step(request, wizard_id: str, step: str):
    submission, procedure, response = _open(request, wizard_id)
    if response:
        return response
    documents = documents_of(procedure)
    missing = submission.first_missing_step(documents)
    if STEPS.index(missing) < STEPS.index(step):
        return redirect(submission.url(missing))
    change = request.GET.get("change") == "1"
    extra = {"procedure": procedure} if step == "office" else {}
    form_class = FORMS[step]
    lists = None
    if step == "office":
        # read once for the first choices, the lists shown and the check of a posted choice
        lists = {
            "desks": desks_listed(),
            "competent": competent_agencies(procedure, timezone.localdate()),
        }
        extra |= lists
    if request.method == "POST":
        form = form_class(request.POST, **extra)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if step == "office":
                data["office"] = data["office"].pk
                if data.get("resolving_agency") is not None:
                    data["resolving_agency"] = data["resolving_agency"].pk
            submission.state[step] = data
            submission.save()
            next_step = "check" if change else STEPS[STEPS.index(step) + 1]
            return redirect(
                submission.url(min(next_step, submission.first_missing_step(documents), key=STEPS.index))
            )
    else:
        form = form_class(initial=_initial(request, step, submission, lists), **extra)
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
    documents = documents_of(procedure)
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
        offers=extensions.offers(procedure=procedure, user=request.user),
        initial={f"reuse_{pk}": key for pk, key in submission.reused().items()},
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
            submission.state["reused"] = {str(pk): key for pk, key in form.reused.items()}
            submission.save()
            return redirect(submission.url("check"))
    kept = submission.files()
    rows = [
        {
            "document": d,
            "field": form[document_field_name(d)],
            "files": [f for f in kept if f["document_id"] == d.pk],
            "reuse": form[reuse_field_name(d)] if reuse_field_name(d) in form.fields else None,
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


def _agencies_receiving_flag(*pks: int):
    """The agencies ``pks``, each with ``receiving``: a desk that takes citizens' dossiers."""
    receiving = Exists(desks_for_citizens().filter(pk=OuterRef("pk")))
    return Agency.objects.filter(pk__in=pks).annotate(receiving=receiving)


def _office_and_commune(answers: dict) -> tuple[Agency | None, Agency | None]:
    """The desk chosen, if it still receives dossiers from citizens (``desks_for_citizens``), and
    the resolving agency chosen, in one statement."""
    office_pk, chosen = answers["office"], answers.get("resolving_agency")
    values = (office_pk, chosen) if chosen else (office_pk,)
    key = ("online_check_agencies", len(values), timezone.localdate() >= TWO_TIER_FROM)
    rows = {a.pk: a for a in compiled.rows(key, _agencies_receiving_flag, *values)}
    office = rows.get(office_pk)
    return (office if office is not None and office.receiving else None), rows.get(chosen) if chosen else None


@citizen_required
@require_http_methods(["GET", "POST"])
def submit_check(request, wizard_id: str):
    submission, procedure, response = _open(request, wizard_id)
    if response:
        return response
    documents = documents_of(procedure)
    missing = submission.first_missing_step(documents)
    if missing != "check":
        return redirect(submission.url(missing))
    office, resolving_agency = _office_and_commune(submission.state["office"])
    errors: dict[str | None, list[str]] = {}
    consent_error = ""
    # The version of the notice shown on this page: the one the person agrees to by ticking.
    notice_version = settings.PRIVACY_NOTICE_VERSION
    if request.method == "POST" and request.POST.get("consent") != notice_version:
        # Nothing is sent without the consent (Law 91/2025); a notice changed since the page was
        # shown is asked for again.
        try:
            check_consent(None)
        except ValidationError as exc:
            consent_error = " ".join(exc.messages)
            errors = {"consent": [consent_error]}
    elif request.method == "POST":
        status, code = submission.claim()
        if status == "done":
            return redirect("dossiers:submit_done", code)
        if status == "busy":
            messages.info(request, _("Hồ sơ của bạn đang được gửi. Vui lòng chờ trong giây lát."))
            return redirect("dossiers:my_dossiers")
        try:
            code = _submit_once(request, submission, procedure, office, documents, notice_version)
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
            submission.forget(code)  # the session, saved only with a successful answer
            # The folder is cleaned and the code left in its lock once the dossier is committed:
            # a crash before that leaves the uploads for a resend.
            transaction.on_commit(lambda: submission.finish(code))
            # no flash message: the confirmation page says it, once
            return redirect("dossiers:submit_done", code)
    kept = submission.files()
    reused = submission.reused()
    if reused:
        offers = extensions.offers(procedure=procedure, user=request.user)
        for d in documents:
            d.reused_label = next((o.label for o in offers.get(d.pk, []) if o.key == reused.get(d.pk)), "")
    context = _context(submission, procedure, "check", False) | {
        "answers": submission.state,
        "submission_urls": {step: submission.url(step, change=True) for step in STEPS[:-1]},
        "office": office,
        "phone": display_phone(submission.state["contact"]["phone"]),
        "kind_label": ApplicantKind(submission.state["applicant"]["kind"]).label,
        "nationality_label": nationality_name(submission.state["applicant"].get("nationality", "")),
        "resolving_agency": resolving_agency,
        "return_label": ReturnMethod(submission.state["office"]["return_method"]).label,
        "documents": [(d, [f for f in kept if f["document_id"] == d.pk]) for d in documents],
        "notice_version": notice_version,
        "consent_error": consent_error,
        "errors": [
            (
                message,
                submission.url(STEP_OF_FIELD[field], True)
                if field in STEP_OF_FIELD
                else ("#id_consent" if field == "consent" else ""),
            )
            for field, messages_ in errors.items()
            for message in messages_
        ],
    }
    return render(request, "dossiers/online/check.html", context)


def _submit_once(request, submission, procedure, office, documents, notice_version) -> str:
    """Submit, recording the submission (by its upload folder) with its dossier in one
    transaction; the code of the dossier. A resend of a submission already committed, by a
    process that crashed before it could say so (the lock in the folder is taken over after
    ``STALE_LOCK_SECONDS``), gets the code of that dossier instead of a second one (issue 26, 2)."""
    with transaction.atomic():
        record, first = once.claim_once(f"online:{submission.state['folder']}", user=request.user)
        if not first:
            return resolve(urlsplit(record.location).path).kwargs["code"]
        if office is None:
            raise ValidationError(
                {"office": [_("Nơi tiếp nhận đã chọn không còn nhận hồ sơ, vui lòng chọn lại.")]}
            )
        dossier = services.dossier_submit(
            actor=request.user,
            procedure=procedure,
            office=office,
            intake=submission.intake(submission.uploads({d.pk for d in documents})),
            notice_version=notice_version,
        )
        record.status_code, record.location = 302, reverse("dossiers:submit_done", args=[dossier.code])
        record.save(update_fields=["status_code", "location"])
        return dossier.code


@citizen_required
@require_GET
def submit_done(request, code: str):
    dossier = _own_dossier(request, code)
    return render(request, "dossiers/online/done.html", {"dossier": dossier})

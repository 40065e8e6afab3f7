"""Intake at the counter or from the post: the procedure, the applicant looked up, the form, the
guidance paper for a dossier not received, the confirmation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.phones import display_phone
from dossiers import extensions, services
from dossiers.forms.desk import (
    ApplicantLookupForm,
    GuidanceForm,
    IntakeForm,
    ProcedureSearchForm,
)
from dossiers.models import Channel, Dossier, ReturnMethod
from dossiers.permissions import action_names, dossier_actions_for
from dossiers.rows import intake_document_rows
from dossiers.views.desk.common import (
    SEARCH_RESULTS,
    _add_service_errors,
    _back_with_dossier,
    _desk_dossier,
    _desk_dossiers,
    _own_office_only,
    _return_to,
    _with_return_to,
    desk_view,
)
from dossiers.views.desk.intake_form import blank_form_key, intake_form_html
from dossiers.workflow import Action, TransitionRefused
from procedures.models import Procedure
from procedures.selectors import (
    competent_agencies,
    procedure_detail,
    procedures_public,
    procedures_search,
)


def _channel(user) -> str:
    return Channel.POSTAL if user.role == Role.POSTAL else Channel.COUNTER


def _procedures_for(channel: str) -> QuerySet[Procedure]:
    """Procedures this desk channel can receive (the rule of ``services.dossier_receive``)."""
    qs = procedures_public()
    if channel == Channel.POSTAL:
        return qs.filter(Q(accepts_postal=True) | Q(accepts_counter=True))
    return qs.filter(accepts_counter=True)


def _previous_applicant(user, *, id_number: str = "", phone: str = "") -> Dossier | None:
    """The latest dossier of this applicant received by the user's own desk."""
    qs = _desk_dossiers(user)
    qs = qs.filter(id_number=id_number) if id_number else qs.filter(phone=phone)
    return qs.order_by("-id").first()


def _intake_initial(channel: str) -> dict:
    return {"return_method": ReturnMethod.POST if channel == Channel.POSTAL else ReturnMethod.COUNTER}


def _lookup_applicant(request, channel: str):
    """Pre-fill the intake form from the applicant's latest dossier at this desk. The number is
    POSTed, never put in a URL. Returns the lookup form, the dossier found (or "not_found"), the
    initial data and the field to focus next."""
    lookup = ApplicantLookupForm(request.POST)
    initial = _intake_initial(channel)
    if not lookup.is_valid():
        return lookup, None, initial, "find"
    found = lookup.cleaned_data["find"]
    initial.update(found)
    if "phone" in found:
        initial["phone"] = display_phone(found["phone"])
    previous = _previous_applicant(request.user, **found)
    if previous is None:
        return lookup, "not_found", initial, "name"
    initial.update(
        kind=previous.applicant_kind,
        id_kind=previous.id_kind,
        nationality=previous.nationality,
        name=previous.applicant_name,
        organisation_name=previous.organisation_name,
        tax_code=previous.tax_code,
        phone=display_phone(previous.phone),
        email=previous.email,
        address=previous.address,
    )
    # Found by ID number: go on to the request; by phone: the clerk reads the ID card first.
    return lookup, previous, initial, "request_summary" if "id_number" in found else "id_number"


def _offers(request, procedure, id_number: str) -> dict:
    """Papers of the applicant's store the clerk may offer for reuse (``dossiers.extensions``)."""
    if len(id_number) != 12 or not id_number.isdigit():
        return {}
    return extensions.offers(procedure=procedure, user=request.user, id_number=id_number)


@desk_view("dossier.receive")
@require_http_methods(["GET", "POST"])
def intake(request):
    """Find the procedure (no diacritics needed), then receive the dossier on one page."""
    channel = _channel(request.user)
    if _own_office_only(request.user) and not services.office_receives(request.user.agency):
        # Rule 7: an office outside the present structure receives nothing: no form is offered.
        return render(request, "dossiers/desk/office_closed.html", {"office": request.user.agency})
    code = request.GET.get("procedure", "").strip()
    procedure = None
    if code:
        try:
            procedure = procedure_detail(code, with_steps=False)
        except Procedure.DoesNotExist:
            messages.error(request, _("Không tìm thấy thủ tục có mã %(code)s.") % {"code": code})
    if procedure is None:
        search = ProcedureSearchForm(request.GET or None)
        query = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
        results = (
            list(procedures_search(query, qs=_procedures_for(channel))[:SEARCH_RESULTS]) if query else []
        )
        return render(
            request,
            "dossiers/desk/intake_search.html",
            {
                "search": search,
                "query": query,
                "results": results,
                "channel": channel,
                "return_to": _return_to(request),
            },
        )

    office = request.user.agency
    competent = competent_agencies(procedure, timezone.localdate())
    form_kwargs = {"procedure": procedure, "competent": competent, "office": office}
    lookup, lookup_result, focus = ApplicantLookupForm(), None, "find"
    form = None  # a blank form (GET): built only when its HTML is not kept (``intake_form``)
    if request.method == "POST" and request.POST.get("action") == "lookup":
        lookup, lookup_result, initial, focus = _lookup_applicant(request, channel)
        offers = _offers(request, procedure, initial.get("id_number", ""))
        form = IntakeForm(initial=initial, offers=offers, **form_kwargs)
    elif request.method == "POST":
        offers = _offers(request, procedure, "".join(request.POST.get("id_number", "").split()))
        form = IntakeForm(request.POST, request.FILES, offers=offers, **form_kwargs)
        if form.is_valid():
            try:
                dossier = services.dossier_receive(
                    actor=request.user, procedure=procedure, intake=form.intake(), channel=channel
                )
            except TransitionRefused as exc:
                messages.error(request, exc.message)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code})
                return redirect(
                    _with_return_to(
                        reverse("dossiers:desk_confirmation", args=[dossier.code]), _return_to(request)
                    )
                )
        focus = ""
    if focus:
        target = lookup if focus == "find" else form
        target.fields[focus].widget.attrs["autofocus"] = True

    def form_context(form=form) -> dict:
        if form is None:
            form = IntakeForm(initial=_intake_initial(channel), **form_kwargs)
        return {
            "form": form,
            "document_rows": intake_document_rows(form),
            "files_dropped": form.is_bound and bool(request.FILES),
        }

    if form is None:
        key = blank_form_key(channel=channel, procedure=procedure, competent=competent, office=office)
        form_html = intake_form_html(form_context, key)
    else:
        form_html = intake_form_html(form_context)
    fees = list(procedure.fees.all())
    return render(
        request,
        "dossiers/desk/intake.html",
        {
            "procedure": procedure,
            "channel": channel,
            "form": form,
            "form_html": form_html,
            "lookup": lookup,
            "lookup_result": lookup_result,
            "fees": fees,
            "fee_total": sum(fee.amount for fee in fees),
            "return_to": _return_to(request),
        },
    )


@desk_view("dossier.receive")
@require_http_methods(["GET", "POST"])
def guidance(request):
    """A walk-in dossier not received: the clerk records what is missing, once and in full, and
    prints form 02, or the reason it cannot be received, and prints form 03. No dossier is made."""
    code = request.GET.get("procedure", "").strip()
    try:
        procedure = procedure_detail(code, with_steps=False)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc
    if _own_office_only(request.user) and not services.office_receives(request.user.agency):
        return render(request, "dossiers/desk/office_closed.html", {"office": request.user.agency})
    form = GuidanceForm(request.POST or None, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.intake_guidance_record(
                actor=request.user,
                procedure=procedure,
                kind=data["kind"],
                applicant=form.applicant(),
                items=data["items"],
                reason=data["reason"],
            )
        except TransitionRefused as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã lập phiếu %(code)s. In phiếu và trao cho người nộp; hồ sơ không được tiếp nhận.")
                % {"code": record.code},
            )
            return redirect("receipts:guidance", record.code)
    return render(request, "dossiers/desk/guidance.html", {"procedure": procedure, "form": form})


@desk_view("dossier.receive")
def confirmation(request, code: str):
    """What the applicant takes home: code, secret, due date, steps and fees. Printable."""
    dossier = _desk_dossier(request, code, detailed=True)
    fees = list(dossier.procedure.fees.all())
    actions = set(action_names(dossier_actions_for(actor=request.user, dossier=dossier)))
    return render(
        request,
        "dossiers/desk/confirmation.html",
        {
            "dossier": dossier,
            "documents_received": list(dossier.documents_received.all()),
            "files": list(dossier.files.all()),
            "fees": fees,
            "fee_total": sum(fee.amount for fee in fees),
            "can_resolve_on_the_spot": Action.APPROVE_ON_THE_SPOT in actions,
            "can_return": Action.RETURN_RESULT in actions,
            "can_supply": Action.SUPPLY in actions,
            "can_withdraw": Action.WITHDRAW in actions,
            "back_with_dossier": _back_with_dossier(return_to, dossier)
            if (return_to := _return_to(request))
            else "",
        },
    )

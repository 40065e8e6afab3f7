"""The one-stop desk: counter and postal intake, the online queue, returning results, on-the-spot
resolution, supplements and withdrawals brought to the desk.

Thin views: parse a form, call one service, redirect (PRG). A dossier is always looked up among
those the user may see *and* received by the user's own office, so anything else is a 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import can, on_the_spot_signers, require
from accounts.phones import display_phone
from dossiers import extensions, services
from dossiers.forms.desk import (
    ApplicantLookupForm,
    GuidanceForm,
    IntakeForm,
    IntakeSupplementForm,
    OnTheSpotForm,
    ProcedureSearchForm,
    RefuseIntakeForm,
    ReturnForm,
    SupplyForm,
    WithdrawForm,
)
from dossiers.models import Channel, Dossier, DossierFile, FileKind, ReturnMethod
from dossiers.permissions import action_names, check_action, dossier_actions_for
from dossiers.selectors import (
    dossier_for,
    dossiers_visible_to,
    online_queue,
    received_at_own_desk,
    waiting_for_intake_supplement,
)
from dossiers.workflow import Action, Status, TransitionRefused
from procedures.models import Procedure
from procedures.selectors import (
    competent_agencies,
    procedure_detail,
    procedures_public,
    procedures_search,
)

PAGE_SIZE = 50
SEARCH_RESULTS = 20


# --- access --------------------------------------------------------------------------------------


def desk_view(permission: str):
    """Signed in (else to the login page) and allowed ``permission``: else 403, or 404 on a page
    that names a dossier (someone else's dossier is never confirmed to exist)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if "code" in kwargs and not can(request.user, permission):
                raise Http404
            require(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _own_office_only(user) -> bool:
    return user.role in (Role.CLERK, Role.POSTAL) and not user.is_superuser


def _desk_dossiers(user) -> QuerySet[Dossier]:
    """Dossiers the user may see that their own desk received."""
    return received_at_own_desk(user) if _own_office_only(user) else dossiers_visible_to(user)


def _desk_dossier(request, code: str, *, detailed: bool = False) -> Dossier:
    """The dossier ``code`` received by the user's office, or 404 (never 403)."""
    try:
        dossier = (
            dossier_for(request.user, code) if detailed else dossiers_visible_to(request.user).get(code=code)
        )
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    if _own_office_only(request.user) and dossier.intake_office_id != request.user.agency_id:
        raise Http404
    return dossier


def _allowed(request, dossier: Dossier, action: str) -> bool:
    """Whether the user may take ``action`` now (the services' own check); if not, say why."""
    try:
        check_action(actor=request.user, dossier=dossier, action=action)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return False
    return True


def _add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's DossierError (or a file ValidationError) on the form's fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _submit(request, form, call, *, done: str, then: str, refused: str):
    """On a valid POST, call the service with the form's data: redirect to ``then`` with the
    success message, or to ``refused`` with the state machine's message; bad input goes back
    onto the form. ``None`` means: render the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect(refused)
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return None
    messages.success(request, done)
    return redirect(then)


# --- intake --------------------------------------------------------------------------------------


def _return_to(request) -> str:
    """The page that sent the clerk to intake (e.g. the queue console serving a ticket), carried
    as ``?next=`` through search, intake and confirmation. Only a path on this site is kept."""
    url = request.GET.get("next", "").strip()
    if not url.startswith("/") or url.startswith("//"):
        return ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return ""
    return url


def _with_return_to(url: str, return_to: str) -> str:
    return f"{url}?{urlencode({'next': return_to})}" if return_to else url


def _back_with_dossier(return_to: str, dossier: Dossier) -> str:
    """``return_to`` with ``dossier=<code>`` added: the page it names attaches the dossier."""
    joiner = "&" if "?" in return_to else "?"
    return f"{return_to}{joiner}{urlencode({'dossier': dossier.code})}"


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
            procedure = procedure_detail(code)
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
    else:
        form = IntakeForm(initial=_intake_initial(channel), **form_kwargs)
    if focus:
        target = lookup if focus == "find" else form
        target.fields[focus].widget.attrs["autofocus"] = True
    fees = list(procedure.fees.all())
    return render(
        request,
        "dossiers/desk/intake.html",
        {
            "procedure": procedure,
            "channel": channel,
            "form": form,
            "lookup": lookup,
            "lookup_result": lookup_result,
            "fees": fees,
            "fee_total": sum(fee.amount for fee in fees),
            "files_dropped": form.is_bound and bool(request.FILES),
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
        procedure = procedure_detail(code)
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
            "phone": display_phone(dossier.phone),
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


# --- online queue --------------------------------------------------------------------------------


@desk_view("dossier.accept_online")
def online_queue_page(request):
    """Online submissions waiting at the clerk's office, oldest first, with their files."""
    qs = online_queue(request.user).prefetch_related(
        "supplement_requests",  # the check "asked once already" and the request shown
        Prefetch(
            "files",
            queryset=DossierFile.objects.filter(kind=FileKind.SUBMISSION)
            .select_related("document")
            .order_by("id"),
        ),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for dossier in page.object_list:
        # the buttons offered: what the services would accept now (dossiers.permissions)
        dossier.allowed = set(action_names(dossier_actions_for(actor=request.user, dossier=dossier)))
    waiting = list(waiting_for_intake_supplement(request.user)[:PAGE_SIZE])
    for dossier in waiting:
        dossier.allowed = set(action_names(dossier_actions_for(actor=request.user, dossier=dossier)))
    return render(request, "dossiers/desk/online_queue.html", {"page": page, "waiting": waiting})


@desk_view("dossier.accept_online")
@require_POST
def accept(request, code: str):
    dossier = _desk_dossier(request, code)
    try:
        dossier = services.dossier_accept(actor=request.user, dossier=dossier)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả kết quả: %(due)s.")
            % {
                "code": dossier.code,
                "due": formats.date_format(timezone.localtime(dossier.due_at), "SHORT_DATETIME_FORMAT"),
            },
        )
    return redirect("dossiers:desk_online_queue")


@desk_view("dossier.accept_online")
@require_http_methods(["GET", "POST"])
def refuse_intake(request, code: str):
    dossier = _desk_dossier(request, code, detailed=True)
    queue = reverse("dossiers:desk_online_queue")
    if not _allowed(request, dossier, Action.REFUSE_INTAKE):
        return redirect(queue)
    form = RefuseIntakeForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.dossier_refuse_intake(
            actor=request.user, dossier=dossier, reason=data["reason"]
        ),
        done=_("Đã từ chối tiếp nhận hồ sơ %(code)s. Người nộp sẽ thấy lý do.") % {"code": dossier.code},
        then=queue,
        refused=queue,
    )
    return done or render(request, "dossiers/desk/refuse_intake.html", {"dossier": dossier, "form": form})


@desk_view("dossier.accept_online")
@require_http_methods(["GET", "POST"])
def request_intake_supplement(request, code: str):
    """Send an online submission back for supplement before accepting it (form 02), once."""
    dossier = _desk_dossier(request, code, detailed=True)
    queue = reverse("dossiers:desk_online_queue")
    if not _allowed(request, dossier, Action.REQUEST_INTAKE_SUPPLEMENT):
        return redirect(queue)
    form = IntakeSupplementForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.dossier_request_intake_supplement(
            actor=request.user, dossier=dossier, items=data["items"], note=data["note"]
        ),
        done=_("Đã yêu cầu bổ sung hồ sơ %(code)s. Người nộp được báo qua SMS, email và bổ sung trực tuyến.")
        % {"code": dossier.code},
        then=queue,
        refused=queue,
    )
    return done or render(request, "dossiers/desk/intake_supplement.html", {"dossier": dossier, "form": form})


# --- returning results ---------------------------------------------------------------------------


@desk_view("dossier.return_result")
def returns(request):
    """Results ready at the user's desk, waiting longest first; find one by its code."""
    qs = _desk_dossiers(request.user).filter(status=Status.RESULT_READY).order_by("result_ready_at", "id")
    query = request.GET.get("q", "").strip()[:40]
    if query:
        qs = qs.filter(code__icontains=query)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dossiers/desk/returns.html", {"page": page, "query": query})


@desk_view("dossier.return_result")
@require_http_methods(["GET", "POST"])
def return_result(request, code: str):
    """Hand the result over: at the counter (who, ID checked), by post (tracking number)."""
    dossier = _desk_dossier(request, code, detailed=True)
    returns_url = reverse("dossiers:desk_returns")
    if not _allowed(request, dossier, Action.RETURN_RESULT):
        return redirect(returns_url)
    form = ReturnForm(
        request.POST or None,
        return_method=dossier.return_method,
        initial={"collected_by": dossier.applicant_name},
    )
    done = _submit(
        request,
        form,
        lambda data: services.dossier_return(actor=request.user, dossier=dossier, **data),
        done=_("Đã trả kết quả hồ sơ %(code)s.") % {"code": dossier.code},
        then=returns_url,
        refused=returns_url,
    )
    result_files = [f for f in dossier.files.all() if f.kind == FileKind.RESULT]
    return done or render(
        request, "dossiers/desk/return.html", {"dossier": dossier, "form": form, "result_files": result_files}
    )


# --- on the spot, supplements, withdrawals -------------------------------------------------------


@desk_view("dossier.receive")
@require_http_methods(["GET", "POST"])
def on_the_spot(request, code: str):
    """Approve an on-the-spot dossier at the desk, signed by a person authorised there, then hand
    the result over in the same sitting."""
    dossier = _desk_dossier(request, code)
    back = reverse("dossiers:desk_confirmation", args=[dossier.code])
    if not _allowed(request, dossier, Action.APPROVE_ON_THE_SPOT):
        return redirect(back)
    form = OnTheSpotForm(
        request.POST or None,
        signers=on_the_spot_signers(procedure=dossier.procedure, office=dossier.intake_office),
        initial_signer=request.user,
    )
    done = _submit(
        request,
        form,
        lambda data: services.dossier_resolve_on_the_spot(
            actor=request.user, dossier=dossier, result_note=data["result_note"], signed_by=data["signed_by"]
        ),
        done=_("Đã giải quyết tại chỗ hồ sơ %(code)s. Trả kết quả cho người nộp ngay dưới đây.")
        % {"code": dossier.code},
        then=reverse("dossiers:desk_return", args=[dossier.code]),
        refused=back,
    )
    return done or render(request, "dossiers/desk/on_the_spot.html", {"dossier": dossier, "form": form})


@desk_view("dossier.receive")
@require_http_methods(["GET", "POST"])
def supply(request, code: str):
    """The applicant brings the requested supplement to the desk."""
    dossier = _desk_dossier(request, code, detailed=True)
    page = reverse("dossiers:detail", args=[dossier.code])
    if not _allowed(request, dossier, Action.SUPPLY):
        return redirect(page)
    form = SupplyForm(request.POST or None, request.FILES or None)
    done = _submit(
        request,
        form,
        lambda data: services.dossier_supply(
            actor=request.user, dossier=dossier, note=data["note"], files=data["files"]
        ),
        done=_("Đã nhận hồ sơ bổ sung cho hồ sơ %(code)s.") % {"code": dossier.code},
        then=page,
        refused=page,
    )
    pending = [r for r in dossier.supplement_requests.all() if r.supplied_at is None]
    return done or render(
        request, "dossiers/desk/supply.html", {"dossier": dossier, "form": form, "pending": pending}
    )


@desk_view("dossier.receive")
@require_http_methods(["GET", "POST"])
def withdraw(request, code: str):
    """The applicant asks at the desk to withdraw the dossier."""
    dossier = _desk_dossier(request, code)
    page = reverse("dossiers:detail", args=[dossier.code])
    if not _allowed(request, dossier, Action.WITHDRAW):
        return redirect(page)
    form = WithdrawForm(request.POST or None)
    done = _submit(
        request,
        form,
        lambda data: services.dossier_withdraw(actor=request.user, dossier=dossier, reason=data["reason"]),
        done=_("Đã rút hồ sơ %(code)s.") % {"code": dossier.code},
        then=page,
        refused=page,
    )
    return done or render(request, "dossiers/desk/withdraw.html", {"dossier": dossier, "form": form})

"""Reviewers' step actions and the resolving agency's dossier actions (stop, apology, payment):
parse a form, call one service, back to the dossier page with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from dossiers import selectors, services
from dossiers.forms.review import (
    ApologizeForm,
    ApproveForm,
    ConfirmPaymentForm,
    ForwardForm,
    PaymentForm,
    ReasonForm,
    SupplementForm,
)
from dossiers.models import Dossier, Step
from dossiers.permissions import check_action
from dossiers.views.review.panel import STEP_DANGER, may
from dossiers.workflow import Action, TransitionRefused

# --- lookups -------------------------------------------------------------------------------------


def _visible_dossier(user, code: str) -> Dossier:
    try:
        return selectors.dossiers_visible_to(user).get(code=code)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


def _visible_step(user, step_id: int) -> Step:
    try:
        return (
            Step.objects.select_related("dossier__procedure", "dossier__resolving_agency", "agency")
            .filter(dossier__in=selectors.dossiers_visible_to(user))
            .get(pk=step_id)
        )
    except Step.DoesNotExist as exc:
        raise Http404 from exc


def _errors_to_form(form, exc: ValidationError) -> None:
    """A service's ValidationError (DossierError or a file check) as errors on the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _refused(request, dossier: Dossier, message: str):
    messages.error(request, message)
    return redirect("dossiers:detail", code=dossier.code)


def _not_now(request, dossier: Dossier, action: str, step: Step | None = None):
    """The action is not offered now: say so, with the reason the service would give (the rule
    and its law, e.g. one supplement request, one new date), so a forged request learns why."""
    message = _("Bạn không thể thực hiện “%(action)s” với hồ sơ này vào lúc này.") % {
        "action": Action(action).label
    }
    try:
        check_action(actor=request.user, dossier=dossier, action=action, step=step)
    except TransitionRefused as exc:
        message = f"{message} {exc.message}"
    return _refused(request, dossier, message)


# --- step actions --------------------------------------------------------------------------------

STEP_FORMS = {
    Action.FORWARD: ForwardForm,
    Action.SEND_BACK: ReasonForm,
    Action.REQUEST_SUPPLEMENT: SupplementForm,
    Action.APPROVE: ApproveForm,
    Action.REFUSE: ReasonForm,
    Action.REQUEST_PAYMENT: PaymentForm,
}
STEP_INTROS = {
    Action.FORWARD: gettext_lazy(
        "Bước này được đánh dấu đã xong; hồ sơ chuyển sang bước tiếp theo khi các bước song song cũng xong."
    ),
    Action.SEND_BACK: gettext_lazy("Hồ sơ được trả về (các) bước trước để xử lý lại."),
    Action.REQUEST_SUPPLEMENT: gettext_lazy(
        "Người nộp được thông báo những nội dung cần bổ sung; thời hạn giải quyết tạm dừng cho đến khi "
        "hồ sơ được bổ sung."
    ),
    Action.APPROVE: gettext_lazy("Hồ sơ có kết quả và được chuyển về bộ phận một cửa để trả cho người nộp."),
    Action.REFUSE: gettext_lazy("Hồ sơ bị từ chối giải quyết và kết thúc; người nộp được thông báo lý do."),
    Action.REQUEST_PAYMENT: gettext_lazy(
        "Người nộp được thông báo khoản nghĩa vụ tài chính (theo thông báo của cơ quan thuế) cần nộp "
        "trước khi tiếp tục giải quyết; thời hạn giải quyết tạm dừng cho đến khi xác nhận đã nộp. "
        "Khoản này nộp vào ngân sách nhà nước, không thu trên biên lai phí, lệ phí."
    ),
}
STEP_DONE = {
    Action.CLAIM: gettext_lazy("Bạn đã nhận xử lý bước “%(step)s” của hồ sơ %(code)s."),
    Action.FORWARD: gettext_lazy("Đã chuyển hồ sơ %(code)s sang bước tiếp theo."),
    Action.SEND_BACK: gettext_lazy("Đã trả hồ sơ %(code)s về bước trước."),
    Action.REQUEST_SUPPLEMENT: gettext_lazy("Đã gửi yêu cầu bổ sung hồ sơ %(code)s."),
    Action.APPROVE: gettext_lazy("Hồ sơ %(code)s đã có kết quả."),
    Action.REFUSE: gettext_lazy("Đã từ chối giải quyết hồ sơ %(code)s."),
    Action.REQUEST_PAYMENT: gettext_lazy(
        "Đã yêu cầu người nộp thực hiện nghĩa vụ tài chính cho hồ sơ %(code)s."
    ),
}


def _run_step_action(action: str, *, actor, step: Step, data: dict) -> None:
    """Exactly one service per action."""
    if action == Action.CLAIM:
        services.step_claim(actor=actor, step=step)
    elif action == Action.FORWARD:
        services.step_forward(actor=actor, step=step, note=data["note"])
    elif action == Action.SEND_BACK:
        services.step_send_back(actor=actor, step=step, reason=data["reason"])
    elif action == Action.REQUEST_SUPPLEMENT:
        services.dossier_request_supplement(actor=actor, step=step, items=data["items"], note=data["note"])
    elif action == Action.APPROVE:
        services.step_approve(
            actor=actor, step=step, result_note=data["result_note"], files=data["result_files"]
        )
    elif action == Action.REFUSE:
        services.step_refuse(actor=actor, step=step, reason=data["reason"])
    elif action == Action.REQUEST_PAYMENT:
        services.dossier_request_payment(
            actor=actor,
            step=step,
            kind=data["kind"],
            amount=data["amount"],
            notice_number=data["notice_number"],
            issuing_authority=data["issuing_authority"],
            due_date=data["due_date"],
            note=data["note"],
        )
    else:  # pragma: no cover - the view checks the name first
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def step_action(request, step_id: int, action: str):
    step = _visible_step(request.user, step_id)
    if action != Action.CLAIM and action not in STEP_FORMS:
        raise Http404
    dossier = step.dossier
    if action == Action.CLAIM and request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not may(dossier, request.user, action, step):
        return _not_now(request, dossier, action, step)
    form = None
    if action != Action.CLAIM:
        form_class = STEP_FORMS[action]
        form = form_class(request.POST, request.FILES) if request.method == "POST" else form_class()
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            _run_step_action(action, actor=request.user, step=step, data=form.cleaned_data if form else {})
        except TransitionRefused as exc:
            return _refused(request, dossier, exc.message)
        except ValidationError as exc:
            if form is None:
                return _refused(request, dossier, " ".join(exc.messages))
            _errors_to_form(form, exc)
        else:
            messages.success(request, STEP_DONE[action] % {"code": dossier.code, "step": step.name})
            return redirect("dossiers:detail", code=dossier.code)
    return render(
        request,
        "dossiers/review/action_form.html",
        {
            "dossier": dossier,
            "step": step,
            "form": form,
            "title": Action(action).label,
            "intro": STEP_INTROS[action],
            "danger": action in STEP_DANGER,
            "multipart": action == Action.APPROVE,
        },
    )


# --- dossier actions of the resolving agency -------------------------------------------------------


def _dossier_action(request, code: str, action: str, form_class, run, *, intro: str, done: str, danger=False):
    dossier = _visible_dossier(request.user, code)
    if not may(dossier, request.user, action):
        return _not_now(request, dossier, action)
    form = form_class(request.POST) if request.method == "POST" else form_class()
    if request.method == "POST" and form.is_valid():
        try:
            run(dossier, form.cleaned_data)
        except TransitionRefused as exc:
            return _refused(request, dossier, exc.message)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, done % {"code": dossier.code})
            return redirect("dossiers:detail", code=dossier.code)
    return render(
        request,
        "dossiers/review/action_form.html",
        {
            "dossier": dossier,
            "form": form,
            "title": Action(action).label,
            "intro": intro,
            "danger": danger,
            "show_due": action == Action.APOLOGIZE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def stop(request, code: str):
    return _dossier_action(
        request,
        code,
        Action.STOP,
        ReasonForm,
        lambda dossier, data: services.dossier_stop(
            actor=request.user, dossier=dossier, reason=data["reason"]
        ),
        intro=_(
            "Hồ sơ dừng giải quyết và kết thúc; người nộp thấy lý do dừng xử lý trên trang hồ sơ của mình."
        ),
        done=_("Đã dừng xử lý hồ sơ %(code)s."),
        danger=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def apologize(request, code: str):
    return _dossier_action(
        request,
        code,
        Action.APOLOGIZE,
        ApologizeForm,
        lambda dossier, data: services.dossier_apologize(
            actor=request.user, dossier=dossier, reason=data["reason"], new_date=data["new_moment"]
        ),
        intro=_(
            "Văn bản xin lỗi và hẹn lại ngày trả kết quả gửi người nộp khi hồ sơ trễ hoặc sắp trễ hạn. "
            "Hạn trả kết quả theo quy định không thay đổi."
        ),
        done=_("Đã ghi nhận văn bản xin lỗi và ngày hẹn mới của hồ sơ %(code)s."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_payment(request, code: str):
    return _dossier_action(
        request,
        code,
        Action.CONFIRM_PAYMENT,
        ConfirmPaymentForm,
        lambda dossier, data: services.dossier_confirm_payment(
            actor=request.user, dossier=dossier, proof=data["proof"], note=data["note"]
        ),
        intro=_(
            "Xác nhận người nộp đã hoàn thành nghĩa vụ tài chính; hồ sơ tiếp tục được giải quyết và hạn "
            "trả kết quả lùi thêm thời gian làm việc đã tạm dừng."
        ),
        done=_("Đã xác nhận nghĩa vụ tài chính của hồ sơ %(code)s."),
    )

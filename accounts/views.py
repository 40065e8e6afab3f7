from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from accounts import services
from accounts.forms import CodeForm, ContactForm, LoginForm, NotificationChoicesForm, RegisterForm
from accounts.permissions import actions_for
from accounts.phones import display_phone
from web import ratelimit

# What each permission action (accounts.permissions.ACTIONS) lets a person do, in their words.
ACTION_LABELS = {
    "catalog.manage": gettext_lazy("Quản lý danh mục thủ tục hành chính"),
    "calendar.manage": gettext_lazy("Quản lý ngày nghỉ, ngày làm việc bù"),
    "accounts.manage_staff": gettext_lazy("Quản lý tài khoản cán bộ"),
    "dossier.submit_online": gettext_lazy("Nộp hồ sơ trực tuyến"),
    "dossier.receive": gettext_lazy("Tiếp nhận hồ sơ"),
    "dossier.accept_online": gettext_lazy("Tiếp nhận hồ sơ nộp trực tuyến"),
    "dossier.return_result": gettext_lazy("Trả kết quả giải quyết"),
    "dossier.view_inbox": gettext_lazy("Xem hồ sơ chuyển đến cơ quan"),
    "step.process": gettext_lazy("Xử lý hồ sơ"),
    "fee.collect": gettext_lazy("Thu phí, lệ phí"),
    "fee.exempt": gettext_lazy("Ghi nhận miễn phí, lệ phí"),
    "receipt.cancel": gettext_lazy("Hủy biên lai"),
    "fee.reconcile": gettext_lazy("Đối soát phí, lệ phí đã thu"),
    "paper.view": gettext_lazy("In giấy tiếp nhận, phiếu và văn bản của hồ sơ"),
    "register.view": gettext_lazy("Xem sổ theo dõi hồ sơ"),
    "stats.view": gettext_lazy("Xem số liệu thống kê"),
    "counter.serve": gettext_lazy("Gọi số thứ tự tại quầy"),
    "counter.configure": gettext_lazy("Đặt quy tắc gọi số ưu tiên"),
    "counter.view_figures": gettext_lazy("Xem số liệu xếp hàng, thời gian chờ"),
    "rating.enter_paper": gettext_lazy("Nhập phiếu đánh giá giấy"),
    "feedback.handle": gettext_lazy("Xử lý phản ánh, kiến nghị"),
    "survey.view_figures": gettext_lazy("Xem số liệu hài lòng, phản ánh"),
    "national.view_sync": gettext_lazy("Xem đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia"),
    "national.reconcile": gettext_lazy("Đối soát đồng bộ Cổng Dịch vụ công quốc gia"),
    "national.resend": gettext_lazy("Gửi lại bản tin đồng bộ bị từ chối"),
    "privacy.view_access": gettext_lazy("Xem nhật ký truy cập dữ liệu cá nhân"),
}


# Failed logins per client address, whatever accounts they name (password spraying). Past
# LOGIN_FAILURES_PER_ADDRESS the address is slowed, not locked: LOGIN_ATTEMPTS_WHEN_SLOWED attempts
# (right or wrong) per short window, so an office behind one NAT address still logs in. The lockout
# of one account, from any address, is django-axes' job (AXES_FAILURE_LIMIT, accounts.backends).
LOGIN_FAILURES_GROUP = "accounts.login_failures"
LOGIN_SLOWED_GROUP = "accounts.login_slowed"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def _failures(self, *, count: bool) -> dict:
        """This address's failures in the current window (one more when ``count``)."""
        return get_usage(
            self.request,
            group=LOGIN_FAILURES_GROUP,
            key="ip",
            rate=settings.LOGIN_FAILURES_PER_ADDRESS,
            increment=count,
        )

    def _slowed_out(self) -> int:
        """Seconds to wait when this address is over its failures and has used its slow rate
        (each attempt counts), 0 when the attempt may go on."""
        usage = self._failures(count=False)
        if not usage or usage["count"] < usage["limit"]:
            return 0
        slow = get_usage(
            self.request,
            group=LOGIN_SLOWED_GROUP,
            key="ip",
            rate=settings.LOGIN_ATTEMPTS_WHEN_SLOWED,
            increment=True,
        )
        if not slow or not slow["should_limit"]:
            return 0
        return max(1, slow["time_left"])

    def post(self, request, *args, **kwargs):
        wait = self._slowed_out()
        if wait:
            form = self.get_form_class()(request)  # unbound: nothing is checked, nothing counted
            form.cleaned_data = {}
            form.add_error(
                None, _("Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng thử lại sau.")
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        self._failures(count=True)
        return super().form_invalid(form)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _codes_limited(request) -> bool:
    """Registrations and contact changes asked from this address (each sends codes). Fails closed:
    while the cache does not answer, no code is sent (an SMS pump costs money); login and the rest
    of the portal go on."""
    return ratelimit.over_or_unknown(
        request, group="accounts.contact_codes", rate=settings.ACCOUNTS_CODE_REQUESTS_PER_ADDRESS
    )


def _too_many(request, template: str, context: dict):
    messages.error(request, _("Bạn đã yêu cầu quá nhiều lần. Vui lòng thử lại sau."))
    response = render(request, template, context, status=429)
    response["Retry-After"] = "3600"
    return response


@require_http_methods(["GET", "POST"])
def register(request):
    """Step one: what the citizen typed; a code goes to each phone and e-mail given. The answer is
    the same whether or not they are registered already (issue 22)."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _codes_limited(request):
            return _too_many(request, "accounts/register.html", {"form": form})
        try:
            batch = services.registration_start(
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                notice_version=settings.PRIVACY_NOTICE_VERSION if form.cleaned_data["consent"] else None,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            request.session[REGISTER_BATCH] = batch
            return redirect("accounts:register_confirm")
    return render(
        request, "accounts/register.html", {"form": form, "notice_version": settings.PRIVACY_NOTICE_VERSION}
    )


REGISTER_BATCH = "accounts.register_batch"
CONTACT_BATCH = "accounts.contact_batch"


@require_http_methods(["GET", "POST"])
def register_confirm(request):
    """Step two: the code sent to the phone or e-mail; the account is made and signed in."""
    batch = request.session.get(REGISTER_BATCH)
    if request.user.is_authenticated or not batch:
        return redirect("accounts:register")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.registration_finish(batch=batch, code=form.cleaned_data["code"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            request.session.pop(REGISTER_BATCH, None)
            login(request, user, backend="accounts.backends.PhoneOrEmailBackend")
            messages.success(
                request, _("Đăng ký thành công. Chào mừng %(name)s!") % {"name": user.display_name}
            )
            return redirect("accounts:home")
    context = {
        "form": form,
        "action": reverse("accounts:register_confirm"),
        "back": reverse("accounts:register"),
    }
    return render(request, "accounts/confirm_code.html", context, status=200 if not form.errors else 400)


@login_required
def home(request, contact_form=None):
    """The signed-in person's own page: who they are, what their role lets them do, their contact
    details and which channels they receive notices on."""
    user = request.user
    actions = actions_for(user)
    choices = services.account_notification_choices(user)
    return render(
        request,
        "accounts/home.html",
        {
            "actions": actions,
            "action_labels": [ACTION_LABELS.get(action, action) for action in actions],
            "phone": display_phone(user.phone),
            "contact_form": contact_form
            or ContactForm(initial={"phone": display_phone(user.phone), "email": user.email}),
            "notifications_form": NotificationChoicesForm(initial=choices),
        },
        status=400 if contact_form is not None else 200,
    )


@login_required
@require_http_methods(["POST"])
def contact(request):
    """A new phone or e-mail is proven by a code sent to it first; removing one applies at once."""
    form = ContactForm(request.POST)
    if form.is_valid():
        if _codes_limited(request):
            response = home(request, contact_form=form)
            response.status_code = 429
            return response
        try:
            batch = services.contact_change_start(
                actor=request.user,
                user=request.user,
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if batch:
                request.session[CONTACT_BATCH] = batch
                return redirect("accounts:contact_confirm")
            messages.success(request, _("Đã cập nhật thông tin liên hệ."))
            return redirect("accounts:home")
    return home(request, contact_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def contact_confirm(request):
    batch = request.session.get(CONTACT_BATCH)
    if not batch:
        return redirect("accounts:home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_change_finish(
                actor=request.user, user=request.user, batch=batch, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            request.session.pop(CONTACT_BATCH, None)
            messages.success(request, _("Đã cập nhật thông tin liên hệ. Địa chỉ cũ đã được thông báo."))
            return redirect("accounts:home")
    context = {"form": form, "action": reverse("accounts:contact_confirm"), "back": reverse("accounts:home")}
    return render(request, "accounts/confirm_code.html", context, status=200 if not form.errors else 400)


@login_required
@require_http_methods(["POST"])
def notification_choices(request):
    form = NotificationChoicesForm(request.POST)
    form.is_valid()
    services.account_set_notifications(
        user=request.user,
        sms=form.cleaned_data.get("sms", False),
        email=form.cleaned_data.get("email", False),
    )
    messages.success(request, _("Đã lưu lựa chọn nhận thông báo."))
    return redirect("accounts:home")

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from accounts import services
from accounts.forms import ContactForm, LoginForm, NotificationChoicesForm, RegisterForm
from accounts.permissions import actions_for
from accounts.phones import display_phone

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
}


# Failed logins per client address, whatever accounts they name (password spraying); a lockout per
# account and address is django-axes' job (AXES_FAILURE_LIMIT).
LOGIN_FAILURES_GROUP = "accounts.login_failures"


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

    def post(self, request, *args, **kwargs):
        usage = self._failures(count=False)
        if usage and usage["count"] >= usage["limit"]:
            form = self.get_form_class()(request)  # unbound: nothing is checked, nothing counted
            form.cleaned_data = {}
            form.add_error(
                None, _("Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng thử lại sau.")
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = "3600"
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        self._failures(count=True)
        return super().form_invalid(form)


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.citizen_register(
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            login(request, user, backend="accounts.backends.PhoneOrEmailBackend")
            messages.success(
                request, _("Đăng ký thành công. Chào mừng %(name)s!") % {"name": user.display_name}
            )
            return redirect("accounts:home")
    return render(request, "accounts/register.html", {"form": form})


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
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            changes = services.account_update_contact(
                actor=request.user,
                user=request.user,
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            if changes:
                messages.success(request, _("Đã cập nhật thông tin liên hệ. Địa chỉ cũ đã được thông báo."))
            return redirect("accounts:home")
    return home(request, contact_form=form)


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

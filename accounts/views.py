from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import LoginForm, RegisterForm
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
    "stats.view": gettext_lazy("Xem số liệu thống kê"),
    "counter.serve": gettext_lazy("Gọi số thứ tự tại quầy"),
    "counter.configure": gettext_lazy("Đặt quy tắc gọi số ưu tiên"),
    "counter.view_figures": gettext_lazy("Xem số liệu xếp hàng, thời gian chờ"),
    "rating.enter_paper": gettext_lazy("Nhập phiếu đánh giá giấy"),
    "feedback.handle": gettext_lazy("Xử lý phản ánh, kiến nghị"),
    "survey.view_figures": gettext_lazy("Xem số liệu hài lòng, phản ánh"),
}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
def home(request):
    """The signed-in person's own page: who they are and what their role lets them do."""
    actions = actions_for(request.user)
    return render(
        request,
        "accounts/home.html",
        {
            "actions": actions,
            "action_labels": [ACTION_LABELS.get(action, action) for action in actions],
            "phone": display_phone(request.user.phone),
        },
    )

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Số điện thoại, email hoặc tên đăng nhập"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Thông tin đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not settings.CITIZEN_PASSWORD_LOGIN and user.role == Role.CITIZEN and not user.is_superuser:
            raise forms.ValidationError(
                _("Công dân, tổ chức đăng nhập bằng tài khoản định danh điện tử VNeID."), code="vneid_only"
            )


class RegisterForm(forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        help_text=_("Ví dụ 0912 345 678. Nhập số điện thoại hoặc email (hoặc cả hai)."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        help_text=_("Ít nhất 8 ký tự, không toàn chữ số, không quá giống thông tin cá nhân."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    consent = forms.BooleanField(
        label=_("Tôi đã đọc và đồng ý với Thông báo xử lý dữ liệu cá nhân"),
        required=False,  # the service refuses without it, with its message (accounts.services)
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            raise ValidationError({"password2": _("Hai mật khẩu không khớp.")})
        return data


class ContactForm(forms.Form):
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác nhận"),
        max_length=12,
        help_text=_("Mã gồm 6 chữ số vừa gửi tới số điện thoại hoặc email bạn đã nhập."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class NotificationChoicesForm(forms.Form):
    sms = forms.BooleanField(label=_("Nhận tin nhắn SMS về hồ sơ"), required=False)
    email = forms.BooleanField(label=_("Nhận email về hồ sơ"), required=False)

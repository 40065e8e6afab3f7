"""Writes to accounts."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import AGENCY_ROLES, Role, User
from accounts.phones import normalize_phone


def _clean_contact(phone: str, email: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    phone_e164 = ""
    email = (email or "").strip().lower()
    if phone and phone.strip():
        try:
            phone_e164 = normalize_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            errors["email"] = exc.messages
    if not phone_e164 and not email and not errors:
        errors["phone"] = [_("Nhập số điện thoại hoặc địa chỉ email để đăng nhập.")]
    if phone_e164 and User.objects.filter(phone=phone_e164).exists():
        errors["phone"] = [_("Số điện thoại này đã được đăng ký.")]
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("Email này đã được đăng ký.")]
    if errors:
        raise ValidationError(errors)
    return phone_e164, email


@transaction.atomic
def citizen_register(*, full_name: str, password: str, phone: str = "", email: str = "") -> User:
    """A citizen's own account, logged in with the phone number or the e-mail address."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": [_("Vui lòng nhập họ và tên.")]})
    phone_e164, email = _clean_contact(phone, email)
    user = User(
        username=phone_e164 or email,
        full_name=full_name,
        phone=phone_e164,
        email=email,
        role=Role.CITIZEN,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    user.set_password(password)
    try:
        user.save()
    except IntegrityError as exc:  # a concurrent registration took the same phone or email
        raise ValidationError(_("Số điện thoại hoặc email này đã được đăng ký.")) from exc
    return user


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    role: str,
    full_name: str,
    agency=None,
    phone: str = "",
    email: str = "",
) -> User:
    """A staff account, made by an administrator (or the demo seed)."""
    if role == Role.CITIZEN:
        raise ValidationError({"role": [_("Tài khoản cán bộ không thể có vai trò công dân.")]})
    if role in AGENCY_ROLES and agency is None:
        raise ValidationError({"agency": [_("Cán bộ phải thuộc một cơ quan.")]})
    phone_e164, email = _clean_contact(phone, email) if (phone or email) else ("", "")
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        agency=agency,
        phone=phone_e164,
        email=email,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user

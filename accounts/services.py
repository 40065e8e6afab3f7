"""Writes to accounts."""

import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import AGENCY_ROLES, Consent, ContactChange, ContactCode, Role, SigningAuthority, User
from accounts.phones import display_phone, normalize_phone
from notifications.models import Channel
from notifications.services import is_opted_out, notification_create, optout_set


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


@transaction.atomic
def account_update_contact(*, actor: User, user: User, phone: str, email: str) -> list[ContactChange]:
    """Change an account's phone and/or e-mail. Each change is audited (who, when, old, new) and
    the old contact is told, so that a stolen account is noticed."""
    user = User.objects.select_for_update().get(pk=user.pk)
    errors: dict[str, list[str]] = {}
    phone_e164, email = "", (email or "").strip().lower()
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
    if not errors and user.role == Role.CITIZEN and not phone_e164 and not email:
        errors["phone"] = [_("Nhập số điện thoại hoặc địa chỉ email để đăng nhập.")]
    others = User.objects.exclude(pk=user.pk)
    if phone_e164 and others.filter(phone=phone_e164).exists():
        errors["phone"] = [_("Số điện thoại này đã được đăng ký.")]
    if email and others.filter(email__iexact=email).exists():
        errors["email"] = [_("Email này đã được đăng ký.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    changes = []
    for field, new in ((ContactChange.Field.PHONE, phone_e164), (ContactChange.Field.EMAIL, email)):
        old = getattr(user, field)
        if old == new:
            continue
        changes.append(
            ContactChange.objects.create(
                user=user, field=field, old_value=old, new_value=new, changed_by=actor, changed_at=now
            )
        )
        setattr(user, field, new)
    if not changes:
        return []
    user.save(update_fields=["phone", "email"])
    for change in changes:
        _tell_old_contact(user, change)
    return changes


def _tell_old_contact(user: User, change: ContactChange) -> None:
    if not change.old_value:
        return
    is_phone = change.field == ContactChange.Field.PHONE
    context = {
        "field": _("Số điện thoại") if is_phone else _("Email"),
        "account": user.display_name,
        "old": display_phone(change.old_value) if is_phone else change.old_value,
        "new": (display_phone(change.new_value) if is_phone else change.new_value) or _("(bỏ trống)"),
        "when": timezone.localtime(change.changed_at).strftime("%H:%M %d/%m/%Y"),
        "center": settings.HCC_CENTER_NAME,
    }
    notification_create(
        recipient=change.old_value,
        channel=Channel.SMS if is_phone else Channel.EMAIL,
        template_code="account.contact_changed",
        context=context,
        subject_ref=f"account:{user.pk}",
        event_id=change.pk,
    )


def account_notification_choices(user: User) -> dict[str, bool]:
    """Which channels the account's own phone and e-mail receive notices on."""
    return {
        Channel.SMS: bool(user.phone) and not is_opted_out(Channel.SMS, user.phone),
        Channel.EMAIL: bool(user.email) and not is_opted_out(Channel.EMAIL, user.email),
    }


@transaction.atomic
def account_set_notifications(*, user: User, sms: bool, email: bool) -> None:
    """The citizen's choice of channels for notices about their dossiers (per address)."""
    if user.phone:
        optout_set(channel=Channel.SMS, address=user.phone, opted_out=not sms)
    if user.email:
        optout_set(channel=Channel.EMAIL, address=user.email, opted_out=not email)


def signing_authority_grant(*, user: User, procedure, office, decision: str = "") -> SigningAuthority:
    """Authorise ``user`` to sign the result of the on-the-spot ``procedure`` at ``office``'s desk
    (an administrator's act, or the demo seed)."""
    if not procedure.on_the_spot:
        raise ValidationError({"procedure": [_("Thủ tục này không giải quyết tại chỗ.")]})
    if not office.has_one_stop_desk:
        raise ValidationError({"office": [_("Cơ quan này không có bộ phận một cửa.")]})
    if not user.is_active or user.role == Role.CITIZEN:
        raise ValidationError({"user": [_("Chỉ cán bộ đang làm việc mới được ủy quyền ký.")]})
    authority, _created = SigningAuthority.objects.update_or_create(
        user=user, procedure=procedure, office=office, defaults={"decision": decision, "is_active": True}
    )
    return authority


# --- one-time codes: prove a phone or e-mail before registering or changing to it -----------------
# Neither registration nor a contact change says whether a contact belongs to someone else (issue
# 22, enumeration): every contact typed gets the same answer, "a code was sent". A free contact gets
# a code; a taken one gets a notice that someone tried to use it, and no code can match.

CODE_DIGITS = 6


def _code_hash(batch: str, code: str) -> str:
    return salted_hmac("accounts.contact_code", f"{batch}:{code}").hexdigest()


def _check_formats(phone: str, email: str, *, required: bool) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    phone_e164, email = "", (email or "").strip().lower()
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
    if required and not phone_e164 and not email and not errors:
        errors["phone"] = [_("Nhập số điện thoại hoặc địa chỉ email để đăng nhập.")]
    if errors:
        raise ValidationError(errors)
    return phone_e164, email


def _send_codes(
    *, purpose: str, contacts: list[tuple[str, str]], payload: dict, user: User | None = None
) -> str:
    """One code per (field, address); returns the batch the codes are checked against."""
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    for _field, address in contacts:
        sent = ContactCode.objects.filter(address=address, created_at__gte=hour_ago).count()
        if sent >= settings.ACCOUNTS_CODES_PER_CONTACT_HOUR:
            raise ValidationError(
                _("Đã gửi quá nhiều mã xác nhận tới %(address)s. Vui lòng thử lại sau một giờ.")
                % {"address": display_phone(address) if _field == "phone" else address}
            )
    batch = secrets.token_urlsafe(32)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    for field, address in contacts:
        lookup = {"phone": address} if field == "phone" else {"email__iexact": address}
        taken = others.filter(**lookup).exists()
        row = ContactCode.objects.create(
            batch=batch,
            purpose=purpose,
            user=user,
            field=field,
            address=address,
            code_hash=_code_hash(batch, code),
            delivered=not taken,
            payload=payload,
            created_at=now,
            expires_at=now + timedelta(minutes=settings.ACCOUNTS_CODE_MINUTES),
        )
        context = {
            "code": code,
            "minutes": settings.ACCOUNTS_CODE_MINUTES,
            "address": display_phone(address) if field == "phone" else address,
            "center": settings.HCC_CENTER_NAME,
        }
        notification_create(
            recipient=address,
            channel=Channel.SMS if field == "phone" else Channel.EMAIL,
            template_code="account.contact_taken" if taken else "account.contact_code",
            context=context if not taken else {k: v for k, v in context.items() if k != "code"},
            subject_ref=f"contact-code:{row.pk}",
            event_id=row.pk,
        )
    return batch


def _redeem(batch: str, code: str, *, purpose: str, user: User | None = None) -> list[ContactCode]:
    """The rows of ``batch`` if ``code`` is right for every one of them, else ``[]`` with one
    attempt counted. The caller commits the count before refusing."""
    rows = list(
        ContactCode.objects.select_for_update().filter(
            batch=batch, purpose=purpose, user=user, used_at__isnull=True
        )
    )
    now = timezone.now()
    if not rows or any(r.expires_at <= now or r.attempts >= settings.ACCOUNTS_CODE_ATTEMPTS for r in rows):
        return []
    digest = _code_hash(batch, (code or "").strip())
    if not all(r.delivered and hmac.compare_digest(r.code_hash, digest) for r in rows):
        ContactCode.objects.filter(pk__in=[r.pk for r in rows]).update(attempts=F("attempts") + 1)
        return []
    ContactCode.objects.filter(pk__in=[r.pk for r in rows]).update(used_at=now)
    return rows


def _wrong_code() -> ValidationError:
    return ValidationError({"code": [_("Mã xác nhận không đúng hoặc đã hết hạn.")]})


@transaction.atomic
def consent_record(
    *, user: User, purpose: str, notice_version: str, at=None, dossier_code: str = ""
) -> Consent:
    """Record that ``user`` agreed to the processing notice of ``notice_version`` (Law 91/2025:
    consent is recorded and provable). Called in the transaction of what it consents to."""
    return Consent.objects.create(
        user=user,
        purpose=purpose,
        notice_version=notice_version,
        given_at=at or timezone.now(),
        dossier_code=dossier_code,
    )


def check_consent(notice_version: str | None, field: str = "consent") -> str:
    """The version of the notice the person agreed to, or a clear error: nothing goes on without
    it."""
    if not notice_version:
        raise ValidationError(
            {field: [_("Bạn cần đọc và đồng ý với Thông báo xử lý dữ liệu cá nhân để tiếp tục.")]}
        )
    return notice_version


def registration_start(
    *, full_name: str, password: str, phone: str = "", email: str = "", notice_version: str | None = None
) -> str:
    """Step one of registering: check what was typed, including the consent to the processing
    notice (its version), and send a code to each contact. Says nothing about whether a contact
    is already registered. Returns the batch to confirm."""
    notice_version = check_consent(notice_version)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": [_("Vui lòng nhập họ và tên.")]})
    phone_e164, email = _check_formats(phone, email, required=True)
    probe = User(username=phone_e164 or email, full_name=full_name, phone=phone_e164, email=email)
    try:
        validate_password(password, probe)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from exc
    contacts = [(f, a) for f, a in (("phone", phone_e164), ("email", email)) if a]
    payload = {"full_name": full_name, "phone": phone_e164, "email": email}
    payload["password"] = make_password(password)  # a hash, never the password
    payload["consent"] = {"version": notice_version, "at": timezone.now().isoformat()}
    return _send_codes(purpose=ContactCode.Purpose.REGISTER, contacts=contacts, payload=payload)


def registration_finish(*, batch: str, code: str) -> User:
    """Step two: the code sent to the contacts proves them; the account is made."""
    with transaction.atomic():
        rows = _redeem(batch, code, purpose=ContactCode.Purpose.REGISTER)
        if rows:
            data = rows[0].payload
            try:
                _clean_contact(data["phone"], data["email"])
            except ValidationError:  # taken meanwhile: only the proven owner of the contact learns it
                raise ValidationError(_("Số điện thoại hoặc email này đã được đăng ký.")) from None
            user = User(
                username=data["phone"] or data["email"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                role=Role.CITIZEN,
                password=data["password"],
            )
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError as exc:
                raise ValidationError(_("Số điện thoại hoặc email này đã được đăng ký.")) from exc
            consent = data.get("consent") or {}
            if consent.get("version"):
                consent_record(
                    user=user,
                    purpose=Consent.Purpose.REGISTRATION,
                    notice_version=consent["version"],
                    at=datetime.fromisoformat(consent["at"]),
                )
            return user
    raise _wrong_code()


@transaction.atomic
def contact_change_start(*, actor: User, user: User, phone: str, email: str) -> str | None:
    """Step one of changing an account's phone and/or e-mail: a new contact must be proven by a
    code sent to it (the batch is returned); removing one applies at once (``None``)."""
    phone_e164, email = _check_formats(phone, email, required=user.role == Role.CITIZEN)
    new = [(f, a) for f, a in (("phone", phone_e164), ("email", email)) if a and a != getattr(user, f)]
    if not new:
        account_update_contact(actor=actor, user=user, phone=phone_e164, email=email)
        return None
    payload = {"phone": phone_e164, "email": email}
    return _send_codes(purpose=ContactCode.Purpose.CONTACT, contacts=new, payload=payload, user=user)


def contact_change_finish(*, actor: User, user: User, batch: str, code: str) -> list[ContactChange]:
    """Step two of a contact change: the code proves the new contact; the change is applied."""
    with transaction.atomic():
        rows = _redeem(batch, code, purpose=ContactCode.Purpose.CONTACT, user=user)
        if rows:
            data = rows[0].payload
            return account_update_contact(actor=actor, user=user, phone=data["phone"], email=data["email"])
    raise _wrong_code()

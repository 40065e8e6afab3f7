"""Vietnamese phone numbers: accepted as people type them, stored as E.164 (+84…)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_phone(raw: str) -> str:
    """``0912 345 678``, ``+84912345678`` and ``84912345678`` all become ``+84912345678``.

    Raises ValidationError when the text is not a valid Vietnamese (or international) number.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Vui lòng nhập số điện thoại."), code="required")
    if text.startswith("84") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Số điện thoại không hợp lệ."), code="invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Số điện thoại không hợp lệ."), code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(text: str) -> bool:
    digits = "".join(ch for ch in text if ch.isdigit())
    return "@" not in text and len(digits) >= 9


def display_phone(e164: str) -> str:
    """``+84912345678`` → ``0912 345 678`` for pages and papers."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)

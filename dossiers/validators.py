"""Checks of Vietnamese identifiers on a dossier."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# First three digits of a 12-digit citizen identity number (CCCD / số định danh cá nhân):
# the province of birth registration (Circular 59/2021/TT-BCA, appendix).
CCCD_PROVINCES = frozenset(
    {
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    }
)
_TWELVE_DIGITS = re.compile(r"^\d{12}$")
_TAX_CODE = re.compile(r"^(\d{10})(-\d{3})?$")
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def validate_id_number(value: str) -> None:
    """A 12-digit CCCD: a known province code, then the gender/century digit and birth year."""
    value = (value or "").strip()
    if not _TWELVE_DIGITS.match(value):
        raise ValidationError(_("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."), code="format")
    if value[:3] not in CCCD_PROVINCES:
        raise ValidationError(_("Số định danh cá nhân (CCCD) có mã tỉnh không hợp lệ."), code="province")


def tax_check_digit(first_nine: str) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(first_nine, TAX_WEIGHTS, strict=True)) % 11
    digit = 10 - remainder
    return None if digit == 10 else digit % 10


def validate_tax_code(value: str) -> None:
    """A 10-digit tax code with its check digit, or 13 as ``0101234567-001`` for a branch."""
    value = (value or "").strip()
    match = _TAX_CODE.match(value)
    if not match:
        raise ValidationError(_("Mã số thuế gồm 10 chữ số (hoặc dạng 0101234567-001)."), code="format")
    digits = match.group(1)
    if tax_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(_("Mã số thuế không đúng (sai số kiểm tra)."), code="checksum")

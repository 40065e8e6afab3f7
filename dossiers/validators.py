"""Checks of Vietnamese identifiers on a dossier."""

import re
from functools import cache

from babel import Locale
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
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


# A passport number as printed in the machine-readable zone (ICAO Doc 9303: letters and digits;
# 9 in the MRZ field, some states print longer numbers): 5 to 20 letters and digits.
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
# Babel's territories that are not a country issuing passports (groupings, "unknown").
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})


def normalize_passport_number(value: str) -> str:
    return "".join((value or "").split()).upper()


def validate_passport_number(value: str) -> None:
    """A foreigner's (or a Vietnamese abroad's) passport number: 5–20 letters and digits."""
    if not _PASSPORT.match(normalize_passport_number(value)):
        raise ValidationError(_("Số hộ chiếu gồm 5 đến 20 chữ cái và chữ số."), code="format")


@cache
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse("en" if language.startswith("en") else "vi").territories
    return tuple(
        sorted(
            ((code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()),
            key=lambda pair: pair[1],
        )
    )


def nationality_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes with the country names in the page's language (Babel's CLDR data)."""
    return [(code, name) for code, name in _countries(get_language() or "vi") if code not in _NOT_COUNTRIES]


def nationality_options() -> tuple[tuple[str, str], ...]:
    """``nationality_choices`` after an empty choice, all plain strings in the page's language (a
    lazy label would send the ~250 options through Django's slow option building: issue 25); one
    tuple a language and process (the names come from Babel and the catalog of the release)."""
    return _nationality_options(get_language() or "vi")


@cache
def _nationality_options(language: str) -> tuple[tuple[str, str], ...]:
    # ``language`` is the active one (``nationality_options``): the empty choice's words in it
    return (("", _("— Chọn quốc tịch —")), *nationality_choices())


def nationality_name(code: str) -> str:
    return dict(_countries(get_language() or "vi")).get(code, code)


def validate_nationality(value: str) -> None:
    """A nationality as an ISO 3166-1 alpha-2 code (``US``, ``KR``, ``VN``)."""
    if value not in {code for code, _name in nationality_choices()}:
        raise ValidationError(_("Vui lòng chọn quốc tịch trong danh sách."), code="nationality")


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

"""Single values of an import row: days, amounts, levels, channels, flags and plain text.

Each parser takes what the national database or our CSV writes and returns the catalog's value;
what it cannot read raises CatalogError, and what it reads by assumption is appended to
``warnings`` for the operator.
"""

import html
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from procedures.models import FeeKind, Level, OnlineLevel, TimeUnit
from procedures.services import CatalogError
from procedures.text import fold

MAX_DAYS = Decimal("9999.99")  # Procedure.processing_days: max_digits=6, decimal_places=2
HOURS_PER_DAY = 8

_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|li|div|tr)>", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_MONEY = re.compile(r"\d{1,3}(?:[.,\s]\d{3})+(?!\d)|\d+")
_TRUE = {"1", "co", "yes", "true", "x", "y", "bat buoc"}
_FALSE = {"0", "khong", "no", "false", "n", "khong bat buoc"}


def text_of(value: Any) -> str:
    """Plain text from a string, a number, or a list/object of them (one line each); HTML from
    the national database is reduced to its text."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(t for t in (text_of(v) for v in value) if t)
    if isinstance(value, dict):
        return "\n".join(t for t in (text_of(v) for v in value.values()) if t)
    text = str(value)
    if _TAG.search(text):
        text = html.unescape(strip_tags(_BLOCK_END.sub("\n", text)))
    lines = (line.strip() for line in text.replace("\r\n", "\n").replace("\xa0", " ").split("\n"))
    return "\n".join(line for line in lines if line)


def as_list(value: Any) -> list:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def first_of(value: Any) -> Any:
    """The first of a list, or of a ``;``-separated string."""
    if isinstance(value, str):
        return next((part.strip() for part in value.split(";") if part.strip()), "")
    items = as_list(value)
    return first_of(items[0]) if items and isinstance(items[0], str) else (items[0] if items else None)


def fit(text: str, limit: int, what: str, warnings: list[str]) -> str:
    if len(text) <= limit:
        return text
    warnings.append(_("%(what)s dài quá %(limit)s ký tự, đã cắt bớt.") % {"what": what, "limit": limit})
    return text[: limit - 1] + "…"


def parse_days(value: Any, *, what: str, warnings: list[str]) -> Decimal:
    """A number of days: 15, "15", "0.5", "0,5", "Trong ngày" (0 = same day)."""
    if isinstance(value, bool):
        raise CatalogError(_("%(what)s không hợp lệ: %(value)s.") % {"what": what, "value": value})
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = text_of(value)
    if not text:
        raise CatalogError(_("Thiếu %(what)s.") % {"what": what})
    if "trong ngay" in fold(text):
        return Decimal(0)
    numbers = _NUMBER.findall(text)
    if not numbers:
        raise CatalogError(_("Không hiểu %(what)s: “%(value)s”.") % {"what": what, "value": text})
    number = Decimal(numbers[0].replace(",", "."))
    if len(numbers) > 1:
        warnings.append(
            _("%(what)s “%(value)s” có nhiều số; lấy số đầu tiên (%(number)s).")
            % {"what": what, "value": text, "number": numbers[0]}
        )
    return number


def working_days(days: Decimal) -> Decimal:
    """Rounded to the hundredth of a day the catalog stores (half up)."""
    days = Decimal(days).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if days > MAX_DAYS:
        raise CatalogError(_("Thời hạn %(days)s ngày quá lớn.") % {"days": days})
    return days


def parse_time(amount: Any, unit: Any, warnings: list[str]) -> tuple[Decimal, str]:
    """The time limit and its unit from the national database's THOIGIANGIAIQUYET and DONVITINH:
    "Ngày làm việc" → working days; "Giờ", "Giờ làm việc" → working hours, kept as fractions of a
    working day (4 giờ = 0,5 ngày); "Ngày" alone → calendar days, as the procedure's legal text
    counts them."""
    days = parse_days(amount, what=_("thời hạn giải quyết"), warnings=warnings)
    unit_text = text_of(unit)
    key = fold(unit_text)
    time_unit = TimeUnit.WORKING_DAY
    if key.startswith("gio"):
        days = days / HOURS_PER_DAY
        if days:
            time_unit = TimeUnit.WORKING_HOUR
    elif not key:
        if days:
            warnings.append(_("Thời hạn không ghi đơn vị; hiểu là ngày làm việc."))
    elif "ngay" in key:
        if "lam viec" not in key and days:
            time_unit = TimeUnit.CALENDAR_DAY
    else:
        raise CatalogError(_("Đơn vị thời gian không hỗ trợ: “%(unit)s”.") % {"unit": unit_text})
    return working_days(days), time_unit


def parse_time_unit(value: Any) -> str:
    """A CSV's time_unit column: empty or "ngày làm việc"/"working_day" → working days; "giờ",
    "giờ làm việc"/"working_hour" → working hours (processing_days then gives the hours);
    "ngày", "ngày theo lịch", "calendar_day" → calendar days."""
    key = fold(text_of(value)).replace("_", " ")
    if not key or key in ("ngay lam viec", "working day"):
        return TimeUnit.WORKING_DAY
    if key in ("gio", "gio lam viec", "working hour"):
        return TimeUnit.WORKING_HOUR
    if key in ("ngay", "ngay theo lich", "calendar day"):
        return TimeUnit.CALENDAR_DAY
    raise CatalogError(_("Đơn vị thời hạn không hỗ trợ: “%(unit)s”.") % {"unit": text_of(value)})


_NEGATIVE = re.compile(r"^\s*[-\u2212\u2013]\s*\d")


def whole_dong(value: Any) -> int:
    """A fee amount given as a number: a whole, non-negative number of đồng, else CatalogError
    (issue 18, "Bad input": nothing is written). Fees are levied in đồng (Law 97/2015/QH13 on
    fees and charges; the article was not confirmed here)."""
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise CatalogError(
            _("Số tiền phí “%(value)s” không phải số nguyên đồng.") % {"value": value}, code="fee_not_whole"
        ) from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise CatalogError(
            _("Số tiền phí “%(value)s” không phải số nguyên đồng.") % {"value": value}, code="fee_not_whole"
        )
    if number < 0:
        raise CatalogError(_("Số tiền phí không được âm."), code="negative_fee")
    return int(number)


def parse_amount(value: Any, warnings: list[str]) -> tuple[int, str]:
    """An amount in đồng and the note to keep: "8000", "8.000", "8.000 đồng" → 8000; "Không",
    "Miễn phí", "" → 0 (the text of a free or exempt line kept as the note). A negative amount
    ("-5.000") or a number that is not whole (12.5) is refused (CatalogError)."""
    if value is None or isinstance(value, bool):
        return 0, ""
    if isinstance(value, int | float | Decimal):
        return whole_dong(value), ""
    text = text_of(value)
    if _NEGATIVE.match(text):
        raise CatalogError(_("Số tiền phí không được âm."), code="negative_fee")
    numbers = _MONEY.findall(text)
    if not numbers:
        key = fold(text)
        if key and not key.startswith(("khong", "mien")):
            warnings.append(
                _("Không hiểu số tiền “%(value)s”; ghi 0 đồng, giữ nguyên văn ở ghi chú.") % {"value": text}
            )
        return 0, text
    if len(numbers) > 1:
        warnings.append(
            _("Số tiền “%(value)s” có nhiều số; lấy số đầu tiên (%(number)s), giữ nguyên văn ở ghi chú.")
            % {"value": text, "number": numbers[0]}
        )
    rest = re.sub(r"[\s.,:/]|dong|vnd", "", _MONEY.sub("", fold(text)))
    return int(re.sub(r"\D", "", numbers[0])), ("" if rest in ("", "d") else text)


def parse_fee_kind(kind: Any, description: Any = "") -> str:
    """LOAIPHI "Lệ phí"/"Phí" (or charge/fee); without it, the description decides: whichever of
    "lệ phí" or "phí" it names first."""
    key = fold(text_of(kind))
    if key in ("charge", FeeKind.CHARGE.label.lower()) or key.startswith("le phi"):
        return FeeKind.CHARGE
    if key == "fee" or key.startswith("phi"):
        return FeeKind.FEE
    match = re.search(r"\b(le )?phi\b", fold(text_of(description)))
    return FeeKind.CHARGE if match and match.group(1) else FeeKind.FEE


def parse_level(value: Any) -> str:
    """ "Cấp Bộ"/"Trung ương" → central, "Cấp Tỉnh" → province, "Cấp Huyện" → district, "Cấp Xã" →
    commune, or the English values; several (list or ``;``) → the first, also as objects with a
    name (``TENCAP``); "" when absent."""
    first = first_of(value)
    if isinstance(first, dict):  # [{"CAPID": "3", "TENCAP": "Cấp Xã"}]: the name, not the number
        first = next((v for v in first.values() if not text_of(v).isdigit()), "")
    text = text_of(first)
    key = fold(text).removeprefix("cap ").strip()
    if not key:
        return ""
    for level, pattern in (
        (Level.CENTRAL, r"(bo|trung uong|central)\b"),
        (Level.PROVINCE, r"(tinh|province)\b"),
        (Level.DISTRICT, r"(huyen|quan|district)\b"),
        (Level.COMMUNE, r"(xa|phuong|commune)\b"),
    ):
        if re.match(pattern, key):
            return level
    raise CatalogError(_("Cấp thực hiện không hợp lệ: “%(value)s”.") % {"value": text})


def parse_online_level(value: Any, warnings: list[str]) -> str:
    text = text_of(value)
    key = fold(text)
    if key in ("full", "4", "muc do 4") or "toan trinh" in key:
        return OnlineLevel.FULL
    if key in ("partial", "3", "muc do 3") or "mot phan" in key:
        return OnlineLevel.PARTIAL
    if key not in ("", "none", "khong", "1", "2", "muc do 1", "muc do 2"):
        warnings.append(
            _("Mức độ trực tuyến “%(value)s” không rõ; ghi là không trực tuyến.") % {"value": text}
        )
    return OnlineLevel.NONE


def parse_channel(value: Any) -> str | None:
    """ "Trực tiếp" → counter, "Trực tuyến" → online, "… bưu chính …" → postal; None if unknown."""
    key = fold(text_of(value))
    if key == "counter" or "truc tiep" in key:
        return "counter"
    if key == "online" or "truc tuyen" in key:
        return "online"
    if key == "postal" or "buu chinh" in key:
        return "postal"
    return None


def parse_flag(value: Any, *, default: bool, what: str) -> bool:
    """1/0, yes/no, có/không, true/false; the default when empty."""
    if value is None:
        return default
    if isinstance(value, bool | int):
        return bool(value)
    key = fold(str(value))
    if not key:
        return default
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CatalogError(_("%(what)s không hợp lệ: “%(value)s”.") % {"what": what, "value": value})


def parse_count(value: Any, *, default: int, what: str) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    match = None if isinstance(value, bool) else re.search(r"\d+", str(value))
    if match is None or int(match.group()) > 32767:
        raise CatalogError(_("%(what)s không hợp lệ: “%(value)s”.") % {"what": what, "value": value})
    return int(match.group())

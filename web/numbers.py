"""Percentages and dates with a time, printed one way on every page (the ``vn`` template filters
``percent`` and ``date_time``; money is ``web.money``)."""

import functools
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, numberformat, timezone
from django.utils.formats import get_format

NONE = "–"


def format_percent(value: float | Decimal | None, *, digits: int = 1) -> str:
    """``96.25`` → ``96,3 %`` (Vietnamese) or ``96.3 %`` (English): one decimal, a no-break space
    before the sign; ``–`` for None."""
    if value is None or value == "":
        return NONE
    number = numberformat.format(
        Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP),
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=digits,
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    return f"{number}\u00a0%"


# Django's format letters that mean the same as a strftime directive for every language: the
# formats of hcc/formats use only these, so a list of 25 dates is 25 strftime calls instead of
# 25 walks of Django's DateFormat (a fifth of a staff list's Python time, issue 25).
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


@functools.lru_cache(maxsize=32)
def _strftime_pattern(django_format: str) -> str | None:
    """The strftime pattern of a Django date format, or None when it has a letter without one
    (then Django's own formatting is used)."""
    out = []
    escaped = False
    for char in django_format:
        if escaped:
            out.append(char.replace("%", "%%"))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in _STRFTIME:
            out.append(_STRFTIME[char])
        elif char.isalpha():
            return None
        else:
            out.append(char.replace("%", "%%"))
    return "".join(out)


def _format(value: datetime | date, name: str) -> str:
    django_format = get_format(name)
    pattern = _strftime_pattern(django_format)
    if pattern is None:
        return formats.date_format(value, name)
    return value.strftime(pattern)


def format_date_time(value: datetime | date | None) -> str:
    """A moment in local time as ``14:30 07/12/2026``; a plain date as ``07/12/2026``; "" for none."""
    if not value:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return _format(value, "SHORT_DATETIME_FORMAT")
    return _format(value, "SHORT_DATE_FORMAT")

"""Percentages and dates with a time, printed one way on every page (the ``vn`` template filters
``percent`` and ``date_time``; money is ``web.money``)."""

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


def format_date_time(value: datetime | date | None) -> str:
    """A moment in local time as ``14:30 07/12/2026``; a plain date as ``07/12/2026``; "" for none."""
    if not value:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    return formats.date_format(value, "SHORT_DATE_FORMAT")

"""Money in đồng, printed the way the active language groups digits: ``1.500.000 ₫``."""

from decimal import Decimal

from django.utils import numberformat
from django.utils.formats import get_format


def format_vnd(amount: int | Decimal | None) -> str:
    """Format an amount of đồng (whole đồng, no decimals) with the currency sign."""
    if amount is None:
        return ""
    value = int(Decimal(amount).quantize(Decimal(1)))
    grouped = numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=0,
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    return f"{grouped}\u00a0₫"

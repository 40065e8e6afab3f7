"""Money in đồng, the one place amounts are written for people: ``1.500.000 ₫`` on pages (grouped
the way the active language groups digits), ``1.500.000`` and Vietnamese words on papers."""

from decimal import Decimal

from django.utils.formats import get_format
from num2words import num2words


def group_digits(amount: int | Decimal, *, thousand_sep: str = ".") -> str:
    """``1234567`` → ``1.234.567``: Vietnamese grouping unless told otherwise (receipts and their
    messages are Vietnamese papers whatever the page's language)."""
    return f"{int(amount):,}".replace(",", thousand_sep)


def format_vnd(amount: int | Decimal | None) -> str:
    """Format an amount of đồng (whole đồng, no decimals) with the currency sign."""
    if amount is None:
        return ""
    value = int(Decimal(amount).quantize(Decimal(1)))
    return f"{group_digits(value, thousand_sep=get_format('THOUSAND_SEPARATOR'))}\u00a0₫"


def amount_in_words(amount: int) -> str:
    """``75000`` → ``Bảy mươi lăm nghìn đồng``."""
    words = f"{num2words(int(amount), lang='vi')} đồng"
    return words[0].upper() + words[1:]

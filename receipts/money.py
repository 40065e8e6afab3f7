"""Amounts as printed on a receipt: figures grouped ``1.234.567`` and Vietnamese words."""

from num2words import num2words


def amount_in_words(amount: int) -> str:
    """``75000`` → ``Bảy mươi lăm nghìn đồng``."""
    words = f"{num2words(int(amount), lang='vi')} đồng"
    return words[0].upper() + words[1:]


def group_digits(amount: int) -> str:
    """``1234567`` → ``1.234.567`` whatever the active language (receipts are Vietnamese papers)."""
    return f"{int(amount):,}".replace(",", ".")

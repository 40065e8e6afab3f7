from django import template

from web.money import group_digits

register = template.Library()


@register.filter
def digits(amount):
    """``{{ 1234567|digits }}`` → ``1.234.567`` (papers print ``… đồng``: the font has no ₫)."""
    if amount is None or amount == "":
        return ""
    return group_digits(amount)

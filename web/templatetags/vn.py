from django import template

from web.money import format_vnd

register = template.Library()


@register.filter
def vnd(amount):
    """``{{ fee.amount|vnd }}`` → ``1.500.000 ₫``."""
    return format_vnd(amount)

from django import template

from web.money import format_vnd
from web.numbers import format_date_time, format_percent

register = template.Library()


@register.filter
def vnd(amount):
    """``{{ fee.amount|vnd }}`` → ``1.500.000 ₫``."""
    return format_vnd(amount)


@register.filter
def date_time(value):
    """``{{ dossier.due_at|date_time }}`` → ``14:30 07/12/2026``: every date with a time on the
    pages, in local time (``SHORT_DATETIME_FORMAT`` of ``hcc/formats``). "" for none."""
    return format_date_time(value)


@register.filter
def percent(value):
    """``{{ rate|percent }}`` → ``96,3 %``: every percentage on the pages, one decimal, the
    language's decimal sign; "–" for none (no rate of nothing)."""
    return format_percent(value)

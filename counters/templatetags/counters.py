from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def minutes(seconds: float | None) -> str:
    """Seconds as minutes with one decimal (``4,5``); a dash when there is nothing to show."""
    if seconds is None:
        return "—"
    return number_format(seconds / 60, decimal_pos=1, use_l10n=True)

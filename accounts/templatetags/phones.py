from django import template

from accounts.phones import display_phone

register = template.Library()


@register.filter
def phone(value):
    """``{{ dossier.phone|phone }}`` → ``0912 345 678``: every phone number on the pages, from the
    stored ``+84…`` (``accounts.phones.display_phone``)."""
    return display_phone(value or "")

"""``{% once_token %}``: the hidden one-time token of a form whose post must take effect once
(``dossiers/once.py``). Put it next to ``{% csrf_token %}``; a builtin, no ``{% load %}`` needed."""

from django import template
from django.utils.html import format_html

from dossiers.once import FORM_FIELD, new_token

register = template.Library()


@register.simple_tag
def once_token() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, new_token())

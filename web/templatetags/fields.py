"""``{% load fields %}``: form fields in crispy-forms' Bootstrap 5 markup, rendered in Python
(``web.fields``)."""

from django import template

from web.fields import field_html, widget_html

register = template.Library()


@register.filter
def as_field(bound):
    """``{{ form.name|as_field }}``: the same HTML as ``{{ form.name|as_crispy_field }}``."""
    return field_html(bound)


@register.simple_tag
def field_widget(bound, css: str):
    """``{% field_widget form.name "form-control" %}``: the same HTML as
    ``{% crispy_field form.name 'class' 'form-control' %}``."""
    return widget_html(bound, css)

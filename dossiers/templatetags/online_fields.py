"""``{{ form.field|online_field }}``: a field of the citizen's online submission, the HTML of
crispy's ``as_crispy_field`` written in Python (``dossiers.forms.online_rendering``)."""

from django import template

from dossiers.forms.online_rendering import online_field as render_online_field

register = template.Library()


@register.filter
def online_field(bound):
    return render_online_field(bound)

from django import template

from accounts import vneid

register = template.Library()


@register.inclusion_tag("accounts/_vneid_button.html", takes_context=True)
def vneid_button(context):
    """ "Log in with VNeID", where the province connected its provider."""
    return {"enabled": vneid.enabled(), "next": context.get("next", "")}

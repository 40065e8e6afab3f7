"""A dossier's sync with the national portal, for the staff's dossier page
(``{% load national_sync %}{% dossier_national_sync dossier %}``): the dossier app's views need
not know this app."""

from django import template

from accounts.permissions import can
from dossiers.selectors import may_have
from national import selectors

register = template.Library()


@register.inclusion_tag("national/_dossier_sync.html", takes_context=True)
def dossier_national_sync(context, dossier):
    """The page that calls this has already checked that the user may see ``dossier``."""
    user = context["request"].user
    if not can(user, "national.view_sync"):
        return {"show": False}
    return {
        "show": True,
        "dossier": dossier,
        "messages": selectors.history_of(dossier) if may_have(dossier, "sync_messages") else [],
    }

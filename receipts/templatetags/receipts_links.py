"""Links to a dossier's printed papers, receipts and fee desk, for the dossier pages of other apps
(``{% load receipts_links %}{% dossier_papers dossier %}``): their views need not know this app."""

from django import template

from accounts.permissions import can
from receipts import selectors
from receipts.papers import papers_for
from receipts.services.fees import COLLECTABLE

register = template.Library()


@register.inclusion_tag("receipts/_dossier_papers.html", takes_context=True)
def dossier_papers(context, dossier, heading_level: int = 2):
    """The page that calls this has already checked that the user may see ``dossier``."""
    user = context["request"].user
    own_desk = user.is_superuser or user.agency_id == dossier.intake_office_id
    return {
        "dossier": dossier,
        "papers": papers_for(dossier) if can(user, "paper.view") else [],
        "receipts": selectors.receipts_of(dossier),
        "can_collect": can(user, "fee.collect") and own_desk and dossier.status in COLLECTABLE,
        "heading": f"h{heading_level}",
    }

"""The dossier's digitised papers and reused ones, for the dossier pages of other apps
(``{% load documents_links %}{% dossier_digitisation dossier %}``): their views need not know
this app."""

from django import template

from accounts.models import Role
from documents import ocr, selectors

register = template.Library()


@register.inclusion_tag("documents/_dossier_documents.html", takes_context=True)
def dossier_digitisation(context, dossier):
    """The page that calls this has already checked that the user may see ``dossier``."""
    user = context["request"].user
    found = selectors.digitisation_of(dossier)
    return {
        **found,
        "dossier": dossier,
        "desk_staff": user.role in (Role.CLERK, Role.POSTAL, Role.ADMIN) or user.is_superuser,
        "ocr_on": ocr.ocr_available(),
        "in_progress": any(row.in_progress for row in found["digitisations"]),
    }

"""The dossier page's online payment block: ``{% load payments_links %}{% dossier_payments dossier %}``."""

from django import template

from dossiers.selectors import may_have
from payments import selectors, services
from payments.gateway import Gateway
from receipts.services.fees import COLLECTABLE

register = template.Library()


@register.inclusion_tag("payments/_dossier_payments.html", takes_context=True)
def dossier_payments(context, dossier):
    user = context["request"].user
    return {
        "dossier": dossier,
        "payments": selectors.payments_of(dossier) if may_have(dossier, "online_payments") else [],
        "can_pay": Gateway.from_settings() is not None
        and dossier.status in COLLECTABLE
        and services.may_pay(user, dossier),
    }

"""What a procedure costs and how to pay it, for every page an applicant passes before and after
submitting (issue 18 item 3): ``{% load procedure_cost %}{% procedure_cost procedure %}``."""

from django import template
from django.conf import settings

from procedures.versioned import fees_of

register = template.Library()


@register.inclusion_tag("procedures/_cost.html")
def procedure_cost(procedure, heading_level: int = 2, compact: bool = False):
    """The procedure's fees (each with its note: exemptions and reductions as published), the
    total, and the ways to pay: at the desk, by transfer, or online when a gateway is set."""
    fees = fees_of(procedure)  # kept in the process per version of the procedure
    return {
        "fees": fees,
        "fee_total": sum(fee.amount for fee in fees),
        "has_exemptions": any(fee.note for fee in fees),
        "online_payment": bool(getattr(settings, "PAYMENT_GATEWAY_URL", "")),
        "heading": f"h{heading_level}",
        "compact": compact,
    }

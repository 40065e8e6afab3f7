"""Links to a dossier's printed papers, receipts and fee desk, for the dossier pages of other apps
(``{% load receipts_links %}{% dossier_papers dossier %}``): their views need not know this app."""

from django import template
from django.db.models import QuerySet

from accounts.permissions import can
from dossiers.models import FileKind
from dossiers.selectors import may_have
from receipts import selectors
from receipts.fee_lines import or_preview, with_paid
from receipts.models import FeeLine
from receipts.papers import papers_for
from receipts.services.fees import COLLECTABLE
from web import compiled

register = template.Library()


@register.inclusion_tag("receipts/_dossier_papers.html", takes_context=True)
def dossier_papers(context, dossier, heading_level: int = 2):
    """The page that calls this has already checked that the user may see ``dossier``."""
    user = context["request"].user
    own_desk = user.is_superuser or user.agency_id == dossier.intake_office_id
    # Read only: the lines are written when the dossier's fees are set, at its receipt.
    lines = or_preview(
        dossier,
        compiled.rows(("dossier_papers", "fee_lines"), _fee_lines, dossier.pk)
        if may_have(dossier, "fee_lines")
        else [],
    )
    due = [line for line in lines if not line.exempt and not getattr(line, "is_paid", False)]
    return {
        "dossier": dossier,
        "fee_lines": lines,
        "fees_due_total": sum(line.amount for line in due),
        "payable": dossier.status in COLLECTABLE and bool(due),
        "papers": papers_for(dossier) if can(user, "paper.view") else [],
        "receipts": selectors.receipts_of(dossier) if may_have(dossier, "receipts") else [],
        "can_collect": can(user, "fee.collect") and own_desk and dossier.status in COLLECTABLE,
        "heading": f"h{heading_level}",
        **_results(user, dossier),
    }


def _fee_lines(dossier_id: int) -> QuerySet[FeeLine]:
    """The dossier's fee lines with ``is_paid`` and their owner, in order (by id: the model's own
    order sorts by the dossier, which joins the dossiers, every year's partition)."""
    return with_paid(FeeLine.objects.filter(dossier_id=dossier_id).select_related("owner").order_by("id"))


def _results(user, dossier) -> dict:
    """The dossier's signed results, and for staff the result PDFs not signed yet."""
    signed = (
        selectors.signed_results_of(dossier)
        if dossier.result_ready_at and may_have(dossier, "signed_papers")
        else []
    )
    unsigned = []
    if dossier.result_ready_at and user.is_staff_member:
        done = {paper.source_file_id for paper in signed}
        unsigned = [
            f
            for f in dossier.files.all()
            if f.kind == FileKind.RESULT and f.content_type == "application/pdf" and f.pk not in done
        ]
    return {"signed_results": signed, "unsigned_results": unsigned}

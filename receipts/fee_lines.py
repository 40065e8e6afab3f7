"""Reads of a dossier's fee lines (selectors; ``selectors.py`` imports the papers that read these).

The lines are written by ``services.fees.fee_lines_set`` when the dossier's fees are set: at its
receipt, before anything is collected. Nothing here writes."""

from django.db.models import Exists, OuterRef, QuerySet

from dossiers.models import Dossier
from dossiers.workflow import Status
from receipts.models import FeeLine, ReceiptLine

# Fees are collected at intake or at any time before the result is returned.
COLLECTABLE = frozenset(
    {
        Status.RECEIVED,
        Status.PROCESSING,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
        Status.RESULT_READY,
    }
)


def with_paid(queryset: QuerySet[FeeLine]) -> QuerySet[FeeLine]:
    """``queryset`` with ``is_paid``: a receipt that is not cancelled holds the line."""
    paid = ReceiptLine.objects.filter(fee_line=OuterRef("pk"), receipt__cancellation__isnull=True)
    return queryset.annotate(is_paid=Exists(paid))


def fee_lines_preview(dossier: Dossier) -> list[FeeLine]:
    """The lines the dossier's fees would be set to (its procedure's fees), unsaved: what a dossier
    whose fees were never set shows (submitted online and not yet received, or closed before fee
    lines were written at receipt, issue 23)."""
    lines = [
        FeeLine(
            name=fee.name,
            kind=fee.kind,
            amount=fee.amount,
            owner_id=fee.owner_id or dossier.resolving_agency_id,
        )
        for fee in dossier.procedure.fees.all()
    ]
    for line in lines:
        line.is_paid = False
    return lines


def or_preview(dossier: Dossier, lines: list[FeeLine]) -> list[FeeLine]:
    """``lines`` (the dossier's own), or the preview for a dossier whose fees were never set and
    that is not open to collection. A dossier open to collection owes what was set at its receipt:
    none if its procedure had no fees then, whatever was added to the catalog later."""
    if lines or dossier.status in COLLECTABLE:
        return lines
    return fee_lines_preview(dossier)


def fee_lines_for(dossier: Dossier) -> list[FeeLine]:
    """The dossier's fee lines, each with ``is_paid`` (``or_preview`` when it has none)."""
    # by id: the model's own order sorts by the dossier, which joins the dossiers (every partition)
    lines = list(
        with_paid(FeeLine.objects.filter(dossier=dossier)).select_related("exempted_by").order_by("id")
    )
    return or_preview(dossier, lines)

"""A dossier's fee lines: the snapshot of its procedure's fees, exemptions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import require
from dossiers.locks import dossier_lock
from dossiers.models import Dossier
from dossiers.workflow import Status
from receipts.models import FeeLine, ReceiptLine


class ReceiptError(ValidationError):
    """Bad input for a fee or receipt action: nothing was changed."""


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


def _lock(dossier: Dossier) -> Dossier:
    return dossier_lock(dossier, related=("procedure", "intake_office"))


def _snapshot(dossier: Dossier) -> None:
    """Copy the procedure's fees once. The caller holds the dossier's row lock. A financial
    obligation (``dossiers.FinancialObligation``) is never a fee line: it is paid to the State
    Treasury on the tax authority's notice, not on the center's receipt."""
    if not dossier.fee_lines.exists():
        FeeLine.objects.bulk_create(
            [
                FeeLine(
                    dossier=dossier,
                    fee=fee,
                    name=fee.name,
                    kind=fee.kind,
                    amount=fee.amount,
                    owner_id=fee.owner_id or dossier.resolving_agency_id,
                )
                for fee in dossier.procedure.fees.all()
            ]
        )


def _with_paid(qs):
    paid = ReceiptLine.objects.filter(fee_line=OuterRef("pk"), receipt__cancellation__isnull=True)
    return qs.annotate(is_paid=Exists(paid))


@transaction.atomic
def fee_lines_for(dossier: Dossier) -> list[FeeLine]:
    """The dossier's fee lines (taken from its procedure the first time), each with ``is_paid``.
    Idempotent: the snapshot is written once, under the dossier's row lock."""
    if not FeeLine.objects.filter(dossier=dossier).exists():
        _snapshot(_lock(dossier))
    return list(_with_paid(FeeLine.objects.filter(dossier=dossier)).select_related("exempted_by"))


def fees_due(lines: list[FeeLine]) -> list[FeeLine]:
    return [line for line in lines if not line.exempt and not line.is_paid]


@transaction.atomic
def fee_line_exempt(*, actor: User, line: FeeLine, reason: str) -> FeeLine:
    """A clerk records that the applicant is exempt from a fee line, with the reason."""
    require(actor, "fee.exempt")
    reason = (reason or "").strip()
    if not reason:
        raise ReceiptError({"reason": [_("Vui lòng nêu lý do miễn.")]})
    dossier = _lock(line.dossier)
    if not actor.is_superuser and actor.agency_id != dossier.intake_office_id:
        raise ReceiptError(_("Hồ sơ này không thuộc cơ quan của bạn."))
    line = _with_paid(FeeLine.objects.select_for_update(of=("self",))).get(pk=line.pk)
    if line.is_paid:
        raise ReceiptError(_("Khoản này đã thu, không thể miễn: hãy hủy biên lai trước."))
    if line.exempt:
        raise ReceiptError(_("Khoản này đã được miễn."))
    line.exempt = True
    line.exempt_reason = reason
    line.exempted_by = actor
    line.exempted_at = timezone.now()
    line.save(update_fields=["exempt", "exempt_reason", "exempted_by", "exempted_at"])
    return line

"""A dossier's fee lines: the snapshot of its procedure's fees, obligations asked for by a
reviewer, exemptions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import require
from dossiers.models import Dossier, Event
from dossiers.workflow import Action, Status
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
    return Dossier.objects.select_for_update().select_related("procedure", "intake_office").get(pk=dossier.pk)


def _snapshot(dossier: Dossier) -> None:
    """Copy the procedure's fees once, and the latest financial obligation asked for while the
    dossier awaits payment. The caller holds the dossier's row lock."""
    if not dossier.fee_lines.filter(source_event__isnull=True).exists():
        FeeLine.objects.bulk_create(
            [
                FeeLine(dossier=dossier, fee=fee, name=fee.name, kind=fee.kind, amount=fee.amount)
                for fee in dossier.procedure.fees.all()
            ]
        )
    if dossier.status == Status.AWAITING_PAYMENT:
        event = (
            Event.objects.filter(dossier=dossier, action=Action.REQUEST_PAYMENT)
            .order_by("-at", "-id")
            .first()
        )
        amount = int((event.data or {}).get("amount") or 0) if event else 0
        if event and amount > 0 and not FeeLine.objects.filter(source_event=event).exists():
            name = _("Nghĩa vụ tài chính")
            FeeLine.objects.create(
                dossier=dossier,
                source_event=event,
                name=f"{name}: {event.note}"[:500] if event.note else name,
                kind="charge",
                amount=amount,
            )


def _with_paid(qs):
    paid = ReceiptLine.objects.filter(fee_line=OuterRef("pk"), receipt__cancellation__isnull=True)
    return qs.annotate(is_paid=Exists(paid))


@transaction.atomic
def fee_lines_for(dossier: Dossier) -> list[FeeLine]:
    """The dossier's fee lines (taken from its procedure the first time), each with ``is_paid``.
    Idempotent: the snapshot is written once, under the dossier's row lock."""
    if not FeeLine.objects.filter(dossier=dossier).exists() or dossier.status == Status.AWAITING_PAYMENT:
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

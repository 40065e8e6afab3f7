"""A dossier's fee lines: the snapshot of its procedure's fees, set when the dossier is received
(``fee_lines_set``, called through ``receipts.extension.FeeLines``), exemptions. Reads are in
``receipts.fee_lines``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import require
from dossiers.locks import dossier_lock, dossiers_for_update
from dossiers.models import Dossier
from procedures.models import Fee
from receipts.fee_lines import COLLECTABLE
from receipts.fee_lines import with_paid as _with_paid
from receipts.models import FeeLine


class ReceiptError(ValidationError):
    """Bad input for a fee or receipt action: nothing was changed."""


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


@transaction.atomic
def fee_lines_set(*, dossier: Dossier) -> list[FeeLine]:
    """Set the dossier's fees: its fee lines copied from its procedure's fees, once, under the
    dossier's row lock. Called when the dossier is received (``receipts.extension.FeeLines``, in
    the receiving transaction); idempotent. Returns the lines, each with ``is_paid``."""
    _snapshot(_lock(dossier))
    lines = _with_paid(FeeLine.objects.filter(dossier=dossier)).select_related("exempted_by")
    return list(lines.order_by("id"))  # not the model's order: it joins the dossiers to sort


def fee_lines_backfill(*, batch_size: int = 2_000) -> int:
    """Set the fees of the dossiers still open to collection that have none: those written in bulk
    outside the services (the history import, the demo's history). Each batch is locked like one
    dossier (``dossiers.locks``) and checked again under the lock. Returns the lines written."""
    missing = (
        Dossier.objects.filter(status__in=COLLECTABLE, received_at__isnull=False)
        .exclude(Exists(FeeLine.objects.filter(dossier=OuterRef("pk"))))
        .filter(Exists(Fee.objects.filter(procedure=OuterRef("procedure_id"))))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids, written = list(missing), 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            locked = dossiers_for_update(Dossier.objects.filter(pk__in=chunk).order_by("pk"))
            rows = list(
                locked.exclude(Exists(FeeLine.objects.filter(dossier=OuterRef("pk")))).values_list(
                    "pk", "procedure_id", "resolving_agency_id"
                )
            )
            fees: dict[int, list[Fee]] = {}
            for fee in Fee.objects.filter(procedure_id__in={procedure for _pk, procedure, _a in rows}):
                fees.setdefault(fee.procedure_id, []).append(fee)
            lines = [
                FeeLine(
                    dossier_id=pk,
                    fee=fee,
                    name=fee.name,
                    kind=fee.kind,
                    amount=fee.amount,
                    owner_id=fee.owner_id or agency_id,
                )
                for pk, procedure_id, agency_id in rows
                for fee in fees.get(procedure_id, [])
            ]
            written += len(FeeLine.objects.bulk_create(lines, batch_size=1_000))
    return written


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

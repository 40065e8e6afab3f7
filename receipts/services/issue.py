"""Issuing, cancelling and replacing fee receipts, numbered without gaps within their series."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import require
from dossiers.models import Dossier
from procedures.models import Agency
from receipts import rollup
from receipts.models import PaymentMethod, Receipt, ReceiptCancellation, ReceiptLine, ReceiptSeries
from receipts.services.fees import COLLECTABLE, ReceiptError, _lock, _with_paid, fees_due


@dataclass
class Payer:
    name: str
    address: str = ""
    tax_code: str = ""  # tax code (mã số thuế) or personal ID number


def _series_for(owner: Agency, desk: Agency) -> ReceiptSeries:
    """The series a receipt for ``owner``'s fees takes at ``desk``, locked for the bump: the owner's
    own series at that desk (the center collects on its behalf, thu hộ), else the desk's own
    series, else the default one from the settings."""
    row = (
        ReceiptSeries.objects.filter(agency=owner, desk=desk, is_active=True).first()
        or ReceiptSeries.objects.filter(agency=desk, desk__isnull=True, is_active=True).first()
    )
    if row is None:
        row, _created = ReceiptSeries.objects.get_or_create(
            agency=None,
            desk=None,
            is_active=True,
            defaults={
                "template_code": settings.HCC_RECEIPT_TEMPLATE_CODE,
                "series": settings.HCC_RECEIPT_SERIES,
            },
        )
    return ReceiptSeries.objects.select_for_update().get(pk=row.pk)


def _check_payment(payer: Payer, method: str, transaction_ref: str) -> tuple[Payer, str]:
    errors = {}
    payer = Payer(
        name=(payer.name or "").strip(),
        address=(payer.address or "").strip(),
        tax_code=(payer.tax_code or "").strip(),
    )
    if not payer.name:
        errors["payer_name"] = [_("Vui lòng ghi tên người nộp tiền.")]
    if method not in PaymentMethod.values:
        errors["method"] = [_("Hình thức thanh toán không hợp lệ.")]
    transaction_ref = (transaction_ref or "").strip()
    if method != PaymentMethod.CASH and not transaction_ref:
        errors["transaction_ref"] = [
            _("Chuyển khoản và thanh toán trực tuyến cần mã giao dịch của ngân hàng hoặc cổng thanh toán.")
        ]
    if errors:
        raise ReceiptError(errors)
    return payer, transaction_ref


def _collector_check(actor: User, dossier: Dossier) -> None:
    require(actor, "fee.collect")
    if not actor.is_superuser and actor.agency_id != dossier.intake_office_id:
        raise ReceiptError(_("Hồ sơ này không thuộc cơ quan của bạn."))
    if dossier.status not in COLLECTABLE:
        raise ReceiptError(
            _("Không thu phí khi hồ sơ ở trạng thái “%(status)s”.") % {"status": dossier.get_status_display()}
        )


def _chosen(dossier: Dossier, line_ids: list[int] | None):
    lines = list(_with_paid(dossier.fee_lines.select_related("owner")))
    due = fees_due(lines)
    if line_ids is not None:
        wanted = set(line_ids)
        chosen = [line for line in due if line.pk in wanted]
        if len(chosen) != len(wanted):
            raise ReceiptError({"lines": [_("Có khoản đã thu, đã miễn hoặc không thuộc hồ sơ này.")]})
    else:
        chosen = due
    if not chosen:
        raise ReceiptError({"lines": [_("Không còn khoản phí, lệ phí nào phải thu.")]})
    return chosen


def _by_owner(lines) -> list[list]:
    groups: dict[int, list] = {}
    for line in lines:
        groups.setdefault(line.owner_id, []).append(line)
    return list(groups.values())


def _issue(
    *,
    actor: User,
    dossier: Dossier,
    payer: Payer,
    method: str,
    transaction_ref: str,
    chosen: list,
    replaces: Receipt | None = None,
) -> Receipt:
    """One receipt for ``chosen`` lines, all of one owner, in the series of that owner at the
    dossier's desk (``_series_for``), counted in the receipts' sums (``receipts.rollup``)."""
    owner = chosen[0].owner
    desk = dossier.intake_office
    series = _series_for(owner, desk)
    series.last_number += 1
    series.save(update_fields=["last_number"])
    receipt = Receipt.objects.create(
        dossier=dossier,
        series=series,
        template_code=series.template_code,
        series_code=series.series,
        number=series.last_number,
        token=secrets.token_urlsafe(24),
        payer_name=payer.name,
        payer_address=payer.address,
        payer_tax_code=payer.tax_code,
        method=method,
        transaction_ref=transaction_ref,
        total=sum(line.amount for line in chosen),
        agency=desk,
        owner=owner,
        collector=actor,
        issued_at=timezone.now(),
        replaces=replaces,
    )
    ReceiptLine.objects.bulk_create(
        [
            ReceiptLine(receipt=receipt, fee_line=line, name=line.name, kind=line.kind, amount=line.amount)
            for line in chosen
        ]
    )
    rollup.add(receipt, n=1, total=receipt.total)
    return receipt


@transaction.atomic
def receipt_issue(
    *,
    actor: User,
    dossier: Dossier,
    payer: Payer,
    method: str = PaymentMethod.CASH,
    transaction_ref: str = "",
    line_ids: list[int] | None = None,
) -> Receipt:
    """Collect the fee lines ``line_ids`` (default: everything still due), all of one owning
    agency, and issue a receipt with the next number of that owner's series at this desk (else
    the desk's own). A financial obligation is never collected here
    (``dossiers.services.dossier_confirm_payment`` records its proof)."""
    receipts = receipts_issue(
        actor=actor,
        dossier=dossier,
        payer=payer,
        method=method,
        transaction_ref=transaction_ref,
        line_ids=line_ids,
        one_owner=True,
    )
    return receipts[0]


@transaction.atomic
def receipts_issue(
    *,
    actor: User,
    dossier: Dossier,
    payer: Payer,
    method: str = PaymentMethod.CASH,
    transaction_ref: str = "",
    line_ids: list[int] | None = None,
    one_owner: bool = False,
) -> list[Receipt]:
    """Collect the fee lines ``line_ids`` (default: everything still due) in one payment: one
    receipt per owning agency, each in that owner's series (the center collects on behalf of
    each department, which gets its own receipts and its own monthly transfer)."""
    payer, transaction_ref = _check_payment(payer, method, transaction_ref)
    dossier = _lock(dossier)
    _collector_check(actor, dossier)
    groups = _by_owner(_chosen(dossier, line_ids))
    if one_owner and len(groups) > 1:
        raise ReceiptError(
            {"lines": [_("Các khoản thuộc nhiều cơ quan khác nhau: mỗi cơ quan một biên lai.")]}
        )
    return [
        _issue(
            actor=actor,
            dossier=dossier,
            payer=payer,
            method=method,
            transaction_ref=transaction_ref,
            chosen=chosen,
        )
        for chosen in groups
    ]


@transaction.atomic
def receipts_issue_paid_online(
    *, collector: User, dossier: Dossier, payer: Payer, transaction_ref: str, line_ids: list[int]
) -> list[Receipt]:
    """The receipts of a payment a gateway confirmed (``payments``): the money is already taken,
    so no clerk's permission is asked; the dossier must still take fees and every line must still
    be due (else ReceiptError, and nothing is issued). One receipt per owning agency."""
    payer, transaction_ref = _check_payment(payer, PaymentMethod.ONLINE, transaction_ref)
    dossier = _lock(dossier)
    if dossier.status not in COLLECTABLE:
        raise ReceiptError(
            _("Không thu phí khi hồ sơ ở trạng thái “%(status)s”.") % {"status": dossier.get_status_display()}
        )
    return [
        _issue(
            actor=collector,
            dossier=dossier,
            payer=payer,
            method=PaymentMethod.ONLINE,
            transaction_ref=transaction_ref,
            chosen=chosen,
        )
        for chosen in _by_owner(_chosen(dossier, line_ids))
    ]


def _cancel(*, actor: User, receipt: Receipt, reason: str) -> ReceiptCancellation:
    require(actor, "receipt.cancel")
    reason = (reason or "").strip()
    if not reason:
        raise ReceiptError({"reason": [_("Vui lòng nêu lý do hủy biên lai.")]})
    if not actor.is_superuser and actor.agency_id != receipt.agency_id:
        raise ReceiptError(_("Biên lai này không do cơ quan của bạn phát hành."))
    if ReceiptCancellation.objects.filter(receipt=receipt).exists():
        raise ReceiptError(_("Biên lai này đã bị hủy."))
    cancellation = ReceiptCancellation.objects.create(
        receipt=receipt, reason=reason, cancelled_by=actor, cancelled_at=timezone.now()
    )
    # no longer a valid receipt of its issue day (its gateway payment, if any, stays PAID)
    rollup.add(receipt, n=-1, total=-receipt.total, gateway_n=-int(rollup.is_gateway_paid(receipt)))
    return cancellation


@transaction.atomic
def receipt_cancel(*, actor: User, receipt: Receipt, reason: str) -> ReceiptCancellation:
    """Cancel an issued receipt (a mistake), with the reason. Its fee lines are due again."""
    _lock(receipt.dossier)
    return _cancel(actor=actor, receipt=receipt, reason=reason)


@transaction.atomic
def receipt_replace(
    *,
    actor: User,
    receipt: Receipt,
    reason: str,
    payer: Payer,
    method: str = PaymentMethod.CASH,
    transaction_ref: str = "",
) -> Receipt:
    """Cancel ``receipt`` and issue, in the same transaction, a new receipt for the same fee lines
    that refers to it (the corrected payer or payment details)."""
    payer, transaction_ref = _check_payment(payer, method, transaction_ref)
    dossier = _lock(receipt.dossier)
    _cancel(actor=actor, receipt=receipt, reason=reason)
    require(actor, "fee.collect")
    chosen = _chosen(dossier, list(receipt.lines.values_list("fee_line_id", flat=True)))
    return _issue(
        actor=actor,
        dossier=dossier,
        payer=payer,
        method=method,
        transaction_ref=transaction_ref,
        chosen=chosen,
        replaces=receipt,
    )

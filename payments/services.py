"""Online payment: start a payment (the signed redirect to the gateway), confirm it from the
gateway's IPN callback or from its query API, once. A confirmed payment issues the receipts
through ``receipts``; a callback that is not ours (bad signature, other merchant, unknown or
replayed reference, wrong amount) writes nothing and is logged."""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from dossiers.locks import dossier_lock
from dossiers.models import Dossier
from payments import protocol
from payments.gateway import Gateway, GatewayError
from payments.models import Payment, PaymentStatus
from receipts import rollup as receipt_rollup
from receipts import services as receipt_services
from receipts.fee_lines import fee_lines_for
from receipts.services import Payer, ReceiptError
from receipts.services.fees import COLLECTABLE

log = logging.getLogger("payments")

GATEWAY_USERNAME = "cong-thanh-toan"  # the collector named on receipts paid online


class PaymentError(ValidationError):
    """Bad input for a payment: nothing was written."""


@dataclass(frozen=True)
class Started:
    payment: Payment
    redirect_url: str


def _now() -> datetime:
    return timezone.now()


def _gateway() -> Gateway:
    gateway = Gateway.from_settings()
    if gateway is None:
        raise PaymentError(_("Chưa cấu hình cổng thanh toán trực tuyến."))
    return gateway


def _order_info(dossier: Dossier) -> str:
    # plain ASCII: some gateways refuse diacritics in vnp_OrderInfo
    return f"Thanh toan phi, le phi ho so {dossier.code}"


def _new_ref(now: datetime) -> str:
    return f"{timezone.localtime(now):%y%m%d}{secrets.token_hex(5).upper()}"


def may_pay(user, dossier: Dossier) -> bool:
    """The applicant pays their own dossier online; a clerk of the intake office may start it for
    them (at the desk, on the applicant's phone)."""
    if dossier.applicant_user_id is not None and dossier.applicant_user_id == user.id:
        return True
    return user.role == Role.CLERK and user.agency_id == dossier.intake_office_id


@transaction.atomic
def payment_start(*, actor: User, dossier: Dossier, client_ip: str = "") -> Started:
    """Record a pending payment of everything the dossier still owes and return the gateway's
    signed payment address (amount in đồng × 100)."""
    gateway = _gateway()
    dossier = dossier_lock(dossier, related=("intake_office",))
    if not may_pay(actor, dossier):
        raise PaymentError(_("Bạn không thanh toán được cho hồ sơ này."))
    if dossier.status not in COLLECTABLE:
        raise PaymentError(
            _("Không thanh toán khi hồ sơ ở trạng thái “%(status)s”.")
            % {"status": dossier.get_status_display()}
        )
    due = receipt_services.fees_due(fee_lines_for(dossier))
    amount = sum(line.amount for line in due)
    if amount <= 0:
        raise PaymentError(_("Hồ sơ không còn khoản phí, lệ phí nào phải nộp."))
    now = _now()
    payment = Payment.objects.create(
        dossier=dossier,
        txn_ref=_new_ref(now),
        merchant_code=gateway.merchant_code,
        amount=amount,
        line_ids=[line.pk for line in due],
        payer_name=dossier.organisation_name or dossier.applicant_name,
        created_by=actor,
        created_at=now,
    )
    url = gateway.payment_url(
        txn_ref=payment.txn_ref,
        amount=amount,
        order_info=_order_info(dossier),
        return_url=settings.HCC_SITE_URL.rstrip("/") + reverse("payments:return"),
        client_ip=client_ip,
        created=now,
        expires=now + timedelta(minutes=settings.PAYMENT_EXPIRE_MINUTES),
    )
    return Started(payment=payment, redirect_url=url)


def _collector(office) -> User:
    """The collector named on receipts paid online at ``office``: an account of that office that
    cannot log in (staff must belong to an agency)."""
    user, _created = User.objects.get_or_create(
        username=f"{GATEWAY_USERNAME}-{office.code}".lower()[:150],
        defaults={
            "full_name": "Cổng thanh toán trực tuyến",
            "role": Role.CLERK,
            "agency": office,
            "is_active": False,
        },
    )
    return user


def _apply(payment: Payment, fields: dict, *, source: str) -> None:
    """Record the gateway's verdict on the (locked, pending) payment; a success issues the receipts."""
    now = _now()
    payment.response_code = str(fields.get("vnp_ResponseCode") or fields.get("vnp_TransactionStatus") or "")[
        :4
    ]
    payment.gateway_transaction_no = str(fields.get("vnp_TransactionNo") or "")[:40]
    payment.bank_code = str(fields.get("vnp_BankCode") or "")[:20]
    payment.confirmed_at = now
    payment.confirmed_by = source
    paid = fields.get("vnp_TransactionStatus") == protocol.SUCCESS and (
        source == "query" or fields.get("vnp_ResponseCode") == protocol.SUCCESS
    )
    if not paid:
        payment.status = PaymentStatus.FAILED
        payment.save()
        return
    dossier = payment.dossier
    try:
        with transaction.atomic():
            receipts = receipt_services.receipts_issue_paid_online(
                collector=_collector(dossier.intake_office),
                dossier=dossier,
                payer=Payer(name=payment.payer_name, address=dossier.address, tax_code=dossier.tax_code),
                transaction_ref=payment.gateway_transaction_no or payment.txn_ref,
                line_ids=payment.line_ids,
            )
    except ReceiptError as exc:
        payment.status = PaymentStatus.REVIEW
        payment.note = " ".join(exc.messages)[:500]
        payment.save()
        log.warning("payment %s paid but no receipt issued: %s", payment.txn_ref, payment.note)
        return
    payment.status = PaymentStatus.PAID
    payment.save()
    payment.receipts.add(*receipts)
    for receipt in receipts:  # now paid through the gateway, in the receipts' sums too
        receipt_rollup.add(receipt, gateway_n=1)


def payment_confirm_ipn(params: dict) -> tuple[str, str]:
    """The gateway's IPN: (RspCode, Message) to answer. Idempotent on the transaction reference:
    the payment row is locked, so concurrent duplicate callbacks issue one set of receipts."""
    gateway = Gateway.from_settings()
    ref = str(params.get("vnp_TxnRef", ""))
    if gateway is None or not gateway.verify(params):
        log.warning("IPN refused: invalid signature (ref %s)", ref[:40])
        return protocol.INVALID_SIGNATURE
    if params.get("vnp_TmnCode") != gateway.merchant_code:
        log.warning("IPN refused: other merchant %s (ref %s)", str(params.get("vnp_TmnCode"))[:20], ref[:40])
        return protocol.INVALID_SIGNATURE
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("dossier__intake_office")
            .filter(txn_ref=ref)
            .first()
        )
        if payment is None:
            log.warning("IPN refused: unknown reference %s", ref[:40])
            return protocol.NOT_FOUND
        if protocol.amount_from_gateway(params.get("vnp_Amount")) != payment.amount:
            log.warning(
                "IPN refused: amount %s for %s (%s đồng)", params.get("vnp_Amount"), ref, payment.amount
            )
            return protocol.INVALID_AMOUNT
        if payment.status != PaymentStatus.PENDING:
            log.info("IPN replayed for %s (already %s)", ref, payment.status)
            return protocol.ALREADY_CONFIRMED
        _apply(payment, params, source="ipn")
    return protocol.CONFIRMED


def payment_check(*, payment: Payment) -> str:
    """Ask the gateway about a pending payment (``querydr``) and record its answer; the status."""
    gateway = _gateway()
    now = _now()
    try:
        answer = gateway.query(
            txn_ref=payment.txn_ref,
            order_info=_order_info(payment.dossier),
            created=payment.created_at,
            client_ip="127.0.0.1",
            now=now,
        )
    except GatewayError as exc:
        log.warning("querydr for %s failed: %s", payment.txn_ref, exc)
        return payment.status
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("dossier__intake_office")
            .get(pk=payment.pk)
        )
        if payment.status != PaymentStatus.PENDING:
            return payment.status
        payment.last_checked_at = now
        code = answer.get("vnp_ResponseCode")
        if code == "00" and protocol.amount_from_gateway(answer.get("vnp_Amount")) != payment.amount:
            log.warning("querydr for %s: amount %s differs", payment.txn_ref, answer.get("vnp_Amount"))
            payment.save(update_fields=["last_checked_at"])
        elif code == "00" and answer.get("vnp_TransactionStatus") in (protocol.SUCCESS, "02"):
            _apply(payment, answer, source="query")
        elif code == "91" and now - payment.created_at > timedelta(minutes=settings.PAYMENT_EXPIRE_MINUTES):
            # never reached the gateway's pay page, and its time is over
            payment.status = PaymentStatus.FAILED
            payment.response_code = "91"
            payment.confirmed_at = now
            payment.confirmed_by = "query"
            payment.save()
        else:
            payment.save(update_fields=["last_checked_at"])
        return payment.status


def payments_check_pending(*, older_than: timedelta | None = None) -> dict[str, int]:
    """Every pending payment started more than ``older_than`` ago (no callback yet) is checked
    with the gateway's query API. Run by Celery beat."""
    older_than = (
        older_than if older_than is not None else timedelta(minutes=settings.PAYMENT_CHECK_AFTER_MINUTES)
    )
    counts: dict[str, int] = {}
    pending = Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lte=_now() - older_than)
    for payment in pending.select_related("dossier").order_by("created_at")[:500]:
        status = payment_check(payment=payment)
        counts[status] = counts.get(status, 0) + 1
    return counts

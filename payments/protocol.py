"""The payment gateway protocol (VNPAY's published one, version 2.1.0), shared by our adapter and
by the loopback gateway server that tests and the demo talk to. Pure functions, no Django.

- Payment URL: the parameters ``vnp_*`` sorted by name, each name and value URL-encoded
  (``quote_plus``), joined with ``&``; ``vnp_SecureHash`` is the HMAC-SHA512 (hex) of that string
  with the merchant's secret. ``vnp_Amount`` is the amount in đồng × 100; ``vnp_ExpireDate``
  (GMT+7, ``yyyyMMddHHmmss``) is when the pay page stops taking the payment.
- Return URL and IPN: the gateway sends ``vnp_*`` parameters signed the same way (without
  ``vnp_SecureHash`` and ``vnp_SecureHashType``); the IPN is answered with JSON
  ``{"RspCode": ..., "Message": ...}``.
- Query (``querydr``): a JSON POST whose ``vnp_SecureHash`` is the HMAC-SHA512 of the fields
  joined with ``|`` in a fixed order; the answer is signed the same way.
"""

import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_plus

VERSION = "2.1.0"
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
GATEWAY_TZ = timezone(timedelta(hours=7))  # the gateway's clock: GMT+7, yyyyMMddHHmmss

# IPN answers
CONFIRMED = ("00", "Confirm Success")
NOT_FOUND = ("01", "Order not found")
ALREADY_CONFIRMED = ("02", "Order already confirmed")
INVALID_AMOUNT = ("04", "invalid amount")
INVALID_SIGNATURE = ("97", "Invalid signature")
UNKNOWN_ERROR = ("99", "Unknown error")

# vnp_ResponseCode / vnp_TransactionStatus "00": paid.
SUCCESS = "00"

QUERY_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)


def gateway_time(moment: datetime) -> str:
    return moment.astimezone(GATEWAY_TZ).strftime("%Y%m%d%H%M%S")


def parse_gateway_time(text) -> datetime | None:
    """``yyyyMMddHHmmss`` in GMT+7 (``vnp_CreateDate``, ``vnp_ExpireDate``); None when malformed."""
    try:
        return datetime.strptime(str(text or ""), "%Y%m%d%H%M%S").replace(tzinfo=GATEWAY_TZ)
    except ValueError:
        return None


def _hmac(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode("utf-8"), hashlib.sha512).hexdigest()


def canonical(params: dict) -> str:
    """The signed string: every ``vnp_`` parameter but the hash ones, non-empty, sorted by name."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in HASH_FIELDS and value not in (None, "")
    )
    return "&".join(f"{quote_plus(key)}={quote_plus(value)}" for key, value in items)


def sign(params: dict, secret: str) -> str:
    return _hmac(secret, canonical(params))


def signed(params: dict, secret: str) -> dict:
    return {**params, "vnp_SecureHash": sign(params, secret)}


def verify(params: dict, secret: str) -> bool:
    given = str(params.get("vnp_SecureHash", "")).lower()
    return bool(given) and hmac.compare_digest(given, sign(params, secret))


def query_string(params: dict) -> str:
    """The URL's query: the signed canonical string plus the hash."""
    return f"{canonical(params)}&vnp_SecureHash={params['vnp_SecureHash']}"


def piped_hash(params: dict, fields: tuple[str, ...], secret: str) -> str:
    return _hmac(secret, "|".join(str(params.get(name, "")) for name in fields))


def amount_to_gateway(dong: int) -> str:
    return str(int(dong) * 100)


def amount_from_gateway(value) -> int | None:
    """đồng from ``vnp_Amount``; None when it is not a whole number of đồng × 100."""
    text = str(value or "")
    if not text.isdigit() or int(text) % 100:
        return None
    return int(text) // 100

"""The adapter to the payment gateway, configured from the environment: build the signed payment
URL, check a callback's signature, ask the gateway about a transaction (``querydr``)."""

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from payments import protocol


class GatewayError(Exception):
    """The gateway could not be reached or answered something we cannot trust."""


@dataclass(frozen=True)
class Gateway:
    pay_url: str
    query_url: str
    merchant_code: str
    secret: str
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> "Gateway | None":
        if not (
            settings.PAYMENT_GATEWAY_URL and settings.PAYMENT_MERCHANT_CODE and settings.PAYMENT_HASH_SECRET
        ):
            return None
        return cls(
            pay_url=settings.PAYMENT_GATEWAY_URL,
            query_url=settings.PAYMENT_QUERY_URL,
            merchant_code=settings.PAYMENT_MERCHANT_CODE,
            secret=settings.PAYMENT_HASH_SECRET,
            timeout=settings.PAYMENT_GATEWAY_TIMEOUT,
        )

    def payment_url(
        self,
        *,
        txn_ref: str,
        amount: int,
        order_info: str,
        return_url: str,
        client_ip: str,
        created: datetime,
        expires: datetime,
    ) -> str:
        params = {
            "vnp_Version": protocol.VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.merchant_code,
            "vnp_Amount": protocol.amount_to_gateway(amount),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": order_info,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": protocol.gateway_time(created),
            "vnp_ExpireDate": protocol.gateway_time(expires),
        }
        return f"{self.pay_url}?{protocol.query_string(protocol.signed(params, self.secret))}"

    def verify(self, params: dict) -> bool:
        return protocol.verify(params, self.secret)

    def query(
        self, *, txn_ref: str, order_info: str, created: datetime, client_ip: str, now: datetime
    ) -> dict:
        """The gateway's record of ``txn_ref`` (``querydr``), its signature checked."""
        body = {
            "vnp_RequestId": secrets.token_hex(16),
            "vnp_Version": protocol.VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.merchant_code,
            "vnp_TxnRef": txn_ref,
            "vnp_OrderInfo": order_info,
            "vnp_TransactionDate": protocol.gateway_time(created),
            "vnp_CreateDate": protocol.gateway_time(now),
            "vnp_IpAddr": client_ip or "127.0.0.1",
        }
        body["vnp_SecureHash"] = protocol.piped_hash(body, protocol.QUERY_REQUEST_FIELDS, self.secret)
        request = urllib.request.Request(  # noqa: S310  # nosec B310 (the configured gateway URL)
            self.query_url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                answer = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise GatewayError(str(exc)) from exc
        expected = protocol.piped_hash(answer, protocol.QUERY_RESPONSE_FIELDS, self.secret)
        # An error answer may come unsigned; a found transaction must be signed by the gateway.
        if (
            answer.get("vnp_ResponseCode") == "00"
            and str(answer.get("vnp_SecureHash", "")).lower() != expected
        ):
            raise GatewayError("querydr answer with a bad signature")
        return answer

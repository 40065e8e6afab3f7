"""A payment gateway of our own on loopback, speaking the published protocol of ``protocol.py``:
the tests start it in a thread on a free port and ``make run`` starts it on 8212 so that a
newcomer can pay in the demo. It is not the portal: no Django, no database, state in memory.

- ``GET /paymentv2/vpcpay.html?vnp_...`` checks the merchant's signature and shows a pay page;
- ``POST /paymentv2/pay`` (the page's buttons) records the transaction, sends the IPN
  server-to-server to the merchant's IPN address, then redirects the browser to ``vnp_ReturnUrl``;
- ``POST /merchant_webapi/api/transaction`` answers ``querydr`` (JSON) for a transaction.

    python -m payments.gateway_server --port 8212 --merchant HCCDEMO1 --secret ... \\
        --ipn-url http://127.0.0.1:8000/thanh-toan/ipn/
"""

import argparse
import html
import json
import logging
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from payments import protocol

log = logging.getLogger("payments.gateway_server")

PAY_PATH = "/paymentv2/vpcpay.html"
CONFIRM_PATH = "/paymentv2/pay"
QUERY_PATH = "/merchant_webapi/api/transaction"
CUSTOMER_CANCELLED = "24"
EXPIRED = "11"  # the payer did not pay before vnp_ExpireDate
REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_Amount",
    "vnp_CreateDate",
    "vnp_CurrCode",
    "vnp_IpAddr",
    "vnp_Locale",
    "vnp_OrderInfo",
    "vnp_ReturnUrl",
    "vnp_TxnRef",
    "vnp_ExpireDate",
)
NOT_FOUND = "91"


@dataclass
class Merchant:
    secret: str
    ipn_url: str


@dataclass
class Transaction:
    merchant: str
    txn_ref: str
    amount: str  # as sent: đồng × 100
    order_info: str
    create_date: str
    return_url: str
    status: str = "01"  # 01 pending, 00 paid, 02 failed
    response_code: str = ""
    transaction_no: str = ""
    pay_date: str = ""
    bank_code: str = "NCB"
    ipn_answers: list = field(default_factory=list)


class Gateway:
    """The WSGI application and its in-memory state."""

    def __init__(self, merchants: dict[str, Merchant], *, send_ipn: bool = True):
        self.merchants = merchants
        self.send_ipn = send_ipn  # tests turn it off to lose a callback
        self.pending: dict[str, dict] = {}  # pay-page token → the verified request
        self.transactions: dict[tuple[str, str], Transaction] = {}
        self.lock = threading.Lock()
        self._next_no = 14_000_000

    # --- the protocol ----------------------------------------------------------------------------

    def result_params(self, txn: Transaction) -> dict:
        params = {
            "vnp_Amount": txn.amount,
            "vnp_BankCode": txn.bank_code,
            "vnp_BankTranNo": f"VNP{txn.transaction_no}" if txn.transaction_no else "",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": txn.order_info,
            "vnp_PayDate": txn.pay_date,
            "vnp_ResponseCode": txn.response_code,
            "vnp_TmnCode": txn.merchant,
            "vnp_TransactionNo": txn.transaction_no or "0",
            "vnp_TransactionStatus": txn.status,
            "vnp_TxnRef": txn.txn_ref,
        }
        return protocol.signed(params, self.merchants[txn.merchant].secret)

    def deliver_ipn(self, txn: Transaction) -> str:
        """Send the IPN for ``txn`` to its merchant; returns the merchant's answer (or the error)."""
        params = self.result_params(txn)
        url = self.merchants[txn.merchant].ipn_url + "?" + protocol.query_string(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  # nosec B310 (configured URL)
                answer = response.read().decode()
        except (urllib.error.URLError, OSError) as exc:
            answer = f"error: {exc}"
            log.warning("IPN to %s failed: %s", txn.merchant, exc)
        txn.ipn_answers.append(answer)
        return answer

    def finish(self, token: str, paid: bool) -> Transaction | None:
        with self.lock:
            request = self.pending.pop(token, None)
            if request is None:
                return None
            expires = protocol.parse_gateway_time(request.get("vnp_ExpireDate"))
            paid = paid and expires is not None and datetime.now(UTC) <= expires
            late = expires is not None and datetime.now(UTC) > expires
            self._next_no += 1
            txn = Transaction(
                merchant=request["vnp_TmnCode"],
                txn_ref=request["vnp_TxnRef"],
                amount=request["vnp_Amount"],
                order_info=request.get("vnp_OrderInfo", ""),
                create_date=request.get("vnp_CreateDate", ""),
                return_url=request["vnp_ReturnUrl"],
                status=protocol.SUCCESS if paid else "02",
                response_code=protocol.SUCCESS if paid else (EXPIRED if late else CUSTOMER_CANCELLED),
                transaction_no=str(self._next_no) if paid else "",
                pay_date=protocol.gateway_time(datetime.now(UTC)),
            )
            self.transactions[(txn.merchant, txn.txn_ref)] = txn
        if self.send_ipn:
            self.deliver_ipn(txn)
        return txn

    def query(self, body: dict) -> dict:
        merchant = self.merchants.get(str(body.get("vnp_TmnCode", "")))
        if merchant is None:
            return {"vnp_ResponseCode": "02", "vnp_Message": "Merchant is not valid"}
        expected = protocol.piped_hash(body, protocol.QUERY_REQUEST_FIELDS, merchant.secret)
        if str(body.get("vnp_SecureHash", "")).lower() != expected:
            return {"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}
        txn = self.transactions.get((body["vnp_TmnCode"], str(body.get("vnp_TxnRef", ""))))
        answer = {
            "vnp_ResponseId": secrets.token_hex(8),
            "vnp_Command": "querydr",
            "vnp_TmnCode": body["vnp_TmnCode"],
            "vnp_TxnRef": str(body.get("vnp_TxnRef", "")),
        }
        if txn is None:
            answer |= {"vnp_ResponseCode": NOT_FOUND, "vnp_Message": "Transaction not found"}
        else:
            answer |= {
                "vnp_ResponseCode": "00",
                "vnp_Message": "QueryDR Success",
                "vnp_Amount": txn.amount,
                "vnp_BankCode": txn.bank_code,
                "vnp_PayDate": txn.pay_date,
                "vnp_TransactionNo": txn.transaction_no,
                "vnp_TransactionType": "01",
                "vnp_TransactionStatus": txn.status,
                "vnp_OrderInfo": txn.order_info,
                "vnp_PromotionCode": "",
                "vnp_PromotionAmount": "",
            }
        answer["vnp_SecureHash"] = protocol.piped_hash(
            answer, protocol.QUERY_RESPONSE_FIELDS, merchant.secret
        )
        return answer

    # --- HTTP ------------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if path == PAY_PATH and method == "GET":
                return self._pay_page(environ, start_response)
            if path == CONFIRM_PATH and method == "POST":
                return self._confirm(environ, start_response)
            if path == QUERY_PATH and method == "POST":
                body = json.loads(_read(environ) or b"{}")
                return _respond(start_response, "200 OK", json.dumps(self.query(body)), "application/json")
        except (ValueError, KeyError) as exc:
            return _respond(start_response, "400 Bad Request", f"Bad request: {exc}")
        return _respond(start_response, "404 Not Found", "Not found")

    def _pay_page(self, environ, start_response):
        params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        merchant = self.merchants.get(params.get("vnp_TmnCode", ""))
        if merchant is None:
            return _error(start_response, "Mã đơn vị không hợp lệ.")
        if not protocol.verify(params, merchant.secret):
            return _error(start_response, "Chữ ký không hợp lệ.")
        amount = protocol.amount_from_gateway(params.get("vnp_Amount"))
        expires = protocol.parse_gateway_time(params.get("vnp_ExpireDate"))
        if amount is None or expires is None or not all(params.get(name) for name in REQUIRED):
            return _respond(
                start_response, "400 Bad Request", _page("Lỗi", "<p>Thiếu thông tin giao dịch.</p>")
            )
        if datetime.now(UTC) > expires:
            return _error(start_response, "Giao dịch đã quá thời gian chờ thanh toán.")
        token = secrets.token_urlsafe(16)
        with self.lock:
            self.pending[token] = params
        body = (
            f"<p>Đơn vị: <strong>{html.escape(params['vnp_TmnCode'])}</strong></p>"
            f"<p>Nội dung: {html.escape(params.get('vnp_OrderInfo', ''))}</p>"
            f"<p>Mã giao dịch: {html.escape(params['vnp_TxnRef'])}</p>"
            f'<p>Số tiền: <strong id="amount">{amount:,} VND</strong></p>'.replace(",", ".")
            + f'<form method="post" action="{CONFIRM_PATH}">'
            f'<input type="hidden" name="token" value="{token}">'
            '<button type="submit" name="result" value="pay">Thanh toán</button> '
            '<button type="submit" name="result" value="cancel">Hủy giao dịch</button></form>'
            "<p><small>Cổng thanh toán thử nghiệm chạy trên máy này (loopback): "
            "không có tiền thật.</small></p>"
        )
        return _respond(start_response, "200 OK", _page("Cổng thanh toán thử nghiệm", body))

    def _confirm(self, environ, start_response):
        form = dict(parse_qsl(_read(environ).decode()))
        txn = self.finish(form.get("token", ""), paid=form.get("result") == "pay")
        if txn is None:
            return _respond(
                start_response, "400 Bad Request", _page("Lỗi", "<p>Phiên thanh toán đã hết.</p>")
            )
        location = (
            txn.return_url
            + ("&" if "?" in txn.return_url else "?")
            + protocol.query_string(self.result_params(txn))
        )
        start_response("302 Found", [("Location", location), ("Content-Length", "0")])
        return [b""]


def _error(start_response, message: str):
    return _respond(start_response, "400 Bad Request", _page("Lỗi", f"<p>{html.escape(message)}</p>"))


def _read(environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length else b""


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"</head><body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )


def _respond(start_response, status: str, text: str, content_type: str = "text/html; charset=utf-8"):
    data = text.encode()
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
    return [data]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the stdlib's name)
        log.info("%s %s", self.address_string(), format % args)


class GatewayServer:
    """The gateway served on 127.0.0.1 in a background thread (port 0: a free one)."""

    def __init__(self, merchants: dict[str, Merchant], *, port: int = 0, send_ipn: bool = True):
        self.app = Gateway(merchants, send_ipn=send_ipn)
        self.httpd = make_server(
            "127.0.0.1", port, self.app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def pay_url(self) -> str:
        return self.url + PAY_PATH

    @property
    def query_url(self) -> str:
        return self.url + QUERY_PATH

    def start(self) -> "GatewayServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Loopback payment gateway for tests and the demo.")
    parser.add_argument("--port", type=int, default=8212)
    parser.add_argument("--merchant", required=True, help="merchant code (vnp_TmnCode)")
    parser.add_argument("--secret", required=True, help="the merchant's hash secret")
    parser.add_argument("--ipn-url", required=True, help="where to send the IPN")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="gateway: %(message)s")
    server = GatewayServer({args.merchant: Merchant(args.secret, args.ipn_url)}, port=args.port)
    log.info("payment gateway on %s%s (IPN to %s)", server.url, PAY_PATH, args.ipn_url)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()


if __name__ == "__main__":
    main()

"""An SMS gateway of our own, on loopback, speaking what ``HttpGatewayBackend`` posts: a JSON body
``{"to", "text", "ref", "from"}`` (the default ``SMS_GATEWAY_PAYLOAD``) and the ``Idempotency-Key``
header, answered with ``{"id": ...}``.

With ``dedupe`` (the default) it behaves like a provider that honours the reference: a second
message with a key it already had (or is handling) is not delivered again and gets the first
answer, marked ``"duplicate": true``. Without it, every request is a delivery, as with a provider
that cannot dedupe. It counts everything, for the fault-injection tests, and ``manage.py
sms_gateway`` serves it for a demo.
"""

import itertools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackSmsGateway:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        dedupe: bool = True,
        delay: float = 0.0,
        on_delivery: Callable[[dict], None] | None = None,
    ):
        self.dedupe, self.delay, self.on_delivery = dedupe, delay, on_delivery
        self.lock = threading.Lock()
        self.requests: list[str] = []  # the key of every POST received, in order
        self.delivered: list[dict] = []  # every message that reached a phone
        self._answers: dict[str, str] = {}
        self._handling: dict[str, threading.Event] = {}
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/sms"

    def start(self) -> "LoopbackSmsGateway":
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def deliveries_to(self) -> Counter:
        """How many messages each number received."""
        with self.lock:
            return Counter(message["to"] for message in self.delivered)

    def duplicates(self) -> int:
        """Messages a phone received beyond the first for its number."""
        return sum(count - 1 for count in self.deliveries_to().values())

    def handle(self, key: str, message: dict) -> dict:
        """Deliver ``message`` unless (deduping) its key was already had; the answer to send."""
        pending = None
        with self.lock:
            self.requests.append(key)
            if self.dedupe and key:
                if key in self._answers:
                    return {"id": self._answers[key], "duplicate": True}
                pending = self._handling.get(key)
                if pending is None:
                    self._handling[key] = threading.Event()
        if self.dedupe and key and pending is not None:  # the same key being handled right now
            pending.wait(timeout=30)
            with self.lock:
                return {"id": self._answers.get(key, ""), "duplicate": True}
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            message_id = f"LB-{next(self._ids)}"
            self.delivered.append({**message, "id": message_id, "key": key})
            if self.dedupe and key:
                self._answers[key] = message_id
                self._handling.pop(key).set()
        if self.on_delivery:
            self.on_delivery({**message, "id": message_id, "key": key})
        return {"id": message_id}

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                try:
                    body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                    message = {"to": str(body["to"]), "text": str(body["text"])}
                except (ValueError, KeyError, TypeError):
                    return self._answer(400, {"error": "a JSON object with to and text is expected"})
                key = self.headers.get("Idempotency-Key") or str(body.get("ref") or "")
                return self._answer(200, gateway.handle(key, message))

            def _answer(self, status: int, payload: dict):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler

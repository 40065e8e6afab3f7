"""A national public service portal of our own, on loopback: the adapter's endpoints as published
(session login, ``DongBoHoSoMC``, ``CapNhatTienDoHoSoMC``, ``TraCuuHoSo``, and the catalog's
``LayDanhSachTTHC`` / ``LayThuTuc``), each request checked against the JSON schemas of
``national.messages``. It keeps what it accepted, and can be told to fail (503), to answer late
(the message is taken but the answer comes after the client gave up) or to refuse.

A standalone WSGI app (werkzeug), importing nothing of Django: the tests start it in a thread on a
free port (``serve_in_thread``); ``make run`` starts it on 8213 for the demo:

    python -m national.portal_server --port 8213
"""

import argparse
import json
import os
import secrets
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import jsonschema
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from national.schemas import SCHEMAS

# Checked once: ``jsonschema.validate`` checks the schema itself on every call.
VALIDATORS = {name: jsonschema.Draft202012Validator(schema) for name, schema in SCHEMAS.items()}

DEMO_USERNAME = "hcc-demo"
DEMO_PASSWORD = "hcc-demo"  # the loopback portal's only account; a real portal's comes from the env

# A little catalog for the pulls (LayDanhSachTTHC / LayThuTuc), in the shapes met in the wild.
CATALOG = [
    {
        "MATTHC": "1.001612.000.00.00.H12",
        "TENTTHC": "Cấp Giấy chứng nhận đăng ký hộ kinh doanh",
        "LINHVUCTHUCHIEN": [
            {"MALINHVUC": "G12-DN", "TENLINHVUC": "Thành lập và hoạt động của hộ kinh doanh"}
        ],
        "CAPTHUCHIEN": [{"CAPID": "3", "TENCAP": "Cấp Xã"}],
        "COQUANTHUCHIEN": [{"MACOQUAN": "UBNDXA", "TENCOQUAN": "Ủy ban nhân dân cấp xã"}],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": "Trực tiếp",
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": "3",
                        "DONVITINH": "Ngày làm việc",
                        "PHILEPHI": [
                            {"MAPHILEPHI": "LP", "SOTIEN": "100000", "DONVI": "Đồng", "MOTA": "Lệ phí"}
                        ],
                    }
                ],
            }
        ],
        "TRANGTHAI": 1,
    },
    {
        "MATTHC": "1.004227.000.00.00.H12",
        "TENTTHC": "Đăng ký khai sinh",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G12-HT", "TENLINHVUC": "Hộ tịch"}],
        "CAPTHUCHIEN": "Cấp Xã",
        "COQUANTHUCHIEN": [{"MADONVI": "UBNDXA", "TENDONVI": "Ủy ban nhân dân cấp xã"}],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": "Trực tiếp",
                "THOIGIAN": [{"THOIGIANGIAIQUYET": "10", "DONVITINH": "Ngày làm việc"}],
            }
        ],
        "TRANGTHAI": 1,
    },
]


@dataclass
class PortalState:
    username: str = DEMO_USERNAME
    password: str = DEMO_PASSWORD
    session_ttl: float = 3600.0
    late_seconds: float = 1.0
    delay: float = 0.0  # seconds every accepted message waits before its answer (a slow portal)
    sessions: dict[str, float] = field(default_factory=dict)
    dossiers: dict[str, dict] = field(default_factory=dict)
    progress: dict[str, list[dict]] = field(default_factory=dict)
    # Every accepted item, in the order accepted: (service, MaHoSo, item).
    received: list[tuple[str, str, dict]] = field(default_factory=list)
    requests: int = 0
    logins: int = 0
    faults: deque = field(default_factory=deque)  # "fail" | "late" | "refuse", one per call
    refuse_codes: set[str] = field(default_factory=set)  # dossiers whose messages are refused
    catalog: list[dict] = field(default_factory=lambda: list(CATALOG))  # LayDanhSachTTHC / LayThuTuc
    # The demo's portal keeps what it accepted in this JSON file, so that a second ``make run``
    # still knows the dossiers the first one sent (else their updates are refused: "chưa đồng bộ").
    state_file: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def load(self) -> None:
        """Read the dossiers and progress kept in ``state_file`` (nothing when it does not exist)."""
        if not self.state_file or not os.path.exists(self.state_file):
            return
        with open(self.state_file, encoding="utf-8") as handle:
            kept = json.load(handle)
        with self.lock:
            self.dossiers.update(kept.get("dossiers", {}))
            for code, steps in kept.get("progress", {}).items():
                self.progress.setdefault(code, []).extend(steps)

    def save(self) -> None:
        """Write the dossiers and progress to ``state_file`` (the caller holds the lock)."""
        if not self.state_file:
            return
        temporary = self.state_file + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"dossiers": self.dossiers, "progress": self.progress}, handle, ensure_ascii=False)
        os.replace(temporary, self.state_file)

    def fail_next(self, *modes: str) -> None:
        with self.lock:
            self.faults.extend(modes)

    def expire_sessions(self) -> None:
        with self.lock:
            self.sessions.clear()

    def received_items(self, service: str | None = None) -> list[tuple[str, dict]]:
        with self.lock:
            return [(code, item) for s, code, item in self.received if service in (None, s)]


def _answer(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def _refused(message: str, code: int = 99) -> Response:
    return _answer({"error_code": code, "message": message})


class PortalApp:
    def __init__(self, state: PortalState):
        self.state = state

    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.method != "POST":
            return _answer({"error_code": 405, "message": "POST only"}, status=405)
        try:
            body = json.loads(request.get_data(as_text=True) or "null")
        except ValueError:
            return _answer({"error_code": 400, "message": "body is not JSON"}, status=400)
        if request.path == "/api/auth":
            return self.login(body)
        if request.path in ("/api/integration", "/api/share"):
            return self.service(body)
        return _answer({"error_code": 404, "message": "no such endpoint"}, status=404)

    def login(self, body) -> Response:
        try:
            VALIDATORS["auth"].validate(body)
        except jsonschema.ValidationError as exc:
            return _refused(f"invalid request: {exc.message}", 400)
        state = self.state
        if body["username"] != state.username or body["password"] != state.password:
            return _refused("Sai tên đăng nhập hoặc mật khẩu", 401)
        token = secrets.token_hex(16)
        with state.lock:
            state.sessions[token] = time.monotonic() + state.session_ttl
            state.logins += 1
        return _answer({"error_code": 0, "message": "OK", "session": token})

    def service(self, body) -> Response:
        state = self.state
        if not isinstance(body, dict):
            return _refused("body must be an object", 400)
        with state.lock:
            state.requests += 1
            expires = state.sessions.get(str(body.get("session")), 0)
            fault = state.faults.popleft() if state.faults and body.get("service") != "TraCuuHoSo" else None
        if expires < time.monotonic():
            return _refused("Phiên làm việc không hợp lệ hoặc đã hết hạn", -1)
        if fault == "fail":
            return _answer({"error_code": 503, "message": "Hệ thống đang bận"}, status=503)
        if fault == "refuse":
            return _refused("Cổng đang bảo trì, từ chối bản tin", 98)
        name = body.get("service")
        validator = VALIDATORS.get(name)
        if validator is None:
            return _refused(f"unknown service {name!r}", 404)
        try:
            validator.validate(body)
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path)
            return _refused(f"Dữ liệu không hợp lệ ({where}): {exc.message}", 400)
        answer = getattr(self, name)(body)
        if state.delay:
            time.sleep(state.delay)
        if fault == "late":
            time.sleep(state.late_seconds)  # taken, but the answer comes after the client gave up
        return answer

    def DongBoHoSoMC(self, body) -> Response:  # noqa: N802 (the portal's name)
        state = self.state
        updating = body["isUpdating"] == "True"
        with state.lock:
            for item in body["data"]:
                code = item["MaHoSo"]
                if code in state.refuse_codes:
                    return _refused(f"Mã thủ tục {item['MaTTHC']} không có trên CSDL quốc gia", 12)
                if updating and code not in state.dossiers:
                    return _refused(f"Hồ sơ {code} chưa được đồng bộ", 13)
                if not updating and code in state.dossiers:
                    return _refused(f"Hồ sơ {code} đã tồn tại", 14)
            for item in body["data"]:
                state.dossiers[item["MaHoSo"]] = item
                state.received.append((body["service"], item["MaHoSo"], item))
            state.save()
        return _answer({"error_code": 0, "message": "Đồng bộ thành công"})

    def CapNhatTienDoHoSoMC(self, body) -> Response:  # noqa: N802
        state = self.state
        with state.lock:
            for item in body["data"]:
                if item["MaHoSo"] not in state.dossiers:
                    return _refused(f"Hồ sơ {item['MaHoSo']} chưa được đồng bộ", 13)
            for item in body["data"]:
                state.progress.setdefault(item["MaHoSo"], []).append(item)
                state.received.append((body["service"], item["MaHoSo"], item))
            state.save()
        return _answer({"error_code": 0, "message": "Cập nhật thành công"})

    def TraCuuHoSo(self, body) -> Response:  # noqa: N802
        state = self.state
        with state.lock:
            record = state.dossiers.get(body["mahoso"])
            result = [{**record, "TienDo": list(state.progress.get(body["mahoso"], []))}] if record else []
        return _answer({"error_code": 0, "result": result})

    def LayDanhSachTTHC(self, body) -> Response:  # noqa: N802
        catalog = self.state.catalog
        return _answer(
            {"error_code": 0, "result": [{k: t[k] for k in ("MATTHC", "TENTTHC")} for t in catalog]}
        )

    def LayThuTuc(self, body) -> Response:  # noqa: N802
        found = [t for t in self.state.catalog if t["MATTHC"] == body["maTTHC"]]
        return _answer({"error_code": 0, "result": found})


class _Handler(WSGIRequestHandler):
    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every answer on a kept-alive connection for 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _QuietHandler(_Handler):
    def log_request(self, code="-", size="-") -> None:
        """The tests' portal does not log every request."""


class RunningPortal:
    """A portal served in a daemon thread: ``url``, ``state`` and ``stop()``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, state: PortalState | None = None):
        self.state = state or PortalState()
        self.server = make_server(
            host, port, PortalApp(self.state), threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def load_catalog(data) -> list[dict]:
    """The procedures of a catalog file: a JSON list, or an object holding it under "result"."""
    items = data.get("result", []) if isinstance(data, dict) else data
    return [item for item in items if isinstance(item, dict) and item.get("MATTHC")]


def serve_in_thread(**kwargs) -> RunningPortal:
    return RunningPortal(**kwargs)


def main() -> None:  # pragma: no cover (make run)
    parser = argparse.ArgumentParser(description="Loopback national public service portal (demo, tests)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8213)
    parser.add_argument(
        "--catalog", action="append", default=[], help="JSON list of procedures (national shape) to serve too"
    )
    parser.add_argument("--state", default="", help="JSON file keeping the accepted dossiers across restarts")
    args = parser.parse_args()
    state = PortalState(state_file=args.state)
    state.load()
    for path in args.catalog:
        with open(path, encoding="utf-8") as handle:
            state.catalog += load_catalog(json.load(handle))
    server = make_server(args.host, args.port, PortalApp(state), threaded=True, request_handler=_Handler)
    print(f"National portal (loopback) on http://{args.host}:{args.port}/ user {DEMO_USERNAME}", flush=True)
    server.serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main()

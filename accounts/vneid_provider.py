"""An OpenID Connect provider of our own, on loopback, standing in for VNeID in the tests and the
demo: discovery, JWKS, authorization code with PKCE (S256 only), ``state`` and ``nonce`` carried
back, client authentication at the token endpoint, ID tokens signed RS256 with a key generated at
start, userinfo. Built on joserfc (JWS/JWK, the library under authlib) and authlib's PKCE helper;
a standalone WSGI app (werkzeug) that imports nothing of Django.

It can be told to misbehave for the tests (``ProviderState.tamper``): sign with a key it does not
publish, put another nonce or audience in the token.

    python -m accounts.vneid_provider --port 8313
"""

import argparse
import html
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

DEMO_CLIENT_ID = "hcc-demo"
DEMO_CLIENT_SECRET = "hcc-demo-secret"  # the loopback provider's only client; a real one's from the env

# Demo identities a newcomer picks on the provider's page (invented people, valid-looking numbers).
# The first is the demo citizen of seed_demo (same name and phone): the first login links that account.
DEMO_PEOPLE = [
    {"citizen_id": "036090001234", "name": "Nguyễn Văn An", "phone_number": "0912345678", "level": "2"},
    {"citizen_id": "001203004567", "name": "Trần Thị Bình", "phone_number": "0987654321", "level": "2"},
    {"citizen_id": "079301009876", "name": "Lê Minh Châu", "phone_number": "", "level": "1"},
    # An organisation's account, used by its legal representative (citizen_id is the person's).
    {
        "citizen_id": "031085007777",
        "name": "Phạm Quốc Dũng",
        "phone_number": "",
        "level": "2",
        "org_id": "0109998877",
        "org_name": "Công ty TNHH Nông sản Sơn Hà",
    },
]


@dataclass
class ProviderState:
    issuer: str = ""
    clients: dict[str, dict] = field(default_factory=dict)  # client_id → {"secret", "redirect_uris"}
    people: list[dict] = field(default_factory=lambda: list(DEMO_PEOPLE))
    codes: dict[str, dict] = field(default_factory=dict)
    tokens: dict[str, dict] = field(default_factory=dict)
    tamper: str = ""  # "", "foreign_key", "wrong_nonce", "wrong_audience"
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "vneid-1"}))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def register_client(self, client_id: str, secret: str, redirect_uris: list[str]) -> None:
        self.clients[client_id] = {"secret": secret, "redirect_uris": list(redirect_uris)}


def _json(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    import json

    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _who(person: dict) -> str:
    """A sample account as its button on the provider's page says it."""
    who = f"{person['name']} — CCCD {person['citizen_id']} (mức {person['level']})"
    if person.get("org_id"):
        who = f"{person['org_name']} — mã {person['org_id']}, người đại diện {who}"
    return html.escape(who)


def _error(error: str, description: str, status: int = 400) -> Response:
    return _json({"error": error, "error_description": description}, status)


class ProviderApp:
    def __init__(self, state: ProviderState):
        self.state = state

    def __call__(self, environ, start_response):
        request = Request(environ)
        routes = {
            "/.well-known/openid-configuration": self.discovery,
            "/jwks": self.jwks,
            "/authorize": self.authorize,
            "/token": self.token,
            "/userinfo": self.userinfo,
        }
        handler = routes.get(request.path)
        response = handler(request) if handler else _error("not_found", "no such endpoint", 404)
        return response(environ, start_response)

    def discovery(self, request: Request) -> Response:
        issuer = self.state.issuer
        return _json(
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token",
                "userinfo_endpoint": f"{issuer}/userinfo",
                "jwks_uri": f"{issuer}/jwks",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "scopes_supported": ["openid", "profile", "phone"],
                "claims_supported": [
                    *("sub", "name", "citizen_id", "acr", "phone_number", "nonce"),
                    *("org_id", "org_name"),
                ],
            }
        )

    def jwks(self, request: Request) -> Response:
        return _json({"keys": [self.state.key.as_dict(private=False, alg="RS256", use="sig")]})

    def _check_authorization_request(self, params) -> str:
        client = self.state.clients.get(params.get("client_id", ""))
        if client is None or params.get("redirect_uri") not in client["redirect_uris"]:
            return "unknown client or redirect_uri"
        if params.get("response_type") != "code":
            return "response_type must be code"
        if "openid" not in (params.get("scope") or "").split():
            return "scope must include openid"
        if not params.get("state") or not params.get("nonce"):
            return "state and nonce are required"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE with S256 is required"
        return ""

    def authorize(self, request: Request) -> Response:
        params = request.values
        problem = self._check_authorization_request(params)
        if problem:  # never redirect to an address we cannot trust
            return _error("invalid_request", problem)
        if request.method == "GET":
            return self._login_page(params)
        person = next((p for p in self.state.people if p["citizen_id"] == params.get("citizen_id")), None)
        if person is None:
            return _error("access_denied", "unknown identity")
        code = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.codes[code] = {
                "client_id": params["client_id"],
                "redirect_uri": params["redirect_uri"],
                "nonce": params["nonce"],
                "challenge": params["code_challenge"],
                "person": person,
                "expires": time.time() + 60,
            }
        query = urlencode({"code": code, "state": params["state"]})
        return Response(status=302, headers={"Location": f"{params['redirect_uri']}?{query}"})

    def _login_page(self, params) -> Response:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
            if k != "citizen_id"
        )
        buttons = "".join(
            f'<li><button name="citizen_id" value="{html.escape(p["citizen_id"])}">{_who(p)}</button></li>'
            for p in self.state.people
        )
        page = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            "<title>VNeID (thử nghiệm)</title></head>"
            "<body><main><h1>Đăng nhập bằng tài khoản định danh điện tử (máy chủ thử nghiệm)</h1>"
            "<p>Chọn một người dân mẫu để đăng nhập vào Cổng dịch vụ công của tỉnh.</p>"
            f'<form method="post" action="/authorize">{hidden}<ul>{buttons}</ul></form></main></body></html>'
        )
        return Response(page, mimetype="text/html")

    def _client_from(self, request: Request) -> tuple[str, str]:
        if request.authorization and request.authorization.type == "basic":
            return request.authorization.username or "", request.authorization.password or ""
        return request.form.get("client_id", ""), request.form.get("client_secret", "")

    def token(self, request: Request) -> Response:
        if request.method != "POST":
            return _error("invalid_request", "POST only", 405)
        client_id, secret = self._client_from(request)
        client = self.state.clients.get(client_id)
        if client is None or not secrets.compare_digest(client["secret"], secret):
            return _error("invalid_client", "client authentication failed", 401)
        if request.form.get("grant_type") != "authorization_code":
            return _error("unsupported_grant_type", "authorization_code only")
        with self.state.lock:
            grant = self.state.codes.pop(request.form.get("code", ""), None)  # one use only
        if grant is None or grant["expires"] < time.time() or grant["client_id"] != client_id:
            return _error("invalid_grant", "unknown, used or expired code")
        if request.form.get("redirect_uri") != grant["redirect_uri"]:
            return _error("invalid_grant", "redirect_uri differs")
        verifier = request.form.get("code_verifier", "")
        if not verifier or create_s256_code_challenge(verifier) != grant["challenge"]:
            return _error("invalid_grant", "PKCE verification failed")
        person = grant["person"]
        now = int(time.time())
        organisation = (
            {"org_id": person["org_id"], "org_name": person["org_name"]} if person.get("org_id") else {}
        )
        claims = {
            "iss": self.state.issuer,
            "sub": f"vneid-org-{person['org_id']}" if organisation else f"vneid-{person['citizen_id']}",
            "aud": client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": grant["nonce"],
            "name": person["name"],
            "citizen_id": person["citizen_id"],
            "acr": f"vneid:level{person['level']}",
            "phone_number": person["phone_number"],
            **organisation,
        }
        key = self.state.key
        if self.state.tamper == "foreign_key":
            key = RSAKey.generate_key(2048, parameters={"kid": "vneid-1"})
        elif self.state.tamper == "wrong_nonce":
            claims["nonce"] = "not-the-nonce"
        elif self.state.tamper == "wrong_audience":
            claims["aud"] = "another-client"
        id_token = jwt.encode({"alg": "RS256", "kid": "vneid-1"}, claims, key)
        access_token = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens[access_token] = claims
        return _json(
            {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )

    def userinfo(self, request: Request) -> Response:
        header = request.headers.get("Authorization", "")
        claims = self.state.tokens.get(header.removeprefix("Bearer ").strip())
        if claims is None:
            return _error("invalid_token", "unknown access token", 401)
        return _json({k: v for k, v in claims.items() if k not in ("iss", "aud", "iat", "exp", "nonce")})


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-") -> None:
        """The tests' provider does not log every request."""


class RunningProvider:
    """A provider served in a daemon thread: ``url``, ``state`` and ``stop()``."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, state: ProviderState | None = None, quiet=True
    ):
        self.state = state or ProviderState()
        handler = _QuietHandler if quiet else WSGIRequestHandler
        self.server = make_server(host, port, ProviderApp(self.state), threaded=True, request_handler=handler)
        self.url = f"http://{host}:{self.server.server_port}"
        self.state.issuer = self.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> None:  # pragma: no cover (make run)
    parser = argparse.ArgumentParser(description="Loopback OpenID Connect provider standing in for VNeID")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8313)
    parser.add_argument("--redirect-uri", action="append", default=[], help="the portal's callback address")
    args = parser.parse_args()
    state = ProviderState()
    state.register_client(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, args.redirect_uri)
    running = RunningProvider(args.host, args.port, state, quiet=False)
    print(f"VNeID stand-in (OIDC) on {running.url}/ client {DEMO_CLIENT_ID}", flush=True)
    running.thread.join()


if __name__ == "__main__":  # pragma: no cover
    main()

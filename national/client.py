"""The adapter to the national portal's integration service (one small interface, ``PortalClient``).

Protocol (as the portal's adapter publishes it, and as OpenCPS's integration uses it): every call is
a JSON POST with the header ``dstcode``; ``POST <url><auth path>`` with ``username`` and
``password`` answers ``{"error_code": 0, "session": "..."}``; every other call carries that
``session`` and the unit's code ``madonvi`` beside its ``service`` and answers ``error_code`` 0
(also written "0" or "00") when accepted, another code with a ``message`` when refused.

``PortalUnavailable`` means the portal did not answer (connection refused, time-out, a 5xx, not
JSON): try again later. ``sent`` on it says whether the request may have reached the portal
(then the message is in doubt and is looked up before it is sent again).
"""

import threading
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings

ACCEPTED = {0, "0", "00"}
SESSION_INVALID = {-1, "-1"}  # the loopback portal's (and our assumption of the real one's) "log in again"


class PortalUnavailable(Exception):
    def __init__(self, message: str, *, sent: bool):
        super().__init__(message)
        self.sent = sent


@dataclass
class Answer:
    accepted: bool
    error_code: Any
    message: str
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PortalConfig:
    url: str
    auth_path: str
    integration_path: str
    share_path: str
    username: str
    password: str
    unit_code: str
    dstcode: str
    timeout: float

    @classmethod
    def from_settings(cls) -> "PortalConfig":
        return cls(
            url=settings.NATIONAL_PORTAL_URL.rstrip("/"),
            auth_path=settings.NATIONAL_PORTAL_AUTH_PATH,
            integration_path=settings.NATIONAL_PORTAL_INTEGRATION_PATH,
            share_path=settings.NATIONAL_PORTAL_SHARE_PATH,
            username=settings.NATIONAL_PORTAL_USERNAME,
            password=settings.NATIONAL_PORTAL_PASSWORD,
            unit_code=settings.NATIONAL_PORTAL_UNIT_CODE,
            dstcode=settings.NATIONAL_PORTAL_DSTCODE,
            timeout=settings.NATIONAL_PORTAL_TIMEOUT,
        )


class PortalClient:
    """One connection (kept alive) and one session token, reused for every call of a worker."""

    def __init__(self, config: PortalConfig):
        self.config = config
        self.http = requests.Session()
        self.http.headers.update({"Accept": "application/json", "dstcode": config.dstcode})
        self.token = ""

    def _post(self, path: str, body: dict) -> dict:
        try:
            response = self.http.post(self.config.url + path, json=body, timeout=self.config.timeout)
        except requests.ConnectionError as exc:
            # Refused before anything was sent, or dropped after: only the first is certain.
            never_connected = isinstance(exc, requests.exceptions.ConnectTimeout) or (
                "Failed to establish a new connection" in str(exc)
            )
            sent = not never_connected
            raise PortalUnavailable(f"connection: {exc}", sent=sent) from exc
        except requests.Timeout as exc:
            raise PortalUnavailable(f"timeout: {exc}", sent=True) from exc
        if response.status_code >= 500:
            raise PortalUnavailable(f"HTTP {response.status_code}: {response.text[:500]}", sent=True)
        try:
            answer = response.json()
        except ValueError as exc:
            raise PortalUnavailable(
                f"HTTP {response.status_code}, not JSON: {response.text[:500]}", sent=True
            ) from exc
        if not isinstance(answer, dict):
            raise PortalUnavailable(
                f"HTTP {response.status_code}, not an object: {answer!r}"[:500], sent=True
            )
        return answer

    def login(self) -> None:
        answer = self._post(
            self.config.auth_path, {"username": self.config.username, "password": self.config.password}
        )
        token = answer.get("session")
        if answer.get("error_code") not in ACCEPTED or not token:
            # A refused login is the province's configuration, not the message: retried later.
            raise PortalUnavailable(f"login refused: {answer.get('message', answer)}", sent=False)
        self.token = str(token)

    def call(self, body: dict, *, path: str | None = None) -> Answer:
        """Post ``body`` (``service`` and its fields) with the session; log in first when needed,
        and once more when the portal says the session expired."""
        for attempt in (1, 2):
            if not self.token:
                self.login()
            answer = self._post(
                path or self.config.integration_path,
                {"session": self.token, "madonvi": self.config.unit_code, **body},
            )
            code = answer.get("error_code")
            if code in SESSION_INVALID and attempt == 1:
                self.token = ""
                continue
            return Answer(
                accepted=code in ACCEPTED, error_code=code, message=str(answer.get("message", "")), raw=answer
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def lookup(self, dossier_code: str) -> list[dict]:
        """``TraCuuHoSo``: what the portal holds for a dossier (empty when it has none)."""
        answer = self.call({"service": "TraCuuHoSo", "mahoso": dossier_code})
        if not answer.accepted:
            raise PortalUnavailable(f"lookup refused: {answer.message}", sent=False)
        result = answer.raw.get("result") or []
        return [item for item in result if isinstance(item, dict)]

    def share(self, body: dict) -> Answer:
        """A call to the sharing endpoint (the catalog: ``LayDanhSachTTHC``, ``LayThuTuc``)."""
        return self.call(body, path=self.config.share_path)


_local = threading.local()


def client() -> PortalClient:
    """This thread's client for the configured portal (a new one when the settings change)."""
    config = PortalConfig.from_settings()
    current = getattr(_local, "client", None)
    if current is None or current.config != config:
        _local.client = current = PortalClient(config)
    return current


def reset() -> None:
    """Forget this thread's client (the tests, after changing the portal)."""
    _local.client = None


def configured() -> bool:
    return bool(settings.NATIONAL_PORTAL_URL)

"""A small RFC 3161 time-stamping server of our own (HTTP POST ``application/timestamp-query`` →
``application/timestamp-reply``), for the demo and the tests: signing with a timestamp
(``HCC_SIGNING_TSA_URL``) is tested against it on loopback, never by patching our code.

Its certificate (RSA, extended key usage "time stamping", critical) is issued by the demo root of
``receipts.demo_signing``; the replies are built by pyHanko's own test TSA. A real deployment names
a licensed time-stamping service instead (Decree 23/2025/NĐ-CP). ``manage.py serve_demo_tsa``
runs it.
"""

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from receipts.demo_signing import ORGANISATION
from receipts.signing import DEMO_ROOT

TSA_CERT, TSA_KEY = "tsa.pem", "tsa.key"
MAX_REQUEST_BYTES = 16384


def make_tsa_identity(folder: Path) -> tuple[Path, Path]:
    """The TSA's certificate and key in ``folder`` (made once, issued by the demo root there)."""
    folder = Path(folder)
    cert_path, key_path = folder / TSA_CERT, folder / TSA_KEY
    if cert_path.is_file() and key_path.is_file():
        return cert_path, key_path
    root_cert = x509.load_pem_x509_certificate((folder / DEMO_ROOT).read_bytes())
    root_key = serialization.load_pem_private_key((folder / "root-ca.key").read_bytes(), password=None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, "Sơn Hà Demo Time Stamping"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1095))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def _stamper(folder: Path):
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    cert_path, key_path = make_tsa_identity(folder)
    return DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(cert_path)),
        tsa_key=load_private_key_from_pemder(str(key_path), passphrase=None),
    )


def make_server(folder: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """An RFC 3161 server on ``host:port`` (0: any free port) answering with the TSA of ``folder``."""
    from asn1crypto import tsp

    stamper = _stamper(folder)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            if self.headers.get("Content-Type") != "application/timestamp-query" or not (
                0 < length <= MAX_REQUEST_BYTES
            ):
                self.send_error(400, "expected an application/timestamp-query")
                return
            try:
                request = tsp.TimeStampReq.load(self.rfile.read(length))
                reply = stamper.request_tsa_response(request).dump()
            except ValueError:
                self.send_error(400, "malformed time-stamp request")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
            return

    return ThreadingHTTPServer((host, port), Handler)


def serve_in_thread(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Start the server on a free loopback port; returns it and its URL (``shutdown()`` to stop)."""
    server = make_server(folder)
    threading.Thread(target=server.serve_forever, name="demo-tsa", daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/"

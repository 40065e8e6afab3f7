"""The demo certificate chain for ``make run``: a root CA of the invented province and one
certificate per agency (and one for the center), made with ``cryptography`` and written to
``HCC_SIGNING_DIR`` (``var/signing``) by ``seed_demo``. For trying the portal only: a real
signing unit's certificate comes from a licensed CA (the government's CA for public bodies) and
is named by the environment (``HCC_SIGNING_P12_<AGENCY CODE>``)."""

import datetime
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from receipts.signing import DEMO_PASSWORD_FILE, DEMO_ROOT, env_key

ORGANISATION = "Tỉnh Sơn Hà (demo)"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _root(now: datetime.datetime):
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Sơn Hà Demo Root CA")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(root_key, root_cert, common_name: str, now: datetime.datetime):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1095))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    return key, cert


def make_demo_chain(folder: Path, units: list[tuple[str, str]], *, password: str = "") -> Path:
    """Write ``root-ca.pem`` and one ``<CODE>.p12`` per ``(agency code, name)`` of ``units``
    (``CENTER`` for the code ""), and the password file, into ``folder``. An existing chain is
    kept (run again, it only adds the units that have none). Returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    root_path, key_path = folder / DEMO_ROOT, folder / "root-ca.key"
    password_path = folder / DEMO_PASSWORD_FILE
    if root_path.is_file() and key_path.is_file() and password_path.is_file():
        root_cert = x509.load_pem_x509_certificate(root_path.read_bytes())
        root_key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        password = password_path.read_text(encoding="utf-8").strip()
    else:
        root_key, root_cert = _root(now)
        password = password or secrets.token_urlsafe(12)
        key_path.write_bytes(
            root_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_path.chmod(0o600)
        root_path.write_bytes(root_cert.public_bytes(serialization.Encoding.PEM))
        password_path.write_text(password + "\n", encoding="utf-8")
        password_path.chmod(0o600)
    for code, name in units:
        path = folder / f"{env_key(code) if code else 'CENTER'}.p12"
        if path.is_file():
            continue
        key, cert = _leaf(root_key, root_cert, name, now)
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                name.encode(),
                key,
                cert,
                [root_cert],
                serialization.BestAvailableEncryption(password.encode()),
            )
        )
        path.chmod(0o600)
    return folder


def seed_demo_certificates() -> int:
    """The demo chain for every agency and the center, in ``HCC_SIGNING_DIR``; read back only
    with ``HCC_SIGNING_DEMO`` (on with DEBUG, as ``make run`` serves). Returns how many
    certificates the folder holds."""
    from django.conf import settings

    from procedures.models import Agency

    units = [("", settings.HCC_CENTER_NAME)]
    units += [(code, name) for code, name in Agency.objects.order_by("code").values_list("code", "name")]
    folder = make_demo_chain(Path(settings.HCC_SIGNING_DIR), units)
    return len(list(folder.glob("*.p12")))


def load_demo(command, *, dossiers: int, verbosity: int) -> None:
    """``seed_demo``'s loader (settings.HCC_DEMO_LOADERS): the demo certificate chain."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    command.stdout.write(
        _("Chứng thư số trình diễn (ký số giấy tờ): %(count)s, trong %(folder)s.")
        % {"count": seed_demo_certificates(), "folder": settings.HCC_SIGNING_DIR}
    )

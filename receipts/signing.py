"""Digital signatures (PAdES) of the papers, receipts and results, with pyHanko.

Each signing unit (an agency, or the center for every agency without one) has a certificate and
its key in a PKCS#12 file named by the environment (``HCC_SIGNING_KEYS`` in the settings); with
DEBUG on and no variable, the demo chain ``seed_demo`` writes to ``HCC_SIGNING_DIR`` is used. No
certificate: no signature, and the pages say the paper is unsigned.

Two ways to make the signature visible:

- our own papers draw the signature block themselves (WeasyPrint, in the paper's font: who
  signed, when, the verification link and its QR code) and the signature field is laid on that
  block (``box``); pyHanko then only adds a thin frame, which keeps signing cheap;
- a PDF made elsewhere (a result uploaded by the resolving agency) gets pyHanko's own stamp with
  the same facts and the QR code, in the bottom right corner of its last page.

``check_pdf`` is what the public verification page asks: valid (intact, whole file covered,
certificate chained to a trusted root), signed but not by a trusted certificate, tampered, or not
signed at all. Law: Decree 23/2025/NĐ-CP (electronic signatures) art. 23–24 (a specialised
digital signature of a public body, verified against its certificate); Decree 45/2020/NĐ-CP art.
25 (a result issued electronically carries the digital signature of the issuing body).
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

FIELD_NAME = "ChuKySo"
# Room kept for the CMS signature (certificates, and a timestamp token when a TSA is configured).
RESERVED_BYTES = 16384
FOREIGN_BOX = (318, 18, 578, 92)  # points, bottom right of an A4 page
DEMO_ROOT = "root-ca.pem"
# The name of the demo chain's password file (not a password).
DEMO_PASSWORD_FILE = "password.txt"  # nosec B105


class SigningError(RuntimeError):
    """The certificate cannot be loaded or the PDF cannot be signed."""


@dataclass(frozen=True)
class SigningKey:
    """A loaded certificate and key: ``signer`` is pyHanko's, ``name`` the certificate's subject
    as printed on the paper (common name, organisation)."""

    signer: object
    name: str
    unit: str  # the agency code it belongs to, "" for the center's default


@dataclass(frozen=True)
class Verdict:
    """What the verification page shows of a stored file's signature."""

    VALID = "valid"
    UNTRUSTED = "untrusted"
    TAMPERED = "tampered"
    UNSIGNED = "unsigned"

    status: str
    signer: str = ""
    signed_at: datetime | None = None
    timestamped: bool = False
    detail: str = ""

    @property
    def is_valid(self) -> bool:
        return self.status == self.VALID


def env_key(code: str) -> str:
    """An agency code as it appears in an environment variable name: capitals, other characters
    as ``_`` (``UBND.XA-01`` → ``UBND_XA_01``)."""
    return re.sub(r"[^A-Z0-9]", "_", code.upper())


def _demo_dir() -> Path | None:
    folder = Path(settings.HCC_SIGNING_DIR)
    if settings.HCC_SIGNING_DEMO and (folder / DEMO_ROOT).is_file():
        return folder
    return None


def _key_source(code: str) -> tuple[str, str, str] | None:
    """(PKCS#12 path, password, unit) for the agency ``code``: its own, else the center's."""
    keys = settings.HCC_SIGNING_KEYS
    for unit in (env_key(code), ""):
        if unit in keys:
            path, password = keys[unit]
            return path, password, unit
    folder = _demo_dir()
    if folder is not None:
        password = (folder / DEMO_PASSWORD_FILE).read_text(encoding="utf-8").strip()
        for unit in (env_key(code), "CENTER"):
            path = folder / f"{unit}.p12"
            if path.is_file():
                return str(path), password, "" if unit == "CENTER" else unit
    return None


@functools.lru_cache(maxsize=64)
def _load(path: str, password: str, unit: str, mtime: float) -> SigningKey:
    from pyhanko.sign import signers

    try:
        data = Path(path).read_bytes()
        signer = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=password.encode() if password else None
        )
    except (OSError, ValueError) as exc:
        raise SigningError(f"cannot load the signing certificate {path}: {exc}") from exc
    if signer is None:
        raise SigningError(f"cannot load the signing certificate {path} (wrong password?)")
    subject = signer.signing_cert.subject.native
    name = ", ".join(part for part in (subject.get("common_name"), subject.get("organization_name")) if part)
    return SigningKey(signer=signer, name=name, unit=unit)


def signing_key(agency_code: str) -> SigningKey | None:
    """The certificate that signs for the agency ``agency_code`` (its own or the center's), or
    None when none is configured. Loaded once per file version."""
    source = _key_source(agency_code)
    if source is None:
        return None
    path, password, unit = source
    try:
        mtime = os.stat(path).st_mtime
    except OSError as exc:
        raise SigningError(f"signing certificate {path} is missing: {exc}") from exc
    return _load(path, password, unit, mtime)


def is_configured(agency_code: str) -> bool:
    """Whether papers of the agency are signed (a certificate that loads)."""
    try:
        return signing_key(agency_code) is not None
    except SigningError:
        logger.exception("the signing certificate of %s cannot be used", agency_code)
        return False


def _timestamper():
    if not settings.HCC_SIGNING_TSA_URL:
        return None
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

    return HTTPTimeStamper(settings.HCC_SIGNING_TSA_URL, timeout=settings.HCC_SIGNING_TSA_TIMEOUT)


@functools.cache
def _stamp_font() -> str:
    """A subset of the papers' font (Latin and Vietnamese letters) for pyHanko's stamp on foreign
    PDFs, made once per process: the whole font costs ~0,2 s a signature to parse."""
    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # a line per table otherwise
    source = Path(__file__).resolve().parent / "fonts" / "DejaVuSerif.ttf"
    options = subset.Options()
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    ranges = [(0x20, 0x7E), (0xA0, 0x17F), (0x1A0, 0x1B0), (0x300, 0x323), (0x1EA0, 0x1EF9)]
    subsetter.populate(unicodes=[c for low, high in ranges for c in range(low, high + 1)])
    subsetter.subset(font)
    handle, path = tempfile.mkstemp(prefix="hcc-stamp-", suffix=".ttf")
    with os.fdopen(handle, "wb") as out:
        font.save(out)
    return path


def sign_pdf(
    pdf: bytes,
    *,
    key: SigningKey,
    reason: str,
    location: str = "",
    box: tuple[float, float, float, float] | None = None,
    page: int = -1,
    verify_url: str = "",
) -> bytes:
    """``pdf`` signed (PAdES baseline B, or B-T with a timestamp when a TSA is configured) in an
    incremental update. ``box`` (points, from the bottom left of ``page``) is where our paper drew
    its signature block; without it the stamp with the QR code of ``verify_url`` is drawn in the
    bottom right corner of the last page."""
    from pyhanko import stamp
    from pyhanko.pdf_utils import text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if page < 0:
            page = int(writer.root["/Pages"]["/Count"]) + page
        if box is not None:
            # The paper drew the block: the field lies on it with no appearance of its own
            # (pyHanko's text stamp would cost a third of the signing time).
            from pyhanko.stamp.noop import NoOpStampStyle

            style = NoOpStampStyle()
            params = None
        else:
            box = FOREIGN_BOX
            font = GlyphAccumulatorFactory(_stamp_font(), font_size=7)
            style = stamp.QRStampStyle(
                stamp_text="Ký số bởi: %(signer)s\nThời điểm: %(ts)s\nQuét mã QR để xác minh",
                text_box_style=text.TextBoxStyle(font=font),
                timestamp_format="%d/%m/%Y %H:%M",
                border_width=1,
                background=None,
            )
            params = {"url": verify_url or settings.HCC_SITE_URL, "signer": key.name}
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            reason=reason,
            location=location or None,
            name=key.name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=key.signer,
            timestamper=_timestamper(),
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box),
        )
        out = pdf_signer.sign_pdf(writer, bytes_reserved=RESERVED_BYTES, appearance_text_params=params)
    except SigningError:
        raise
    except Exception as exc:  # pyHanko raises many kinds; the caller needs one, with the cause
        raise SigningError(f"signing failed: {exc}") from exc
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def _trust_roots(paths: tuple[str, ...]) -> list:
    from asn1crypto import pem, x509

    roots = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            logger.error("trust root %s cannot be read: %s", path, exc)
            continue
        blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        roots.extend(x509.Certificate.load(der) for der in blobs)
    return roots


def trust_root_paths() -> tuple[str, ...]:
    paths = list(settings.HCC_SIGNING_TRUST_ROOTS)
    folder = _demo_dir()
    if folder is not None:
        paths.append(str(folder / DEMO_ROOT))
    return tuple(paths)


def check_pdf(data: bytes, *, expected_sha256: str = "") -> Verdict:
    """Check the signature of a stored file: valid, untrusted, tampered or unsigned. A file whose
    digest differs from the one recorded when it was signed is tampered, whatever its inside says."""
    import hashlib

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if expected_sha256 and hashlib.sha256(data).hexdigest() != expected_sha256:
        verdict = Verdict(Verdict.TAMPERED, detail="digest")
        # still name the signer if the signature can be read: the page says who it claimed to be
        return _named(data, verdict)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # an unreadable file is not what was signed
        return Verdict(Verdict.TAMPERED, detail=f"unreadable: {exc}")
    if not signatures:
        return Verdict(Verdict.UNSIGNED)
    signature = signatures[-1]
    context = ValidationContext(
        trust_roots=_trust_roots(trust_root_paths()), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = validate_pdf_signature(signature, context)
    except Exception as exc:  # a signature that cannot even be read was altered (or never valid)
        logger.warning("signature unreadable, reported as tampered", exc_info=True)
        return Verdict(Verdict.TAMPERED, detail=str(exc))
    name = _subject_name(status.signing_cert)
    signed_at = (
        status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    )
    common = {"signer": name, "signed_at": signed_at, "timestamped": status.timestamp_validity is not None}
    if not status.intact or not status.valid or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Verdict(Verdict.TAMPERED, **common, detail="signature")
    if not status.trusted:
        return Verdict(Verdict.UNTRUSTED, **common)
    return Verdict(Verdict.VALID, **common)


def _subject_name(cert) -> str:
    subject = cert.subject.native
    return ", ".join(part for part in (subject.get("common_name"), subject.get("organization_name")) if part)


def _named(data: bytes, verdict: Verdict) -> Verdict:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        cert = signatures[-1].signer_cert if signatures else None
    except Exception:  # nothing readable: the verdict stands without a name
        logger.info("tampered file: signer unreadable", exc_info=True)
        return verdict
    if cert is None:
        return verdict
    return Verdict(verdict.status, signer=_subject_name(cert), detail=verdict.detail)

"""Dossier files: type checked by content, not by name; stored under server-made names outside
any public URL; size and count limited."""

import hashlib
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_DOSSIER = 30

# Leading bytes of the formats accepted from phones and scanners.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


@dataclass
class FileUpload:
    """A file on its way into a dossier, read into memory once checked for size."""

    name: str
    content: bytes
    document_id: int | None = None
    is_original: bool = False


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def clean_name(name: str) -> str:
    """The uploader's file name, for display only: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return base[:200] or "tep"


def upload_from_django(uploaded, *, document_id: int | None = None, is_original: bool = False) -> FileUpload:
    """Check a Django UploadedFile and read it. Raises ValidationError with the file's name."""
    name = clean_name(uploaded.name)
    if uploaded.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("Tệp %(name)s lớn hơn %(limit)s MB.") % {"name": name, "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    content = uploaded.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            _("Tệp %(name)s lớn hơn %(limit)s MB.") % {"name": name, "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    upload = FileUpload(name=name, content=content, document_id=document_id, is_original=is_original)
    check_upload(upload)
    return upload


@dataclass
class StagedUpload:
    """A file on its way into an online submission, left where Django's upload handler streamed
    it (a temporary file: ``FILE_UPLOAD_HANDLERS``), checked by size and by its first bytes, to be
    copied in chunks: its content is never held in memory whole."""

    name: str
    file: object  # django.core.files.uploadedfile.UploadedFile
    size: int
    content_type: str
    document_id: int | None = None


def stage_from_django(uploaded, *, document_id: int | None = None) -> StagedUpload:
    """Check a Django UploadedFile as ``upload_from_django`` does, reading only its first bytes.
    Raises ValidationError with the file's name."""
    name = clean_name(uploaded.name)
    if uploaded.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("Tệp %(name)s lớn hơn %(limit)s MB.") % {"name": name, "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not uploaded.size:
        raise ValidationError(_("Tệp %(name)s rỗng.") % {"name": name})
    uploaded.seek(0)
    content_type = sniff_content_type(uploaded.read(16))
    uploaded.seek(0)
    if content_type is None:
        raise ValidationError(
            _("Tệp %(name)s không phải PDF, JPEG hay PNG (kiểm tra theo nội dung tệp).") % {"name": name}
        )
    return StagedUpload(
        name=name, file=uploaded, size=uploaded.size, content_type=content_type, document_id=document_id
    )


def check_upload(upload: FileUpload) -> str:
    if not upload.content:
        raise ValidationError(_("Tệp %(name)s rỗng.") % {"name": upload.name})
    if len(upload.content) > MAX_FILE_BYTES:
        raise ValidationError(
            _("Tệp %(name)s lớn hơn %(limit)s MB.")
            % {"name": upload.name, "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    content_type = sniff_content_type(upload.content[:16])
    if content_type is None:
        raise ValidationError(
            _("Tệp %(name)s không phải PDF, JPEG hay PNG (kiểm tra theo nội dung tệp).")
            % {"name": upload.name}
        )
    return content_type


def store_file(*, dossier, upload: FileUpload, actor, kind: str):
    """Save one checked file to the dossier (inside the caller's transaction)."""
    from dossiers.models import DossierFile

    content_type = check_upload(upload)
    if dossier.files.count() >= MAX_FILES_PER_DOSSIER:
        raise ValidationError(_("Hồ sơ đã có tối đa %(n)s tệp.") % {"n": MAX_FILES_PER_DOSSIER})
    document_name = ""
    if upload.document_id:
        document_name = (
            dossier.procedure.documents.filter(pk=upload.document_id).values_list("name", flat=True).first()
        )
        if document_name is None:
            raise ValidationError(_("Thành phần hồ sơ không thuộc thủ tục này."))
    row = DossierFile(
        dossier=dossier,
        document_id=upload.document_id,
        document_name=document_name,
        kind=kind,
        is_original=upload.is_original,
        token=secrets.token_hex(8),
        original_name=upload.name,
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        content_type=content_type,
        uploaded_by=actor,
    )
    row.file.save("upload", ContentFile(upload.content), save=False)
    row.save()
    return row


def purge_abandoned_uploads(*, root, older_than_seconds: float, now: float | None = None) -> int:
    """Delete the folders of online submissions (``MEDIA_ROOT/tmp/<random>``) nobody touched for
    ``older_than_seconds``: abandoned wizards and the locks of finished ones. Returns how many."""
    base = Path(root) / "tmp"
    if not base.is_dir():
        return 0
    limit = (now or time.time()) - older_than_seconds
    removed = 0
    for folder in base.iterdir():
        if not folder.is_dir():
            continue
        newest = max([folder.stat().st_mtime, *(entry.stat().st_mtime for entry in folder.rglob("*"))])
        if newest < limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed

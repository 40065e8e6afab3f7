"""A dossier's stored files and the required documents ticked as received at the desk."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models.dossier import Dossier

# The stored (content-sniffed) types a staff member may see inline.
PREVIEWABLE = frozenset({"application/pdf", "image/jpeg", "image/png"})


class FileKind(models.TextChoices):
    SUBMISSION = "submission", _("Thành phần hồ sơ")
    SUPPLEMENT = "supplement", _("Bổ sung")
    RESULT = "result", _("Kết quả")


def dossier_file_path(instance: "DossierFile", filename: str) -> str:
    """Server-made names only: the uploader's file name is kept in the row, never on disk."""
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"dossiers/{instance.dossier_id}/{instance.sha256[:16]}-{instance.token}.{extension}"


class DossierFile(models.Model):
    dossier = models.ForeignKey(Dossier, db_constraint=False, on_delete=models.PROTECT, related_name="files")
    document = models.ForeignKey(
        "procedures.RequiredDocument",
        verbose_name=_("thành phần hồ sơ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The required document's name when the file came in (the catalog may change later).
    document_name = models.CharField(_("thành phần hồ sơ"), max_length=1000, blank=True)
    kind = models.CharField(max_length=12, choices=FileKind.choices, default=FileKind.SUBMISSION)
    is_original = models.BooleanField(_("bản chính"), default=False)
    file = models.FileField(upload_to=dossier_file_path, max_length=255)
    token = models.CharField(max_length=32, editable=False)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def previewable(self) -> bool:
        """A PDF or an image: staff see it inline in a sandboxed viewer (``file_preview``)."""
        return self.content_type in PREVIEWABLE


class DocumentReceived(models.Model):
    """A required document ticked as received at the desk: originals and copies counted."""

    dossier = models.ForeignKey(
        Dossier, db_constraint=False, on_delete=models.CASCADE, related_name="documents_received"
    )
    document = models.ForeignKey(
        "procedures.RequiredDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The document's name at intake: what the applicant handed over, whatever the catalog says later.
    name = models.CharField(_("tên giấy tờ"), max_length=1000, default="")
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document"], name="document_received_once"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.originals}/{self.copies}"

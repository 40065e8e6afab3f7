"""Digitisation at intake and the citizen's (or organisation's) document store (kho dữ liệu).

``Digitisation``: one paper of a dossier as the desk handled it — scanned and made a searchable
PDF/A (OCR in Vietnamese, in a task), or kept on paper only; results too. ``StoredDocument``: a
digitised paper or a result kept in its owner's store, with its kind, issuer, number, date and
validity, offered for reuse in the owner's next dossiers. ``DocumentReuse``: a dossier that used
a stored paper instead of a new copy. Decree 45/2020/NĐ-CP art. 25 (digitisation of dossiers and
results) and art. 16 (the store of each person's electronic documents); Decision 766/QĐ-TTg
group 6 counts the three.
"""

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def match_key(text: str) -> str:
    """``Bản sao Giấy khai sinh`` → ``ban sao giay khai sinh``: lower case, no diacritics (Đ/đ →
    d), single spaces. Papers are matched to required documents by this key."""
    text = (text or "").replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().split())


class DigitisationState(models.TextChoices):
    PAPER_ONLY = "paper_only", _("Chỉ có bản giấy")
    QUEUED = "queued", _("Chờ số hóa")
    RUNNING = "running", _("Đang nhận dạng chữ (OCR)")
    DONE = "done", _("Đã số hóa, tìm được theo nội dung")
    OCR_OFF = "ocr_off", _("Đã số hóa, chưa nhận dạng chữ (OCR tắt)")
    FAILED = "failed", _("Nhận dạng chữ lỗi, giữ bản quét")


# States in which the paper has a digital copy (the figures count these as digitised).
DIGITISED_STATES = (
    DigitisationState.QUEUED,
    DigitisationState.RUNNING,
    DigitisationState.DONE,
    DigitisationState.OCR_OFF,
    DigitisationState.FAILED,
)


def digitised_path(instance: "Digitisation", filename: str) -> str:
    return f"digitised/{instance.dossier_id}/{instance.pk or 'new'}-{timezone.now():%Y%m%d%H%M%S}.pdf"


class Digitisation(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", db_constraint=False, on_delete=models.PROTECT, related_name="digitisations"
    )
    document = models.ForeignKey(
        "procedures.RequiredDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("giấy tờ"), max_length=1000)
    is_result = models.BooleanField(_("là kết quả giải quyết"), default=False)
    state = models.CharField(_("tình trạng số hóa"), max_length=12, choices=DigitisationState.choices)
    scans = models.ManyToManyField("dossiers.DossierFile", related_name="+", blank=True)
    output = models.FileField(_("bản số hóa (PDF/A)"), upload_to=digitised_path, max_length=255, blank=True)
    output_sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(_("số trang"), default=0)
    # The recognised text (the PDF's text layer too): what makes the paper searchable.
    text = models.TextField(_("nội dung nhận dạng"), blank=True)
    digitised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người số hóa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("số hóa giấy tờ")
        verbose_name_plural = _("số hóa giấy tờ")
        ordering = ["dossier", "is_result", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(state__in=["queued", "running"]),
                name="digitisation_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.name[:40]} {self.state}"

    @property
    def is_digitised(self) -> bool:
        return self.state in DIGITISED_STATES

    @property
    def in_progress(self) -> bool:
        return self.state in (DigitisationState.QUEUED, DigitisationState.RUNNING)


class StoredSource(models.TextChoices):
    DIGITISED = "digitised", _("Giấy tờ đã số hóa")
    RESULT = "result", _("Kết quả giải quyết")


class StoredDocument(models.Model):
    """A paper in its owner's store: a person (by ID number, and their account when known) or an
    organisation (by tax code)."""

    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản chủ sở hữu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stored_documents",
        db_index=False,  # partial index below
    )
    owner_id_number = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    owner_tax_code = models.CharField(_("mã số thuế tổ chức"), max_length=14, blank=True)
    owner_name = models.CharField(_("chủ sở hữu"), max_length=300)
    kind = models.CharField(_("loại giấy tờ"), max_length=300)
    key = models.CharField(max_length=300, editable=False)  # match_key(kind)
    issuer = models.CharField(_("cơ quan cấp"), max_length=300, blank=True)
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    valid_until = models.DateField(_("có giá trị đến"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=StoredSource.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        db_constraint=False,
        verbose_name=_("từ hồ sơ"),
        on_delete=models.PROTECT,
        related_name="stored_documents",
    )
    digitisation = models.OneToOneField(
        Digitisation, on_delete=models.PROTECT, null=True, blank=True, related_name="stored"
    )
    signed_paper = models.ForeignKey(
        "receipts.SignedPaper", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("lưu lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu giấy tờ của công dân, tổ chức")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner_user"], condition=Q(owner_user__isnull=False), name="stored_by_user"),
            models.Index(
                fields=["owner_id_number"], condition=~Q(owner_id_number=""), name="stored_by_id_number"
            ),
            models.Index(
                fields=["owner_tax_code"], condition=~Q(owner_tax_code=""), name="stored_by_tax_code"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(digitisation__isnull=False) | Q(signed_paper__isnull=False),
                name="stored_document_has_a_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}".strip()

    def is_valid_on(self, day) -> bool:
        return self.valid_until is None or self.valid_until >= day

    @property
    def file(self):
        """The stored PDF: the signed result, else the digitised copy."""
        if self.signed_paper_id:
            return self.signed_paper.file
        return self.digitisation.output if self.digitisation_id else None

    @property
    def label(self) -> str:
        parts = [self.kind]
        if self.number:
            parts.append(_("số %(number)s") % {"number": self.number})
        if self.issuer:
            parts.append(str(self.issuer))
        if self.issued_on:
            parts.append(_("cấp ngày %(day)s") % {"day": self.issued_on.strftime("%d/%m/%Y")})
        if self.valid_until:
            parts.append(_("có giá trị đến %(day)s") % {"day": self.valid_until.strftime("%d/%m/%Y")})
        return ", ".join(str(part) for part in parts)


class DocumentReuse(models.Model):
    """A required document of a dossier answered by a paper of the applicant's store."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", db_constraint=False, on_delete=models.PROTECT, related_name="document_reuses"
    )
    document = models.ForeignKey(
        "procedures.RequiredDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("thành phần hồ sơ"), max_length=1000)
    stored = models.ForeignKey(StoredDocument, on_delete=models.PROTECT, related_name="reuses")
    reused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reused_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("giấy tờ dùng lại")
        verbose_name_plural = _("giấy tờ dùng lại")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document"], name="document_reused_once"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.name[:40]} ← {self.stored_id}"

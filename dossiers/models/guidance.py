"""The desk's guidance papers for a walk-in dossier it did not receive (forms 02 and 03)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models.dossier import ApplicantKind, IdKind, mask_id_number


class GuidanceKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)")
    REFUSAL = "refusal", _("Từ chối tiếp nhận hồ sơ (mẫu 03)")


class IntakeGuidance(models.Model):
    """A walk-in dossier the desk did not receive (Decree 61/2018 art. 19(2) as amended by Decree
    107/2021): incomplete, with everything missing listed at once (form 02), or not receivable,
    with the reason (form 03). No dossier is made and nothing is counted as received: this is the
    desk's record of the guidance given and of the paper handed over, numbered
    ``<office code>-HD-<yymmdd>-<nnn>`` per office and day."""

    code = models.CharField(_("số phiếu"), max_length=48, unique=True)
    kind = models.CharField(_("loại phiếu"), max_length=12, choices=GuidanceKind.choices)
    office = models.ForeignKey(
        "procedures.Agency", verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    applicant_kind = models.CharField(
        _("người nộp là"), max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=200)
    organisation_name = models.CharField(_("tên tổ chức"), max_length=300, blank=True)
    id_kind = models.CharField(
        _("loại giấy tờ tùy thân"), max_length=8, choices=IdKind.choices, default=IdKind.CCCD
    )
    id_number = models.CharField(_("số giấy tờ tùy thân"), max_length=20, blank=True)
    nationality = models.CharField(_("quốc tịch"), max_length=2, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    # Form 02: every document or content still needed, listed once and in full.
    items = models.JSONField(_("nội dung cần bổ sung, hoàn thiện"), default=list, blank=True)
    # Form 03: why the dossier cannot be received; for form 02 an optional explanation.
    reason = models.TextField(_("lý do"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("lập lúc"), db_index=True)

    class Meta:
        verbose_name = _("phiếu hướng dẫn tại quầy")
        verbose_name_plural = _("phiếu hướng dẫn tại quầy")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "created_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

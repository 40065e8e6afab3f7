"""Personal data protection (Law 91/2025/QH15): who opened which personal data (append-only), the
citizens' deletion requests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An access record is evidence: it is never changed or deleted by the application."""


class AccessKind(models.TextChoices):
    VIEW = "view", _("xem hồ sơ")
    FILE = "file", _("tải tệp")
    PAPER = "paper", _("xem, in giấy tờ")
    EXPORT = "export", _("xuất dữ liệu")


class AccessRecord(models.Model):
    """One opening of personal data by staff: who, when, what (a dossier or an export), from where.
    The staff member's name and role are copied at the time (the record outlives renamed accounts);
    the agency is the one they belonged to then."""

    at = models.DateTimeField(_("lúc"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xem"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=True,
    )
    actor_name = models.CharField(_("họ tên"), max_length=150)
    actor_role = models.CharField(_("vai trò"), max_length=16)
    agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("loại"), max_length=8, choices=AccessKind.choices)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=40, blank=True, db_index=True)
    what = models.CharField(_("nội dung"), max_length=255)
    address = models.GenericIPAddressField(_("địa chỉ mạng"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["dossier_code", "-at"]), models.Index(fields=["actor", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.what}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("access records are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("access records are never deleted")


class DeletionStatus(models.TextChoices):
    REQUESTED = "requested", _("đã yêu cầu")
    DONE = "done", _("đã xóa")


class DeletionRequest(models.Model):
    """A citizen asks for their account to be erased (Law 91/2025, art. on the data subject's right
    to erasure). Dossiers are kept for their legal retention period; the account's contact and name
    are removed and it can no longer log in (``privacy.services.deletion_carry_out``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    account_ref = models.CharField(_("tài khoản"), max_length=40)
    requested_at = models.DateTimeField(_("lúc yêu cầu"))
    reason = models.TextField(_("lý do"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=DeletionStatus.choices, default=DeletionStatus.REQUESTED
    )
    done_at = models.DateTimeField(_("lúc xóa"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu xóa dữ liệu")
        verbose_name_plural = _("yêu cầu xóa dữ liệu")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.account_ref} {self.requested_at:%Y-%m-%d}"

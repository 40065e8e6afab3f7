"""The outbox: every SMS and email is a row first, sent later by a worker.

Generic: a notice names what it is about with strings (``subject_ref``, ``dossier_code``) and the
id of the event that caused it, never with a foreign key to another app.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class Status(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    # Left "sending" by a worker that stopped mid-send, on a channel whose provider cannot drop a
    # repeat: an administrator checks with the provider, then resends or marks it sent.
    UNKNOWN = "unknown", _("Đang gửi, chưa rõ kết quả")


class MessageTemplate(models.Model):
    """The text of one kind of notice, in Django template syntax, editable by an administrator."""

    code = models.CharField(_("mã mẫu"), max_length=64, unique=True)
    name = models.CharField(_("tên mẫu"), max_length=200)
    sms_body = models.TextField(_("nội dung SMS"), blank=True)
    email_subject = models.CharField(_("tiêu đề email"), max_length=300, blank=True)
    email_body = models.TextField(_("nội dung email"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class Notification(models.Model):
    recipient = models.CharField(_("người nhận"), max_length=254)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    template_code = models.CharField(_("mẫu"), max_length=64)
    context = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"))
    # What the notice is about, without a foreign key: "dossier:<code>", "digest:<agency>:<date>"…
    subject_ref = models.CharField(_("về"), max_length=120, blank=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=40, blank=True, db_index=True)
    event_id = models.BigIntegerField(_("sự kiện"), default=0)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    resends = models.PositiveSmallIntegerField(_("số lần gửi lại"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    provider_ref = models.CharField(_("mã của nhà cung cấp"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("gửi từ"), default=timezone.now)
    claimed_at = models.DateTimeField(_("nhận gửi lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_ref", "event_id", "template_code", "channel", "recipient"],
                name="notification_once_per_event",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} → {self.recipient} ({self.template_code})"

    @property
    def idempotency_key(self) -> str:
        """What a provider sees as this message's reference: the same for every attempt, so a send
        repeated after a crash is recognised; a deliberate resend gets a new one."""
        return str(self.pk) if not self.resends else f"{self.pk}-r{self.resends}"


class OptOut(models.Model):
    """An address that asked not to receive notices on a channel."""

    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("địa chỉ"), max_length=254)
    created_at = models.DateTimeField(_("từ lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("từ chối nhận thông báo")
        verbose_name_plural = _("từ chối nhận thông báo")
        constraints = [models.UniqueConstraint(fields=["channel", "address"], name="optout_once")]

    def __str__(self) -> str:
        return f"{self.channel}: {self.address}"

"""The national public service portal's side of a dossier: the sync outbox and the procedure codes.

A ``SyncMessage`` is written in the transaction that writes the dossier's ``Event`` (one per
dossier and event, by a unique constraint), holds the request body as it will be posted, and
keeps the portal's answer. Messages of one dossier are sent in the order they were written.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    """The portal's operations a message calls (its ``service`` field)."""

    DOSSIER = "DongBoHoSoMC", _("Đồng bộ hồ sơ")
    PROGRESS = "CapNhatTienDoHoSoMC", _("Cập nhật tiến độ xử lý")


class SyncStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Cổng quốc gia đã nhận")
    REFUSED = "refused", _("Cổng quốc gia từ chối")
    FAILED = "failed", _("Gửi lỗi nhiều lần")


# A message in one of these holds back the later messages of its dossier (order per dossier).
BLOCKING = (SyncStatus.PENDING, SyncStatus.SENDING, SyncStatus.REFUSED, SyncStatus.FAILED)


class ProcedureCode(models.Model):
    """Our procedure code → the national database's code, where they differ (most are the same)."""

    code = models.CharField(_("mã thủ tục của tỉnh"), max_length=32, unique=True)
    national_code = models.CharField(_("mã thủ tục trên CSDL quốc gia"), max_length=32)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("mã thủ tục quốc gia")
        verbose_name_plural = _("bảng mã thủ tục quốc gia")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} → {self.national_code}"


class SyncMessage(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        db_constraint=False,
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=40, db_index=True)
    # On PostgreSQL the event log is partitioned by its dossier's year, and its primary key is
    # (id, dossier_year): the reference is the composite foreign key (event_id, event_year), added
    # in SQL by migration 0003 (Django cannot declare one), so Django's own is not made.
    event = models.OneToOneField(
        "dossiers.Event",
        verbose_name=_("sự kiện"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    event_year = models.SmallIntegerField(editable=False)
    action = models.CharField(_("thao tác"), max_length=32)
    service = models.CharField(_("dịch vụ"), max_length=32, choices=Service.choices)
    payload = models.JSONField(_("nội dung gửi"), default=dict)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=SyncStatus.choices, default=SyncStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    resends = models.PositiveSmallIntegerField(_("số lần gửi lại"), default=0)
    answer = models.JSONField(_("trả lời của cổng"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("gửi từ"), default=timezone.now)
    claimed_at = models.DateTimeField(_("nhận gửi lúc"), null=True, blank=True)
    # The worker that holds the message while it is ``sending`` (one batch, one token).
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    # It may have reached the portal without its answer coming back (time-out, dropped
    # connection, a worker that died mid-send): looked up (TraCuuHoSo) before it is sent again.
    in_doubt = models.BooleanField(_("chưa rõ cổng đã nhận"), default=False)
    sent_at = models.DateTimeField(_("cổng nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bản tin đồng bộ")
        verbose_name_plural = _("đồng bộ Cổng DVC quốc gia")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="national_sync_due",
            ),
            models.Index(fields=["dossier", "id"], name="national_sync_dossier"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.dossier_code} {self.service} ({self.status})"


class PullStatus(models.TextChoices):
    WAITING = "waiting", _("Chờ duyệt")
    APPLIED = "applied", _("Đã áp dụng")
    DISCARDED = "discarded", _("Đã bỏ")


class CatalogPull(models.Model):
    """One pull of the procedure catalog from the national database: what it brought, and the
    change report (new, changed, withdrawn) an administrator approves before it applies."""

    created_at = models.DateTimeField(_("lấy lúc"), default=timezone.now)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PullStatus.choices, default=PullStatus.WAITING
    )
    items = models.JSONField(_("thủ tục nhận được"), default=list)
    new = models.JSONField(_("thủ tục mới"), default=list)
    changed = models.JSONField(_("thủ tục thay đổi"), default=list)
    withdrawn = models.JSONField(_("thủ tục bị bãi bỏ"), default=list)
    problems = models.JSONField(_("lỗi, cảnh báo"), default=list)
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("người duyệt"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("lần lấy danh mục thủ tục quốc gia")
        verbose_name_plural = _("lấy danh mục thủ tục quốc gia")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%d/%m/%Y %H:%M} ({self.get_status_display()})"

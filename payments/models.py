"""Online payments: one row per attempt to pay a dossier's fees through the gateway."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xác nhận của cổng thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    # The gateway took the money but no receipt could be issued (the fees were paid at the desk
    # in between, the dossier was withdrawn...): an accountant reconciles it (refund or offset).
    REVIEW = "review", _("Đã thanh toán, cần đối chiếu")


class Payment(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        db_constraint=False,
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="online_payments",
    )
    # vnp_TxnRef: ours, unique; the gateway's own number comes back as vnp_TransactionNo.
    txn_ref = models.CharField(_("mã giao dịch"), max_length=40, unique=True)
    merchant_code = models.CharField(_("mã đơn vị"), max_length=20)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    line_ids = models.JSONField(_("các khoản thu"), default=list)
    payer_name = models.CharField(_("người nộp tiền"), max_length=300)
    status = models.CharField(
        _("tình trạng"), max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), db_index=True)
    # What the gateway said, when it said it.
    gateway_transaction_no = models.CharField(_("số giao dịch của cổng"), max_length=40, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    response_code = models.CharField(_("mã kết quả"), max_length=4, blank=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    confirmed_by = models.CharField(_("xác nhận qua"), max_length=8, blank=True)  # "ipn" / "query"
    last_checked_at = models.DateTimeField(_("tra soát lần cuối"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    receipts = models.ManyToManyField(
        "receipts.Receipt", verbose_name=_("biên lai"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("thanh toán trực tuyến")
        verbose_name_plural = _("thanh toán trực tuyến")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]
        indexes = [
            models.Index(fields=["status", "created_at"], name="payment_status_created"),
            models.Index(fields=["confirmed_at"], name="payment_confirmed_at"),
        ]

    def __str__(self) -> str:
        return self.txn_ref

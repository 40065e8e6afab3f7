"""Fees owed by a dossier and the receipts (biên lai) that record their payment.

A dossier's ``FeeLine``s are a snapshot of its procedure's ``Fee`` rows (name, kind, amount), taken
once, when the dossier is received (``services.fees.fee_lines_set``); a clerk may exempt a line
with a reason. Each payment issues a ``Receipt`` numbered without
gaps within its series (``ReceiptSeries`` is the counter row). An issued receipt never changes:
a mistake is cancelled (a ``ReceiptCancellation`` row, append-only too) and replaced by a new
receipt that refers to the cancelled one.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procedures.models import FeeKind


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Tiền mặt")
    TRANSFER = "transfer", _("Chuyển khoản")
    ONLINE = "online", _("Thanh toán trực tuyến")


class ReceiptSeries(models.Model):
    """A receipt template code and series (mẫu số, ký hiệu) used by an agency, and the last number
    given in it: the counter row, locked and bumped in the transaction that issues a receipt."""

    agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("cơ quan thu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipt_series",
        help_text=_("Để trống: dãy số dùng chung cho các cơ quan chưa có dãy số riêng."),
    )
    # Where the series is used when the center collects on the agency's behalf (thu hộ): the
    # owner's series at that desk. Empty: the agency's own series, used at its own desk.
    desk = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("nơi thu hộ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Bộ phận một cửa thu hộ bằng dãy số này; để trống: dãy số riêng của cơ quan."),
    )
    template_code = models.CharField(_("mẫu số"), max_length=20)
    series = models.CharField(_("ký hiệu"), max_length=20)
    last_number = models.PositiveIntegerField(_("số cuối đã cấp"), default=0, editable=False)
    # A new series (a new year's ký hiệu) starts at 1: the old row is retired, never renumbered.
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("mẫu số, ký hiệu biên lai")
        verbose_name_plural = _("mẫu số, ký hiệu biên lai")
        constraints = [
            models.UniqueConstraint(fields=["template_code", "series"], name="receipt_series_unique"),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(is_active=True, desk__isnull=True),
                name="receipt_series_one_active_per_agency",
            ),
            models.UniqueConstraint(
                fields=["agency", "desk"],
                condition=Q(is_active=True, desk__isnull=False),
                name="receipt_series_one_active_per_agency_desk",
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(agency__isnull=True, is_active=True),
                name="receipt_series_one_active_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_code} {self.series}"


class FeeLine(models.Model):
    """One fee or charge a dossier owes: copied from the procedure's Fee, so later catalog changes
    do not change what is owed. Financial obligations (taxes, levies) are never fee lines."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", db_constraint=False, on_delete=models.PROTECT, related_name="fee_lines"
    )
    fee = models.ForeignKey(
        "procedures.Fee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("khoản thu"), max_length=500)
    kind = models.CharField(_("loại"), max_length=8, choices=FeeKind.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    # The agency the fee belongs to (the fee's owner, else the resolving agency): the center
    # collects on its behalf and transfers the month's total to it.
    owner = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("cơ quan hưởng"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    exempt = models.BooleanField(_("miễn"), default=False)
    exempt_reason = models.CharField(_("lý do miễn"), max_length=500, blank=True)
    exempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exempted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khoản phí, lệ phí của hồ sơ")
        verbose_name_plural = _("khoản phí, lệ phí của hồ sơ")
        ordering = ["dossier", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exempt=False) | ~Q(exempt_reason=""), name="fee_line_exemption_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Biên lai đã phát hành không được sửa."))

    def delete(self):
        raise ValidationError(_("Biên lai đã phát hành không được xóa."))


class ReceiptQuerySet(AppendOnlyQuerySet):
    def valid(self):
        return self.filter(cancellation__isnull=True)


class _AppendOnly(models.Model):
    """Rows written once: ``save()`` refuses updates and ``delete()`` refuses."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Biên lai đã phát hành không được sửa."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Biên lai đã phát hành không được xóa."))


class Receipt(_AppendOnly):
    """A fee receipt (biên lai thu phí, lệ phí) as issued. Never edited or deleted."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", db_constraint=False, on_delete=models.PROTECT, related_name="receipts"
    )
    series = models.ForeignKey(ReceiptSeries, on_delete=models.PROTECT, related_name="receipts")
    # Copied from the series at issue: what was printed stays what was printed.
    template_code = models.CharField(_("mẫu số"), max_length=20)
    series_code = models.CharField(_("ký hiệu"), max_length=20)
    number = models.PositiveIntegerField(_("số"))
    # The public verification page's address carries this, never the number.
    token = models.CharField(max_length=64, unique=True, editable=False)

    payer_name = models.CharField(_("người nộp tiền"), max_length=300)
    payer_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    payer_tax_code = models.CharField(_("mã số thuế, số định danh"), max_length=20, blank=True)
    method = models.CharField(_("hình thức thanh toán"), max_length=10, choices=PaymentMethod.choices)
    transaction_ref = models.CharField(_("mã giao dịch"), max_length=100, blank=True)
    total = models.PositiveBigIntegerField(_("tổng tiền (đồng)"))
    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("cơ quan thu"), on_delete=models.PROTECT, related_name="+"
    )
    # On whose behalf it was collected: the owner of every line of the receipt.
    owner = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("cơ quan hưởng"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thu"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("thời điểm thu"), db_index=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("thay thế biên lai"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("biên lai")
        verbose_name_plural = _("biên lai")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="receipt_number_once_per_series"),
            models.CheckConstraint(
                condition=Q(method="cash") | ~Q(transaction_ref=""), name="receipt_non_cash_has_reference"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "issued_at"]),
            models.Index(fields=["owner", "issued_at"]),
            models.Index(fields=["collector", "issued_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.template_code} {self.series_code} {self.number_display}"

    @property
    def number_display(self) -> str:
        return f"{self.number:07d}"

    @property
    def is_cancelled(self) -> bool:
        try:
            return self.cancellation is not None
        except ReceiptCancellation.DoesNotExist:
            return False

    @property
    def masked_payer_name(self) -> str:
        return mask_name(self.payer_name)


def mask_name(name: str) -> str:
    """``Nguyễn Văn An`` → ``N*** V** An``: the verification page shows no more than this."""
    words = name.split()
    if not words:
        return ""
    masked = [w[0] + "*" * (len(w) - 1) for w in words[:-1]]
    return " ".join([*masked, words[-1]])


class ReceiptLine(_AppendOnly):
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="lines")
    fee_line = models.ForeignKey(FeeLine, on_delete=models.PROTECT, related_name="receipt_lines")
    name = models.CharField(_("khoản thu"), max_length=500)
    kind = models.CharField(_("loại"), max_length=8, choices=FeeKind.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("dòng biên lai")
        verbose_name_plural = _("dòng biên lai")
        ordering = ["receipt", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class _ReceiptSums(models.Model):
    """The valid receipts issued in one period at one desk (``Receipt.agency``'s id) by one
    payment method: how many (``n``), their ``total`` and how many of them a gateway payment paid
    (``gateway_n``: linked to a PAID payment, ``payments.selectors.gateway_receipt_ids``)."""

    agency_pk = models.IntegerField()
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    n = models.IntegerField(default=0)
    total = models.BigIntegerField(default=0)
    gateway_n = models.IntegerField(default=0)

    class Meta:
        abstract = True


class ReceiptDay(_ReceiptSums):
    """The receipts' sums of one local ``day`` (of ``issued_at``): the dashboards' fees read this
    and ``ReceiptMonth`` instead of every receipt of the period. Written with each receipt, its
    cancellation and its gateway payment, in their transaction (``receipts.rollup``); rebuilt by
    ``receipts.rollup.rebuild``."""

    day = models.DateField()

    class Meta:
        verbose_name = _("số biên lai theo ngày")
        verbose_name_plural = _("số biên lai theo ngày")
        constraints = [
            models.UniqueConstraint(fields=["day", "agency_pk", "method"], name="receipt_day_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_pk} {self.method}={self.n}"


class ReceiptMonth(_ReceiptSums):
    """``ReceiptDay`` summed by local month (``month``: its first day), so a year is twelve rows."""

    month = models.DateField()

    class Meta:
        verbose_name = _("số biên lai theo tháng")
        verbose_name_plural = _("số biên lai theo tháng")
        constraints = [
            models.UniqueConstraint(fields=["month", "agency_pk", "method"], name="receipt_month_key"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.agency_pk} {self.method}={self.n}"


class ReceiptCancellation(_AppendOnly):
    """The cancellation of an issued receipt, with its reason. Written once, never changed."""

    receipt = models.OneToOneField(Receipt, on_delete=models.PROTECT, related_name="cancellation")
    reason = models.CharField(_("lý do hủy"), max_length=500)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(_("hủy lúc"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("hủy biên lai")
        verbose_name_plural = _("hủy biên lai")

    def __str__(self) -> str:
        return f"{self.receipt} – {self.reason}"


class SignedKind(models.TextChoices):
    PAPER = "paper", _("Giấy tờ của hồ sơ")
    RECEIPT = "receipt", _("Biên lai")
    RESULT = "result", _("Kết quả giải quyết")


def signed_paper_path(instance: "SignedPaper", filename: str) -> str:
    """Server-made names only, outside any public URL (served through checked views)."""
    return f"signed/{instance.dossier_id}/{instance.token}.pdf"


class SignedPaper(models.Model):
    """A PDF as it was signed and handed out: the file the public verification page (the QR code
    on the paper) checks. Written once; a paper whose content changes (a new fee line, a later
    control sheet) is signed again as a new row, and the same content is served from its row.
    Revoking one (a result issued by mistake) is recorded on it; the file never changes."""

    token = models.CharField(max_length=64, unique=True, editable=False)
    kind = models.CharField(_("loại"), max_length=8, choices=SignedKind.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier", db_constraint=False, on_delete=models.PROTECT, related_name="signed_papers"
    )
    slug = models.CharField(_("giấy tờ"), max_length=40, blank=True)
    title = models.CharField(_("tên giấy tờ"), max_length=300)
    receipt = models.ForeignKey(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="signed_papers"
    )
    # A result uploaded by the resolving agency: the file as uploaded; this row holds the signed copy.
    source_file = models.ForeignKey(
        "dossiers.DossierFile", on_delete=models.PROTECT, null=True, blank=True, related_name="signed_copies"
    )
    # What was signed, before the signature block's token and time were written in: the same
    # content is not signed twice.
    content_sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=signed_paper_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("đơn vị ký"), on_delete=models.PROTECT, related_name="+"
    )
    signer = models.CharField(_("người ký (chứng thư số)"), max_length=300)
    signed_at = models.DateTimeField(_("ký lúc"))
    timestamped = models.BooleanField(_("có dấu thời gian"), default=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_reason = models.CharField(_("lý do thu hồi"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("giấy tờ đã ký số")
        verbose_name_plural = _("giấy tờ đã ký số")
        ordering = ["-signed_at", "-id"]
        indexes = [
            models.Index(fields=["dossier", "slug", "content_sha256"], name="signed_paper_content"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.signed_at:%d/%m/%Y %H:%M}"

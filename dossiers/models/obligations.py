"""Financial obligations a reviewer asked the applicant to pay (not fees)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossiers.models.dossier import Dossier
from dossiers.models.steps import Step


class ObligationKind(models.TextChoices):
    """Financial obligations assessed by the tax authority (or another agency) on a notice: paid to
    the State Treasury, never collected on the center's fee receipt."""

    LAND_USE_LEVY = "land_use_levy", _("Tiền sử dụng đất")
    LAND_RENT = "land_rent", _("Tiền thuê đất")
    REGISTRATION_FEE = "registration_fee", _("Lệ phí trước bạ")
    INCOME_TAX = "income_tax", _("Thuế thu nhập cá nhân")
    NON_AGRICULTURAL_LAND_TAX = "land_tax", _("Thuế sử dụng đất phi nông nghiệp")
    OTHER = "other", _("Nghĩa vụ tài chính khác")


class FinancialObligation(models.Model):
    """A financial obligation (nghĩa vụ tài chính) a reviewer asked the applicant to pay: written by
    ``dossier_request_payment`` (the dossier waits in ``awaiting_payment``, national status 6, and
    its clock is paused) and closed by ``dossier_confirm_payment`` with the payment proof.

    Not a fee: nothing here is ever a ``receipts.FeeLine`` or printed on a fee receipt."""

    dossier = models.ForeignKey(
        Dossier, db_constraint=False, on_delete=models.PROTECT, related_name="obligations"
    )
    step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("loại nghĩa vụ"), max_length=24, choices=ObligationKind.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    notice_number = models.CharField(_("số thông báo"), max_length=100)
    issuing_authority = models.CharField(_("cơ quan ra thông báo"), max_length=300)
    due_date = models.DateField(_("hạn nộp"), null=True, blank=True)
    note = models.TextField(_("nơi và cách nộp, ghi chú"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    # Set by the confirmation: the treasury's or bank's document (chứng từ nộp tiền) number.
    payment_proof = models.CharField(_("chứng từ nộp tiền"), max_length=300, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nghĩa vụ tài chính")
        verbose_name_plural = _("nghĩa vụ tài chính")
        ordering = ["dossier", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="obligation_amount_positive"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | ~Q(payment_proof=""),
                name="obligation_confirmed_has_proof",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.notice_number}: {self.amount}"

    @property
    def is_paid(self) -> bool:
        return self.confirmed_at is not None

"""A dossier's routed steps and the supplements asked for."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossiers.models.dossier import Dossier


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Chờ bước trước")
    ACTIVE = "active", _("Đang chờ xử lý")
    CLAIMED = "claimed", _("Đang xử lý")
    DONE = "done", _("Đã xong")
    CANCELLED = "cancelled", _("Đã hủy")


class Step(models.Model):
    """One routed step of a dossier, made from the procedure's ProcessStep."""

    dossier = models.ForeignKey(Dossier, db_constraint=False, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nội dung"), max_length=255)
    working_days = models.DecimalField(_("số ngày làm việc"), max_digits=6, decimal_places=2)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True, db_index=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("ý kiến xử lý"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["dossier", "order", "id"]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"]),
            # the reviewer's inbox, due first: read in order and stopped at a page (issue 25)
            models.Index(
                fields=["agency", "due_at", "id"],
                name="step_open_by_due",
                condition=Q(status__in=["active", "claimed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}/{self.order} {self.name}"


class SupplementRequest(models.Model):
    dossier = models.ForeignKey(
        Dossier, db_constraint=False, on_delete=models.CASCADE, related_name="supplement_requests"
    )
    step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Asked by the desk before an online submission was accepted (form 02 at intake), not during
    # processing: the clock had not started, and the one-request rule of each stage counts its own.
    at_intake = models.BooleanField(_("yêu cầu khi tiếp nhận"), default=False)
    items = models.JSONField(_("nội dung cần bổ sung"), default=list)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    supplied_at = models.DateTimeField(null=True, blank=True)
    supplied_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return "; ".join(self.items)

"""The append-only event log of a dossier."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossiers.models.dossier import Dossier
from dossiers.models.steps import Step


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Nhật ký hồ sơ không được sửa."))

    def delete(self):
        raise ValidationError(_("Nhật ký hồ sơ không được xóa."))


class Event(models.Model):
    """Append-only: what happened to a dossier, who did it and when. Never edited or deleted."""

    dossier = models.ForeignKey(Dossier, db_constraint=False, on_delete=models.PROTECT, related_name="events")
    # step, actor and agency are empty on imported history (an event a dossier): indexed where set
    step = models.ForeignKey(
        Step, on_delete=models.PROTECT, null=True, blank=True, related_name="events", db_index=False
    )
    action = models.CharField(_("thao tác"), max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    at = models.DateTimeField(db_index=True)
    # ``Dossier.received_year`` of its dossier, copied at insert: the partition key on PostgreSQL
    # (``dossiers.partitions``), so a dossier's timeline is read from one partition.
    dossier_year = models.SmallIntegerField(editable=False)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["step"], condition=Q(step__isnull=False), name="event_step"),
            models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="event_actor"),
            models.Index(fields=["agency"], condition=Q(agency__isnull=False), name="event_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Nhật ký hồ sơ không được sửa."))
        if self.dossier_year is None:
            self.dossier_year = self.dossier.received_year
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Nhật ký hồ sơ không được xóa."))

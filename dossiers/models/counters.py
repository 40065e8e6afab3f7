"""The rows that number dossiers and register lines without gaps, bumped under a lock."""

from django.db import models


class RegisterCounter(models.Model):
    """The last line written in an office's dossier register (form 07) in a year: gapless per
    office and book, bumped under a lock in the receiving transaction like ``DossierCounter``."""

    office = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="+")
    book = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "book"], name="register_counter_office_book"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.book} {self.last}"


class DossierCounter(models.Model):
    """The last dossier number given by an office on a day: codes are gapless per office and day,
    so they come from this row, bumped under a lock in the intake transaction."""

    office = models.ForeignKey("procedures.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="dossier_counter_office_day")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.last}"

"""The rollup tables of the statistics: how many dossiers fell into each (day, unit, bucket) cell,
by day, by month and in total, fine (by procedure and field) and by agency.

They were first written in ``dossiers`` and keep its table names (``db_table``): moving them here
changed no table (migrations ``dossiers`` 0011 and ``dashboards`` 0001 move only Django's record of
them). ``dashboards.rollup`` counts into them; the dossier services reach it through the hook of
``dossiers.statistics``, which ``DashboardsConfig.ready`` registers, so ``dossiers`` imports
nothing of ``dashboards``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


def _unit_key(model: str) -> models.ForeignKey:
    return models.ForeignKey(
        model, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )


class _Cell(models.Model):
    """What every rollup table counts: the dossiers of one (resolving) agency, level and channel
    in one ``bucket`` (``dashboards.rollup``).

    The rollup tables have their key as their only index, and room left in each page (fillfactor,
    migration ``dossiers`` 0008): a count that moves touches no index (a "HOT" update on PostgreSQL), which is
    most of what every dossier service and the history import write. Their reads go by the key.

    Their agency, procedure and field are not foreign keys in the database (``db_constraint``):
    every cell is counted from a dossier whose own keys are checked, and a dossier keeps its
    procedure and agencies from being deleted. A check on each new cell repeated that check and
    was 40 % of the server's work in a history import (2.3 new daily cells per dossier, three keys
    each). Deleting through Django still deletes a unit's cells (``on_delete``)."""

    agency = _unit_key("procedures.Agency")
    level = models.CharField(max_length=16)
    channel = models.CharField(max_length=8)
    bucket = models.CharField(max_length=20)
    n = models.IntegerField(default=0)

    class Meta:
        abstract = True


class _FineCell(_Cell):
    """A rollup cell by procedure and field too."""

    procedure = _unit_key("procedures.Procedure")
    field = _unit_key("procedures.Field")

    class Meta:
        abstract = True


class DailyFigure(_FineCell):
    """The daily rollup of the statistics: how many dossiers of one (resolving) agency, procedure,
    field, level and channel fell into ``bucket`` on ``day`` (local date). Kept exact by the
    dossier services in the transaction that changes a dossier (``dashboards.rollup``, through
    ``dossiers.statistics``), rebuilt from the dossiers by ``manage.py rebuild_rollup``. The buckets
    are listed in ``dashboards.rollup``."""

    day = models.DateField()

    class Meta:
        db_table = "dossiers_dailyfigure"
        verbose_name = _("số liệu thống kê theo ngày")
        verbose_name_plural = _("số liệu thống kê theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure", "field", "level", "channel", "bucket"],
                name="daily_figure_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}/{self.procedure_id} {self.channel} {self.bucket}={self.n}"


class DailyAgencyFigure(_Cell):
    """``DailyFigure`` summed over procedures and fields: the same cells by day, agency, level,
    channel and bucket, kept in the same upsert. A year by agency, level or channel reads this
    one (a few rows per agency and day) instead of one row per procedure."""

    day = models.DateField()

    class Meta:
        db_table = "dossiers_dailyagencyfigure"
        verbose_name = _("số liệu thống kê theo ngày và cơ quan")
        verbose_name_plural = _("số liệu thống kê theo ngày và cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "level", "channel", "bucket"], name="daily_agency_figure_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.channel} {self.bucket}={self.n}"


class MonthlyFigure(_FineCell):
    """``DailyFigure`` summed by month (``month`` is the first day of the month), written by the
    same upsert: a year is read from twelve months of rows instead of 365 days of them."""

    month = models.DateField()

    class Meta:
        db_table = "dossiers_monthlyfigure"
        verbose_name = _("số liệu thống kê theo tháng")
        verbose_name_plural = _("số liệu thống kê theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "procedure", "field", "level", "channel", "bucket"],
                name="monthly_figure_key",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.month:%Y-%m} {self.agency_id}/{self.procedure_id} {self.channel} {self.bucket}={self.n}"
        )


class MonthlyAgencyFigure(_Cell):
    """``DailyAgencyFigure`` summed by month (``month`` is the first day of the month)."""

    month = models.DateField()

    class Meta:
        db_table = "dossiers_monthlyagencyfigure"
        verbose_name = _("số liệu thống kê theo tháng và cơ quan")
        verbose_name_plural = _("số liệu thống kê theo tháng và cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency", "level", "channel", "bucket"], name="monthly_agency_figure_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.channel} {self.bucket}={self.n}"


class TotalFigure(_FineCell):
    """``DailyFigure`` summed over every day: what the history adds up to, per cell, written by the
    same upsert. "In progress at the end of day D" is the total less the days after D, which for a
    recent D are a few rows."""

    class Meta:
        db_table = "dossiers_totalfigure"
        verbose_name = _("số liệu thống kê cộng dồn")
        verbose_name_plural = _("số liệu thống kê cộng dồn")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "procedure", "field", "level", "channel", "bucket"], name="total_figure_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.procedure_id} {self.channel} {self.bucket}={self.n}"


class TotalAgencyFigure(_Cell):
    """``DailyAgencyFigure`` summed over every day."""

    class Meta:
        db_table = "dossiers_totalagencyfigure"
        verbose_name = _("số liệu thống kê cộng dồn theo cơ quan")
        verbose_name_plural = _("số liệu thống kê cộng dồn theo cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "level", "channel", "bucket"], name="total_agency_figure_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.channel} {self.bucket}={self.n}"


def _count() -> models.IntegerField:
    return models.IntegerField(default=0)


class _Inputs(models.Model):
    """The agency cells of a period laid wide: one row per (period, agency, level), a column per
    bucket of ``dashboards.rollup`` and one for the online part of ``received``, summed over
    channels."""

    agency = _unit_key("procedures.Agency")
    level = models.CharField(max_length=16)
    received = _count()
    received_online = _count()
    resolved_early = _count()
    resolved_on_time = _count()
    resolved_late = _count()
    refused = _count()
    withdrawn = _count()
    stopped = _count()
    returned = _count()
    exited = _count()
    overdue_start = _count()
    overdue_end = _count()
    satisfaction_base = _count()
    satisfaction_good = _count()
    received_digitised = _count()
    reusing = _count()
    results_digitised = _count()

    class Meta:
        abstract = True


class MonthlyAgencyInputs(_Inputs):
    """``MonthlyAgencyFigure`` laid wide: one row per (month, agency, level), a column per bucket
    of ``dashboards.rollup`` and one for the online part of ``received``. Decision 766's page reads
    a year of it — about 1.440 rows for 120 agencies instead of 69.000 narrow ones
    (``benchmarks/results-index766.md``) — whenever the question does not split or filter by
    channel. Kept by every writer of the monthly agency rollup in the same statement list and
    transaction (``rollup.upsert``, ``rollup.add_staged``, ``rollup.rebuild``), so it always equals
    the narrow rows summed over channels (``rollup.rebuild_inputs`` recounts it from them)."""

    month = models.DateField()

    class Meta:
        verbose_name = _("đầu vào chỉ số theo tháng và cơ quan")
        verbose_name_plural = _("đầu vào chỉ số theo tháng và cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["month", "agency", "level"], name="monthly_agency_inputs_key"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} received={self.received}"


class DailyAgencyInputs(_Inputs):
    """``DailyAgencyFigure`` laid wide, as ``MonthlyAgencyInputs`` is for months: one row per
    (day, agency, level). The days at a period's edges (the dashboard's year from today back, by
    month and by agency) are read from it — 14 days × 120 agencies is 1.680 rows, not the 80.000
    narrow ones (``benchmarks/results-dashboard.md``) — when the question does not split or filter
    by channel. Kept by the same writers in the same transaction, just before the wide monthly
    rows (``rollup.upsert``, ``rollup.add_staged``, ``rollup.rebuild``); ``rollup.rebuild_inputs``
    recounts it from the narrow daily rows."""

    day = models.DateField()

    class Meta:
        verbose_name = _("đầu vào chỉ số theo ngày và cơ quan")
        verbose_name_plural = _("đầu vào chỉ số theo ngày và cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "level"], name="daily_agency_inputs_key"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} received={self.received}"

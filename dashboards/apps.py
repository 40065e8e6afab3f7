from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"
    verbose_name = _("Thống kê, báo cáo")

    def ready(self) -> None:
        # The dossier services tell ``dossiers.statistics`` what changed, in their transaction;
        # the rollups listen there (``dossiers`` imports nothing of ``dashboards``).
        from dashboards import rollup
        from dossiers import statistics

        statistics.register(rollup.LISTENER)

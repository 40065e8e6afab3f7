from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "national"
    verbose_name = _("Cổng Dịch vụ công quốc gia")

    def ready(self) -> None:
        # dossiers does not import this app: the sync outbox is filled through its extension.
        from dossiers import extensions
        from national.extension import NationalSync

        extensions.register(NationalSync())

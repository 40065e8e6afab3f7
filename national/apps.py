from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "national"
    verbose_name = _("Cổng Dịch vụ công quốc gia")

    def ready(self) -> None:
        # dossiers does not import this app: the sync outbox is filled through its event hook.
        from dossiers import event_hooks
        from national.services import sync_queue

        event_hooks.register(sync_queue)

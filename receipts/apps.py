from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = _("Biên lai và giấy tờ in")

    def ready(self) -> None:
        # dossiers does not import this app: a received dossier's fees are set through its extension.
        from dossiers import extensions
        from receipts.extension import FeeLines

        extensions.register(FeeLines())

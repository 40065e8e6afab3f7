from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("Kho dữ liệu giấy tờ, số hóa")

    def ready(self):
        # Intake and results call the store through this seam: dossiers cannot import documents.
        from documents.extension import DocumentStore
        from dossiers import extensions

        extensions.register(DocumentStore())

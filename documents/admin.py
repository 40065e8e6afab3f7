from django.contrib import admin

from documents.models import Digitisation, DocumentReuse, StoredDocument


@admin.register(Digitisation)
class DigitisationAdmin(admin.ModelAdmin):
    list_display = ("dossier", "name", "is_result", "state", "digitised_by", "created_at", "finished_at")
    list_filter = ("state", "is_result")
    search_fields = ("dossier__code", "name")
    readonly_fields = [f.name for f in Digitisation._meta.fields] + ["scans"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    list_display = ("kind", "number", "owner_name", "source", "issued_on", "valid_until", "dossier")
    list_filter = ("source",)
    search_fields = ("dossier__code", "kind", "number")
    readonly_fields = (
        "owner_user",
        "owner_id_number",
        "owner_tax_code",
        "source",
        "dossier",
        "digitisation",
        "signed_paper",
        "created_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentReuse)
class DocumentReuseAdmin(admin.ModelAdmin):
    list_display = ("dossier", "name", "stored", "reused_by", "reused_at")
    readonly_fields = ("dossier", "document", "name", "stored", "reused_by", "reused_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

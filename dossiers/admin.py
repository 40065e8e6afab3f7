"""Dossiers in the admin: to look, never to change. Every change of a dossier goes through the
services (desk, review and online pages, the API), which keep the state machine and the log."""

from django.contrib import admin

from dossiers.models import Dossier, DossierFile, Event, FinancialObligation, Step


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StepInline(admin.TabularInline):
    model = Step
    fields = ["order", "agency", "name", "status", "due_at", "claimed_by", "finished_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = Event
    fields = ["at", "action", "from_status", "to_status", "actor", "agency", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "procedure", "status", "channel", "intake_office", "resolving_agency", "due_at"]
    list_filter = ["status", "channel", "intake_office", "resolving_agency"]
    search_fields = ["code"]
    list_select_related = ["procedure", "intake_office", "resolving_agency"]
    exclude = ["id_number", "tracking_token", "secret"]
    inlines = [StepInline, EventInline]
    show_full_result_count = False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "at", "action", "from_status", "to_status", "actor"]
    list_filter = ["action"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "actor"]
    show_full_result_count = False


@admin.register(DossierFile)
class DossierFileAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "document_name", "kind", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["dossier__code"]
    exclude = ["file"]


@admin.register(FinancialObligation)
class FinancialObligationAdmin(ReadOnlyAdmin):
    list_display = [
        "dossier",
        "kind",
        "amount",
        "notice_number",
        "issuing_authority",
        "due_date",
        "confirmed_at",
    ]
    list_filter = ["kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["dossier__code", "notice_number"]
    list_select_related = ["dossier"]

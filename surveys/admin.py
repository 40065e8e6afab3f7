from django.contrib import admin

from surveys.models import Feedback, FeedbackEvent, Rating, RatingKiosk, Reason


@admin.register(Reason)
class ReasonAdmin(admin.ModelAdmin):
    list_display = ["text", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["created_at", "score", "channel", "dossier", "clerk", "counter", "agency"]
    list_filter = ["score", "channel"]
    list_select_related = ["dossier", "clerk", "counter", "agency"]
    raw_id_fields = ["dossier", "clerk", "counter", "agency", "procedure", "office", "entered_by"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False  # ratings are what citizens said: never edited


class FeedbackEventInline(admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    """Read-only here: staff work the feedback pages, which go through the services."""

    list_display = ["code", "subject", "title", "status", "agency", "received_at", "due_at"]
    list_filter = ["status", "subject"]
    search_fields = ["code", "title"]
    list_select_related = ["agency"]
    inlines = [FeedbackEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(RatingKiosk)
class RatingKioskAdmin(admin.ModelAdmin):
    """Read-only: addresses are issued on the managers' page (``surveys:kiosks``), through the service."""

    list_display = ["counter", "issued_at", "issued_by"]
    list_select_related = ["counter__office", "issued_by"]
    exclude = ["token"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

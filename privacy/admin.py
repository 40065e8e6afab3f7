from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from privacy import services
from privacy.models import AccessRecord, DeletionRequest


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Read only: the access record is append-only evidence."""

    list_display = ("at", "actor_name", "agency", "kind", "dossier_code", "what", "address")
    list_select_related = ("agency",)
    list_filter = ("kind",)
    search_fields = ("dossier_code", "actor_name", "actor__username")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    list_display = ("account_ref", "requested_at", "status", "done_at")
    list_filter = ("status",)
    readonly_fields = ("user", "account_ref", "requested_at", "reason", "status", "done_at")
    actions = ["carry_out"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Xóa dữ liệu tài khoản theo yêu cầu"))
    def carry_out(self, request, queryset):
        for item in queryset:
            services.deletion_carry_out(request=item)
        messages.success(request, _("Đã xóa dữ liệu của các tài khoản đã chọn."))

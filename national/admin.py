from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from national.models import ProcedureCode, SyncMessage
from national.services import SyncError, sync_message_resend


@admin.register(ProcedureCode)
class ProcedureCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "national_code", "note"]
    search_fields = ["code", "national_code"]


@admin.register(SyncMessage)
class SyncMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "dossier_code", "action", "service", "status", "attempts", "sent_at"]
    list_filter = ["status", "service", "in_doubt"]
    search_fields = ["=dossier_code"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    list_select_related = False
    raw_id_fields = ["dossier", "event"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in SyncMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of what the portal was told

    @admin.action(description=_("Gửi lại các bản tin đã chọn (sau khi đã sửa)"))
    def resend(self, request, queryset):
        done = 0
        for message in queryset.order_by("id"):
            try:
                sync_message_resend(actor=request.user, message=message)
                done += 1
            except (SyncError, PermissionDenied) as exc:
                text = " ".join(exc.messages) if isinstance(exc, SyncError) else str(exc)
                self.message_user(request, f"#{message.pk}: {text}", messages.WARNING)
        if done:
            self.message_user(
                request,
                ngettext(
                    "Đã đưa %(n)d bản tin vào hàng gửi lại.",
                    "Đã đưa %(n)d bản tin vào hàng gửi lại.",
                    done,
                )
                % {"n": done},
                messages.SUCCESS,
            )

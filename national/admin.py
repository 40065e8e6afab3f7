from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import require
from national.catalog import PullError, catalog_pull, catalog_pull_apply, catalog_pull_discard
from national.models import CatalogPull, ProcedureCode, SyncMessage
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


@admin.register(CatalogPull)
class CatalogPullAdmin(admin.ModelAdmin):
    """The change reports of the national catalog pulls: read one, then apply or discard it."""

    list_display = [
        "id",
        "created_at",
        "status",
        "new_count",
        "changed_count",
        "withdrawn_count",
        "decided_by",
    ]
    list_filter = ["status"]
    actions = ["apply", "discard"]
    change_list_template = "admin/national/catalogpull/change_list.html"
    readonly_fields = [
        "created_at",
        "status",
        "new",
        "changed",
        "withdrawn",
        "problems",
        "decided_at",
        "decided_by",
    ]
    exclude = ["items"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        pull = self.admin_site.admin_view(require_POST(self.pull_now))
        return [path("lay-ngay/", pull, name="national_catalogpull_pull"), *super().get_urls()]

    def pull_now(self, request):
        """The button "Lấy danh mục ngay": a pull on demand, its report waiting for approval."""
        require(request.user, "catalog.manage")
        try:
            pull = catalog_pull()
        except PullError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Lần lấy #%(id)s: mới %(new)d, thay đổi %(changed)d, bãi bỏ %(withdrawn)d; chờ duyệt.")
                % {
                    "id": pull.pk,
                    "new": len(pull.new),
                    "changed": len(pull.changed),
                    "withdrawn": len(pull.withdrawn),
                },
                messages.SUCCESS,
            )
        return redirect("admin:national_catalogpull_changelist")

    @admin.display(description=_("mới"))
    def new_count(self, obj) -> int:
        return len(obj.new)

    @admin.display(description=_("thay đổi"))
    def changed_count(self, obj) -> int:
        return len(obj.changed)

    @admin.display(description=_("bãi bỏ"))
    def withdrawn_count(self, obj) -> int:
        return len(obj.withdrawn)

    def _each(self, request, queryset, service, done_text):
        for pull in queryset:
            try:
                service(actor=request.user, pull=pull)
                self.message_user(request, done_text % {"id": pull.pk}, messages.SUCCESS)
            except (PullError, PermissionDenied) as exc:
                self.message_user(request, f"#{pull.pk}: {exc}", messages.WARNING)

    @admin.action(description=_("Áp dụng các thay đổi đã chọn vào danh mục"))
    def apply(self, request, queryset):
        self._each(request, queryset, catalog_pull_apply, _("Đã áp dụng lần lấy danh mục #%(id)s."))

    @admin.action(description=_("Bỏ, không áp dụng"))
    def discard(self, request, queryset):
        self._each(request, queryset, catalog_pull_discard, _("Đã bỏ lần lấy danh mục #%(id)s."))

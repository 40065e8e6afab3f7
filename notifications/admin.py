from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import sms
from notifications.models import MessageTemplate, Notification, OptOut
from notifications.services import NotificationError, notification_resend, sms_sample


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sms_parts", "updated_at"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "sms_parts", "updated_at"]
    fields = ["code", "name", "sms_body", "sms_parts", "email_subject", "email_body", "updated_at"]

    @admin.display(description=_("SMS: số phần tin × mã hóa, số ký tự (ví dụ)"))
    def sms_parts(self, obj) -> str:
        """How many parts the SMS takes with sample values, with and without diacritics: a
        template past the province's limit (SMS_MAX_PARTS) is cut at a word when sent."""
        if obj is None or not obj.sms_body:
            return "—"
        text = sms_sample(obj.sms_body)
        return f"{sms.describe(text)}; {_('không dấu')}: {sms.describe(sms.strip_diacritics(text))}"

    def has_add_permission(self, request) -> bool:
        return False  # the code names a kind of notice the program sends; new codes need code

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DossierFilter(admin.SimpleListFilter):
    title = _("hồ sơ")
    parameter_name = "dossier"

    def lookups(self, request, model_admin):
        return [("yes", _("Về một hồ sơ")), ("no", _("Không về hồ sơ nào"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(dossier_code="")
        if self.value() == "no":
            return queryset.filter(dossier_code="")
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "channel",
        "recipient",
        "template_code",
        "dossier_code",
        "status",
        "attempts",
    ]
    list_filter = ["status", "channel", "template_code", DossierFilter]
    search_fields = ["=dossier_code", "recipient"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    list_select_related = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Gửi lại các thông báo đã chọn"))
    def resend(self, request, queryset):
        done = 0
        for notification in queryset:
            try:
                notification_resend(actor=request.user, notification=notification)
                done += 1
            except NotificationError as exc:
                self.message_user(request, f"#{notification.pk}: {' '.join(exc.messages)}", messages.WARNING)
        if done:
            self.message_user(
                request,
                ngettext(
                    "Đã đưa %(n)d thông báo vào hàng gửi lại.",
                    "Đã đưa %(n)d thông báo vào hàng gửi lại.",
                    done,
                )
                % {"n": done},
                messages.SUCCESS,
            )


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["channel", "address", "created_at"]
    list_filter = ["channel"]
    search_fields = ["address"]

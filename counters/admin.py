"""Administrators set up each office's queue services, counters and calling policy here.
Tickets are read-only: they change only through the console's services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from counters.models import Counter, QueuePolicy, Service, Ticket, TicketEvent
from counters.services import counter_close


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["letter", "name", "office", "position", "is_active"]
    list_filter = ["is_active", "office"]
    search_fields = ["letter", "name", "office__name", "office__code"]
    autocomplete_fields = ["office"]
    filter_horizontal = ["fields"]


class CounterForm(forms.ModelForm):
    class Meta:
        model = Counter
        fields = ["office", "number", "name", "services", "is_active"]

    def clean(self):
        data = super().clean()
        office, services = data.get("office"), data.get("services")
        if office and services and any(service.office_id != office.pk for service in services):
            raise ValidationError(_("Quầy chỉ phục vụ các dịch vụ của chính nơi tiếp nhận đó."))
        return data


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    form = CounterForm
    list_display = ["number", "name", "office", "clerk", "opened_at", "is_active"]
    list_filter = ["is_active", "office"]
    search_fields = ["name", "office__name", "office__code"]
    autocomplete_fields = ["office"]
    filter_horizontal = ["services"]
    readonly_fields = ["clerk", "opened_at"]
    actions = ["close_counters"]

    @admin.action(description=_("Đóng các quầy đã chọn (cán bộ quên đóng)"))
    def close_counters(self, request, queryset):
        closed = 0
        for counter in queryset.filter(clerk__isnull=False):
            try:
                counter_close(actor=request.user, counter=counter)
            except ValidationError as exc:
                self.message_user(request, f"{counter}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                closed += 1
        self.message_user(request, _("Đã đóng %(count)s quầy.") % {"count": closed}, messages.SUCCESS)


@admin.register(QueuePolicy)
class QueuePolicyAdmin(admin.ModelAdmin):
    list_display = ["office", "mode", "ordinary_per_priority"]
    autocomplete_fields = ["office"]
    fields = ["office", "mode", "ordinary_per_priority"]


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "counter", "data"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["code", "day", "office", "service", "priority", "status", "counter", "dossier"]
    list_filter = ["status", "priority", "day", "office"]
    search_fields = ["code", "dossier__code"]
    date_hierarchy = "day"
    list_select_related = ["office", "service", "counter", "dossier"]
    inlines = [TicketEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

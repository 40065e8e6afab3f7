from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency, CalendarDay, Fee, Field, Procedure, ProcessStep, RequiredDocument
from procedures.services import CatalogError, process_steps_validate


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "has_one_stop_desk", "is_active"]
    list_filter = ["level", "kind", "has_one_stop_desk", "is_active"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class ProcessStepFormSet(forms.BaseInlineFormSet):
    """The routing may not take longer than the procedure allows."""

    def clean(self):
        super().clean()
        steps = [
            (form.cleaned_data["order"], form.cleaned_data["working_days"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        days = self.instance.processing_days
        if days is None:
            return
        try:
            process_steps_validate(processing_days=Decimal(days), steps=steps)
        except CatalogError as exc:
            raise ValidationError(exc.messages) from exc


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    formset = ProcessStepFormSet
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "field",
        "agency",
        "level",
        "processing_days",
        "online_level",
        "is_active",
    ]
    list_filter = ["level", "online_level", "is_active", "on_the_spot", "field"]
    search_fields = ["code", "name", "search_text"]
    autocomplete_fields = ["field", "agency"]
    inlines = [RequiredDocumentInline, FeeInline, ProcessStepInline]
    list_select_related = ["field", "agency"]
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "agency", "level", "is_active"]}),
        (_("Thời hạn"), {"fields": ["processing_days", "time_unit", "processing_time_note", "on_the_spot"]}),
        (
            _("Cách thức thực hiện"),
            {"fields": ["online_level", "accepts_counter", "accepts_online", "accepts_postal"]},
        ),
        (
            _("Nội dung"),
            {"fields": ["applicants", "steps_description", "conditions", "result", "legal_basis"]},
        ),
    ]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "confirmed", "source"]
    list_filter = ["confirmed", "kind"]
    actions = ["confirm_days"]

    @admin.action(description=_("Xác nhận đã đối chiếu với thông báo chính thức"))
    def confirm_days(self, request, queryset):
        count = queryset.update(confirmed=True)
        self.message_user(request, _("Đã xác nhận %(count)s ngày.") % {"count": count})

    date_hierarchy = "date"

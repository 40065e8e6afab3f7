"""Receipts in the admin: series (mẫu số, ký hiệu) are edited here; issued receipts are shown
read-only and cancelled only through the service (an action asking for the reason)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from receipts import services
from receipts.models import Receipt, ReceiptCancellation, ReceiptLine, ReceiptSeries


@admin.register(ReceiptSeries)
class ReceiptSeriesAdmin(admin.ModelAdmin):
    list_display = ["template_code", "series", "agency", "desk", "is_active", "last_number"]
    list_filter = ["is_active"]
    readonly_fields = ["last_number"]
    list_select_related = ["agency", "desk"]

    def get_readonly_fields(self, request, obj=None):
        # Once a number is given, the codes it was printed under stay.
        if obj is not None and obj.last_number:
            return ["template_code", "series", "agency", "desk", "last_number"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.last_number


class ReceiptLineInline(admin.TabularInline):
    model = ReceiptLine
    fields = ["name", "kind", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CancelReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do hủy"), max_length=500)


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dossier", "payer_name", "total", "method", "agency", "issued_at", "status"]
    list_filter = ["method", "agency"]
    search_fields = ["dossier__code", "series_code", "=number"]
    list_select_related = ["dossier", "agency", "cancellation"]
    exclude = ["token"]
    inlines = [ReceiptLineInline]
    actions = ["cancel_receipts"]
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("tình trạng"))
    def status(self, obj):
        return _("Đã hủy") if obj.is_cancelled else _("Hợp lệ")

    @admin.action(description=gettext_lazy("Hủy các biên lai đã chọn (nêu lý do)"))
    def cancel_receipts(self, request, queryset):
        form = CancelReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for receipt in queryset:
                try:
                    services.receipt_cancel(
                        actor=request.user, receipt=receipt, reason=form.cleaned_data["reason"]
                    )
                    done += 1
                except ValidationError as exc:
                    self.message_user(request, f"{receipt}: {' '.join(exc.messages)}", messages.ERROR)
            if done:
                self.message_user(request, _("Đã hủy %(n)d biên lai.") % {"n": done}, messages.SUCCESS)
            return redirect(request.get_full_path())
        return render(
            request,
            "admin/receipts/cancel.html",
            {
                **self.admin_site.each_context(request),
                "receipts": queryset,
                "form": form,
                "title": _("Hủy biên lai"),
            },
        )


@admin.register(ReceiptCancellation)
class ReceiptCancellationAdmin(admin.ModelAdmin):
    list_display = ["receipt", "reason", "cancelled_by", "cancelled_at"]
    list_select_related = ["receipt", "cancelled_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

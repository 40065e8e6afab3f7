from django.contrib import admin

from payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: payments change only through the gateway's callbacks and queries."""

    list_display = ["txn_ref", "dossier", "amount", "status", "created_at", "confirmed_at", "confirmed_by"]
    list_filter = ["status", "confirmed_by"]
    search_fields = ["txn_ref", "dossier__code", "gateway_transaction_no"]
    list_select_related = ["dossier"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

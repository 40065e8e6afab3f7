from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"
    verbose_name = _("Thanh toán trực tuyến")

    def ready(self) -> None:
        # dossiers does not import this app: the dossier page learns of payments through its extension.
        from dossiers import extensions
        from payments.extension import OnlinePayments

        extensions.register(OnlinePayments())
        # nor does receipts: its sums learn here which receipts the gateway paid.
        from payments.selectors import gateway_receipt_ids
        from receipts import rollup

        rollup.register_gateway(gateway_receipt_ids)

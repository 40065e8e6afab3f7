"""The online payments' part in the dossier page (``dossiers.extensions``): registered by
``PaymentsConfig.ready``."""

from dossiers.extensions import DossierExtension


class OnlinePayments(DossierExtension):
    def page_flags(self) -> dict:
        """The dossier page's payments: read when the dossier has one."""
        from django.db.models import Exists, OuterRef

        from payments.models import Payment

        return {"online_payments": Exists(Payment.objects.filter(dossier=OuterRef("pk")))}

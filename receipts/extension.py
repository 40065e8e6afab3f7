"""The fee lines' part in the dossier services (``dossiers.extensions``): registered by
``ReceiptsConfig.ready``. A dossier's fees are set when it is received (at the desk, by post, or
an online submission accepted), in the transaction that receives it."""

from dossiers.extensions import DossierExtension
from dossiers.workflow import Status

# The states a dossier is received from: none (the desk, the post) or an online submission.
RECEIVED_FROM = frozenset({"", Status.SUBMITTED})


class FeeLines(DossierExtension):
    def on_event(self, event) -> None:
        if event.to_status == Status.RECEIVED and event.from_status in RECEIVED_FROM:
            from receipts.services.fees import fee_lines_set

            fee_lines_set(dossier=event.dossier)

    def after_import(self) -> None:
        from receipts.services.fees import fee_lines_backfill

        fee_lines_backfill()

    def page_flags(self) -> dict:
        """The dossier page's fee lines, receipts and signed results: read when they exist."""
        from django.db.models import Exists, OuterRef

        from receipts.models import FeeLine, Receipt, SignedPaper

        return {
            name: Exists(model.objects.filter(dossier=OuterRef("pk")))
            for name, model in (("fee_lines", FeeLine), ("receipts", Receipt), ("signed_papers", SignedPaper))
        }

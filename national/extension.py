"""The national portal's part in the dossier services (``dossiers.extensions``): registered by
``NationalConfig.ready``."""

from dossiers.extensions import DossierExtension


class NationalSync(DossierExtension):
    def on_event(self, event) -> None:
        """The sync message of every event that is synced, in the event's transaction."""
        from national.services import sync_queue

        sync_queue(event)

    def page_flags(self) -> dict:
        """The dossier page's sync history: read when the dossier has a message."""
        from django.db.models import Exists, OuterRef

        from national.models import SyncMessage

        return {"sync_messages": Exists(SyncMessage.objects.filter(dossier=OuterRef("pk")))}

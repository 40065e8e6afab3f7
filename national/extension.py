"""The national portal's part in the dossier services (``dossiers.extensions``): registered by
``NationalConfig.ready``."""

from dossiers.extensions import DossierExtension


class NationalSync(DossierExtension):
    def on_event(self, event) -> None:
        """The sync message of every event that is synced, in the event's transaction."""
        from national.services import sync_queue

        sync_queue(event)

"""The versions of the public tracking pages kept in the cache (``web.pagecache``).

A dossier's tracking pages (by code and secret, by the QR token) are kept in the cache with the
version they were made from, and served from it, without reading the database, while the dossier's
version keys (one for its code, one for its token) still hold that version. Whatever changes what
the page shows (the dossier row, a new event of its timeline) renews them after it commits: every
save or deletion of a dossier and every new event through the ORM (the services, the admin), by
the signal receivers connected in ``DossiersConfig.ready``, and ``statistics.bulk_change`` for its
queryset updates. The history import only adds dossiers, which have no page yet. Names of
procedures and agencies are shown as they were when the page was made, until it expires
(``dossiers.views.tracking.PAGE_SECONDS``).
"""

from collections.abc import Iterable

from django.db.models.signals import post_delete, post_save

from web import pagecache


def version_key(*, code: str = "", token: str = "") -> str:
    """The version key of the page of the dossier with this code (its lookup by code and secret) or
    with this QR token."""
    return f"track-version:token:{token}" if token else f"track-version:code:{code}"


def changed(dossiers: Iterable[tuple[str, str]]) -> None:
    """The dossiers with these (code, token) changed in the current transaction: their pages are
    no longer served once it commits."""
    keys = []
    for code, token in dossiers:
        keys.append(version_key(code=code))
        if token:
            keys.append(version_key(token=token))
    pagecache.new_versions(keys)


def _dossier_saved(sender, instance, **kwargs) -> None:
    changed([(instance.code, instance.tracking_token)])


def _event_saved(sender, instance, **kwargs) -> None:
    dossier = instance.dossier
    changed([(dossier.code, dossier.tracking_token)])


def connect() -> None:
    from dossiers.models import Dossier, Event

    post_save.connect(_dossier_saved, sender=Dossier, dispatch_uid="tracking_pages.dossier_saved")
    post_delete.connect(_dossier_saved, sender=Dossier, dispatch_uid="tracking_pages.dossier_deleted")
    post_save.connect(_event_saved, sender=Event, dispatch_uid="tracking_pages.event_saved")

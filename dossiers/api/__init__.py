"""The dossier REST API (/api/v1/): thin — parse, call one service, answer with the dossier.

Errors: bad input (a serializer's or a service's DossierError) → 400 with field errors; a move
the state table or the service refuses (TransitionRefused) → 409 ``{"detail": message}``; a
dossier or step the user may not see → 404, the same answer as one that does not exist.
"""

from dossiers.api.common import (
    ACTION_RESPONSES,
    CREATE_RESPONSES,
    FIELD_ERRORS,
    JSON_ONLY,
    NOT_FOUND,
    REFUSED,
    WITH_FILES,
    Conflict,
    DossierErrorsMixin,
    field_errors,
)
from dossiers.api.dossiers import DossierFilter, DossierPagination, DossierViewSet
from dossiers.api.steps import CanViewInbox, InboxView, StepViewSet
from dossiers.api.tracking import TooManyLookups, TrackingView

__all__ = [
    "ACTION_RESPONSES",
    "CREATE_RESPONSES",
    "CanViewInbox",
    "Conflict",
    "DossierErrorsMixin",
    "DossierFilter",
    "DossierPagination",
    "DossierViewSet",
    "FIELD_ERRORS",
    "InboxView",
    "JSON_ONLY",
    "NOT_FOUND",
    "REFUSED",
    "StepViewSet",
    "TooManyLookups",
    "TrackingView",
    "WITH_FILES",
    "field_errors",
]

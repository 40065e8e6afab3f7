"""The dossier page (for every role who may see it), the reviewers' inbox and step actions, the
resolving agency's dossier actions (stop, apology, payment) and checked file downloads.

Every view that names a dossier, step or file looks it up through
``dossiers_visible_to(request.user)``: someone else's dossier is a 404, never a 403.
"""

from dossiers.views.review.actions import apologize, confirm_payment, step_action, stop
from dossiers.views.review.pages import detail, file_download, file_inline, file_preview, inbox

__all__ = [
    "apologize",
    "confirm_payment",
    "detail",
    "file_download",
    "file_inline",
    "file_preview",
    "inbox",
    "step_action",
    "stop",
]

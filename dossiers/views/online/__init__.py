"""The citizen's online submission, a guided form in the GOV.UK way (one question group per page,
a check-your-answers page, a confirmation page), and the citizen's own dossiers.

The answers of a submission in progress live in the session under a random id that is in the
URL (two tabs, two procedures: two submissions). Uploaded files are checked by content and kept
in a private folder ``MEDIA_ROOT/tmp/<random>`` under server-made names, each with a small JSON
file of its metadata, so a file uploaded once is never asked for again. The final post takes a
lock in that folder (an atomic ``mkdir``) and leaves the dossier code in it: a second post,
even from a stale session, never makes a second dossier.
"""

from dossiers.views.online.common import citizen_required
from dossiers.views.online.own import my_dossiers, my_supply, my_withdraw
from dossiers.views.online.submission import Submission
from dossiers.views.online.wizard import (
    submit_applicant,
    submit_check,
    submit_contact,
    submit_documents,
    submit_done,
    submit_office,
    submit_start,
)

__all__ = [
    "Submission",
    "citizen_required",
    "my_dossiers",
    "my_supply",
    "my_withdraw",
    "submit_applicant",
    "submit_check",
    "submit_contact",
    "submit_documents",
    "submit_done",
    "submit_office",
    "submit_start",
]

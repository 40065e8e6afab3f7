"""The one-stop desk: counter and postal intake, the online queue, returning results, on-the-spot
resolution, supplements and withdrawals brought to the desk.

Thin views: parse a form, call one service, redirect (PRG). A dossier is always looked up among
those the user may see *and* received by the user's own office, so anything else is a 404.

One module per journey: ``intake`` (counter and post), ``online_queue`` (online submissions
accepted), ``results`` (returned at the desk), ``visits`` (on the spot, supplements,
withdrawals); ``common`` holds what they share.
"""

from dossiers.views.desk.intake import confirmation, guidance, intake
from dossiers.views.desk.online_queue import (
    accept,
    online_queue_page,
    refuse_intake,
    request_intake_supplement,
)
from dossiers.views.desk.results import return_result, returns
from dossiers.views.desk.visits import on_the_spot, supply, withdraw

__all__ = [
    "accept",
    "confirmation",
    "guidance",
    "intake",
    "on_the_spot",
    "online_queue_page",
    "refuse_intake",
    "request_intake_supplement",
    "return_result",
    "returns",
    "supply",
    "withdraw",
]

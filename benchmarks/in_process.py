"""Django set up inside a benchmark's own process (the in-process timers and profilers), with
production-like settings unless the environment says otherwise."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(**defaults: str) -> None:
    """``DEBUG=0``, the test client's host and a throwaway secret key, then ``defaults``; an
    environment variable already set wins over all of them."""
    settings = {
        "DJANGO_SETTINGS_MODULE": "hcc.settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
        "SECRET_KEY": "in-process-benchmark-" + "x" * 40,
        **defaults,
    }
    for name, value in settings.items():
        os.environ.setdefault(name, value)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def reviewer_dossier_code(username: str = "tuphap") -> str | None:
    """The code of the dossier first due in ``username``'s inbox: the dossier staff page every
    staff-page benchmark opens."""
    from accounts.models import User
    from dossiers.models import Step, StepStatus

    agency = User.objects.filter(username=username).values_list("agency_id", flat=True).get()
    return (
        Step.objects.filter(agency_id=agency, status__in=[StepStatus.ACTIVE, StepStatus.CLAIMED])
        .order_by("due_at", "id")
        .values_list("dossier__code", flat=True)
        .first()
    )

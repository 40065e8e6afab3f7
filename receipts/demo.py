"""Demo receipts (``manage.py seed_demo --dossiers N``): fees collected for the demo dossiers
still open at the demo clerk's desk, so the fee desk and reconciliation pages have figures."""

from django.utils.translation import gettext as _

from accounts.models import User
from dossiers.models import Dossier
from receipts import services
from receipts.fee_lines import fee_lines_for
from receipts.models import Receipt
from receipts.services.fees import COLLECTABLE


def seed_demo_receipts() -> int:
    """Collect the fees of every open demo dossier of the demo clerk's office that has no receipt
    yet (every third by transfer). Running it again adds none. Returns how many were issued."""
    clerk = User.objects.filter(username="motcua").first()
    if clerk is None:
        return 0
    dossiers = (
        Dossier.objects.filter(intake_office_id=clerk.agency_id, status__in=COLLECTABLE)
        .exclude(pk__in=Receipt.objects.values("dossier_id"))
        # the demo citizen's own dossiers are left for them to pay online (README, "Online payment")
        .exclude(applicant_user__isnull=False)
        .order_by("id")
    )
    made = 0
    for n, dossier in enumerate(dossiers):
        if not services.fees_due(fee_lines_for(dossier)):
            continue
        transfer = n % 3 == 2
        services.receipt_issue(
            actor=clerk,
            dossier=dossier,
            payer=services.Payer(
                name=dossier.organisation_name or dossier.applicant_name, address=dossier.address
            ),
            method="transfer" if transfer else "cash",
            transaction_ref=f"FT{dossier.pk:08d}" if transfer else "",
        )
        made += 1
    return made


def load_demo(command, *, dossiers: int, verbosity: int) -> None:
    """``seed_demo``'s loader (settings.HCC_DEMO_LOADERS): with ``--dossiers``, their receipts."""
    if dossiers:
        command.stdout.write(_("Biên lai mẫu: %(count)s.") % {"count": seed_demo_receipts()})

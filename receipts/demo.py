"""Demo receipts (``manage.py seed_demo --dossiers N``): fees collected for the demo dossiers
still open at the demo clerk's desk, so the fee desk and reconciliation pages have figures."""

from django.utils.translation import gettext as _

from accounts.models import User
from dossiers.models import Dossier
from receipts import services
from receipts.fee_lines import fee_lines_for
from receipts.models import Receipt
from receipts.services.fees import COLLECTABLE

# Enough for the fee desk and reconciliation pages to have figures at any seed size: each receipt
# goes through the issuing service (its series locked and numbered), about 4 a second, and a ten
# million seed holds some 60.000 open dossiers at the demo desk.
DEMO_RECEIPTS_MAX = 6_000


def seed_demo_receipts(limit: int | None = None) -> int:
    """Collect the fees of the open demo dossiers of the demo clerk's office that have no receipt
    yet, oldest first, up to ``limit`` receipts (``DEMO_RECEIPTS_MAX`` by default; every third by
    transfer). Running it again goes on with the dossiers left. Returns how many were issued."""
    limit = DEMO_RECEIPTS_MAX if limit is None else limit
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
    made, last = 0, 0
    while made < limit:
        page = list(dossiers.filter(pk__gt=last)[:500])  # by pages: a large seed has tens of thousands
        if not page:
            break
        for dossier in page:
            last = dossier.pk
            if made >= limit:
                break
            if not services.fees_due(fee_lines_for(dossier)):
                continue
            transfer = made % 3 == 2
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

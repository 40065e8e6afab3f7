"""Fee lines are written when a dossier is received, no longer on the first look at its fees: the
dossiers still open to collection that nobody looked at yet get theirs now (issue 23), as that
first look would have written them. Closed dossiers without lines print their procedure's fees
(``receipts.fee_lines.fee_lines_preview``) and get none."""

from django.db import migrations
from django.db.models import Exists, OuterRef

# receipts.services.fees.COLLECTABLE as it stands at this migration.
COLLECTABLE = ["received", "processing", "supplement_requested", "awaiting_payment", "result_ready"]
BATCH = 2_000


def set_missing_fee_lines(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    Fee = apps.get_model("procedures", "Fee")
    FeeLine = apps.get_model("receipts", "FeeLine")
    missing = list(
        Dossier.objects.filter(status__in=COLLECTABLE, received_at__isnull=False)
        .exclude(Exists(FeeLine.objects.filter(dossier=OuterRef("pk"))))
        .filter(Exists(Fee.objects.filter(procedure=OuterRef("procedure_id"))))
        .order_by("pk")
        .values_list("pk", "procedure_id", "resolving_agency_id")
    )
    fees = {}
    for fee in Fee.objects.filter(procedure_id__in={procedure for _pk, procedure, _agency in missing}):
        fees.setdefault(fee.procedure_id, []).append(fee)
    for start in range(0, len(missing), BATCH):
        FeeLine.objects.bulk_create(
            [
                FeeLine(
                    dossier_id=pk,
                    fee=fee,
                    name=fee.name,
                    kind=fee.kind,
                    amount=fee.amount,
                    owner_id=fee.owner_id or agency_id,
                )
                for pk, procedure_id, agency_id in missing[start : start + BATCH]
                for fee in sorted(fees.get(procedure_id, []), key=lambda fee: fee.pk)
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0015_submitted_request"),
        ("procedures", "0006_agency_tax_code"),
        ("receipts", "0004_signed_papers"),
    ]

    operations = [migrations.RunPython(set_missing_fee_lines, migrations.RunPython.noop)]

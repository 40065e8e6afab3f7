from django.db import migrations, models

from procedures.text import fold

BATCH = 2000


def fill(apps, schema_editor):
    """Fold the names of the dossiers already there, a batch at a time."""
    del schema_editor
    Dossier = apps.get_model("dossiers", "Dossier")
    last = 0
    while True:
        batch = list(
            Dossier.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "applicant_name", "organisation_name")[:BATCH]
        )
        if not batch:
            return
        for dossier in batch:
            dossier.applicant_search = fold(f"{dossier.applicant_name} {dossier.organisation_name}")
        Dossier.objects.bulk_update(batch, ["applicant_search"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0016_digitisation_marks"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_search",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

"""Mark the dossiers digitised, with a digital result or reusing a stored paper from the records
already there (``dossiers`` 0016 added the marks; ``documents.services.digitisation_marks_refresh``
keeps them from now on). Three ``UPDATE``s over the dossiers with these records; the statistics'
rollups are recounted after (``dashboards`` 0003)."""

from django.db import migrations


def mark(apps, schema_editor):
    from django.db.models import Exists, OuterRef

    from documents.models import DocumentReuse
    from documents.selectors import dossier_is_digitised_q, result_is_digitised_q
    from dossiers.models import Dossier

    Dossier.objects.filter(dossier_is_digitised_q()).update(papers_digitised=True)
    Dossier.objects.filter(result_is_digitised_q()).update(result_digitised=True)
    Dossier.objects.filter(Exists(DocumentReuse.objects.filter(dossier=OuterRef("pk")))).update(
        papers_reused=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("dossiers", "0016_digitisation_marks"),
        ("receipts", "0004_signed_papers"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]

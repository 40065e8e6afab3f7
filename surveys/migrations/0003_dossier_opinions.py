"""Mark the dossiers that already have an unsatisfied rating or a feedback item (the services mark
new ones). The statistics' rollups, which gained the monthly tables and Decision 766's
satisfaction buckets in ``dossiers`` 0006, are recounted from the marks by ``dashboards`` 0002."""

from django.db import migrations


def mark_and_recount(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    Rating = apps.get_model("surveys", "Rating")
    Feedback = apps.get_model("surveys", "Feedback")
    unsatisfied = Rating.objects.filter(score=1, dossier__isnull=False).values("dossier_id")
    Dossier.objects.filter(id__in=unsatisfied).update(rated_unsatisfied=True)
    Dossier.objects.filter(id__in=Feedback.objects.filter(dossier__isnull=False).values("dossier_id")).update(
        has_feedback=True
    )
    # The rollups are recounted from these marks by ``dashboards`` 0002 (which runs after this one):
    # ``surveys`` imports nothing of ``dashboards``.


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_monthly_rollup_and_opinions"),
        ("surveys", "0002_rating_kiosk"),
    ]

    operations = [migrations.RunPython(mark_and_recount, migrations.RunPython.noop)]

"""Recount the statistics' rollups from the dossiers with the rules of today (``dashboards.rollup``).

This is where the rollups are recounted after a change of the rules that count a dossier: the
marks of ``surveys`` 0003 (Decision 766's satisfaction buckets). On an empty database it costs
nothing; on PostgreSQL it is one ``INSERT ... SELECT`` (``rollup.rebuild``)."""

from django.db import migrations


def recount(apps, schema_editor):
    from dashboards import rollup

    rollup.rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('dashboards', '0001_rollup_tables_from_dossiers'),
        ('dossiers', '0010_rollup_tables_to_dashboards'),
        ('surveys', '0003_dossier_opinions'),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]

"""Recount the statistics' rollups: Decision 766 group 6 (``received_digitised``, ``reusing``,
``results_digitised``) is counted from the dossiers' marks that ``documents`` 0002 set. On an
empty database it costs nothing; at ten million dossiers it is the recount of ``dashboards`` 0002
(minutes, one ``INSERT ... SELECT`` on PostgreSQL). ``manage.py rebuild_rollup`` does the same."""

from django.db import migrations


def recount(apps, schema_editor):
    from dashboards import rollup

    rollup.rebuild(inputs=False)  # its wide monthly rows are made and counted by 0004


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0002_recount_rollups"),
        ("documents", "0002_digitisation_marks"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]

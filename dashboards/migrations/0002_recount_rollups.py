"""Recount the statistics' rollups from the dossiers with the rules of today (``dashboards.rollup``
over ``dossiers.punctuality``).

The rules that count a dossier changed: the marks of ``surveys`` 0003 (Decision 766's
satisfaction buckets), and "late" is now after the due *time* (it was after the due *date*), so a
result on its due date after the appointment's hour moves from ``resolved_on_time`` to
``resolved_late`` and leaves ``satisfaction_good``; an online submission refused or withdrawn
before it was received no longer counts as refused or withdrawn (form 06). Rows counted under the old rule are recounted
here, all of them: on an empty database (tests, a new installation) it costs nothing; on
PostgreSQL it is one ``INSERT ... SELECT`` over the dossiers (``rollup.rebuild``), minutes at ten
million. ``manage.py rebuild_rollup`` does the same by hand."""

from django.db import migrations


def recount(apps, schema_editor):
    from dashboards import rollup

    rollup.rebuild(inputs=False)  # its wide monthly rows are made and counted by 0004


class Migration(migrations.Migration):

    dependencies = [
        ('dashboards', '0001_rollup_tables_from_dossiers'),
        ('dossiers', '0011_rollup_tables_to_dashboards'),
        ('surveys', '0003_dossier_opinions'),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]

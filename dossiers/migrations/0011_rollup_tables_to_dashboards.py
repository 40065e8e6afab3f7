"""The statistics' rollup tables now belong to ``dashboards`` (its migration 0001 records them with
the same table names): dropped from this app's record only, the tables and their rows stay. No
dependency on ``dashboards``: the two changes touch Django's record only, in either order."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0010_dossier_result_signed_by'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='DailyAgencyFigure'),
                migrations.DeleteModel(name='DailyFigure'),
                migrations.DeleteModel(name='MonthlyAgencyFigure'),
                migrations.DeleteModel(name='MonthlyFigure'),
                migrations.DeleteModel(name='TotalAgencyFigure'),
                migrations.DeleteModel(name='TotalFigure'),
            ],
        ),
    ]

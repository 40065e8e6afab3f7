"""The monthly agency rollup laid wide (``MonthlyAgencyInputs``): the table, room left in its
pages for the counts' updates (PostgreSQL, as ``dossiers`` 0008 for the other rollups), and a
recount from the monthly agency rollup (seconds at ten million dossiers: about 480.000 narrow
rows become 40.000 wide ones)."""

import django.db.models.deletion
from django.db import migrations, models


def leave_room_for_updates(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE "dashboards_monthlyagencyinputs" SET (fillfactor = 50)')


def recount(apps, schema_editor):
    from dashboards import rollup

    rollup.rebuild_inputs()


class Migration(migrations.Migration):

    dependencies = [
        ('dashboards', '0003_recount_digitisation'),
        ('procedures', '0006_agency_tax_code'),
    ]

    operations = [
        migrations.CreateModel(
            name='MonthlyAgencyInputs',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('level', models.CharField(max_length=16)),
                ('received', models.IntegerField(default=0)),
                ('received_online', models.IntegerField(default=0)),
                ('resolved_early', models.IntegerField(default=0)),
                ('resolved_on_time', models.IntegerField(default=0)),
                ('resolved_late', models.IntegerField(default=0)),
                ('refused', models.IntegerField(default=0)),
                ('withdrawn', models.IntegerField(default=0)),
                ('stopped', models.IntegerField(default=0)),
                ('returned', models.IntegerField(default=0)),
                ('exited', models.IntegerField(default=0)),
                ('overdue_start', models.IntegerField(default=0)),
                ('overdue_end', models.IntegerField(default=0)),
                ('satisfaction_base', models.IntegerField(default=0)),
                ('satisfaction_good', models.IntegerField(default=0)),
                ('received_digitised', models.IntegerField(default=0)),
                ('reusing', models.IntegerField(default=0)),
                ('results_digitised', models.IntegerField(default=0)),
                ('agency', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.agency')),
            ],
            options={
                'verbose_name': 'đầu vào chỉ số theo tháng và cơ quan',
                'verbose_name_plural': 'đầu vào chỉ số theo tháng và cơ quan',
                'constraints': [models.UniqueConstraint(fields=('month', 'agency', 'level'), name='monthly_agency_inputs_key')],
            },
        ),
        migrations.RunPython(leave_room_for_updates, migrations.RunPython.noop),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]

"""The statistics' rollup tables move from ``dossiers`` to ``dashboards`` in Django's record only:
the tables keep their names (``db_table``) and their rows, nothing is written to the database.
``dossiers`` 0011 drops them from its own record."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('dossiers', '0009_rollup_keys_without_constraints'),
        ('procedures', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='DailyAgencyFigure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(max_length=16)),
                        ('channel', models.CharField(max_length=8)),
                        ('bucket', models.CharField(max_length=20)),
                        ('n', models.IntegerField(default=0)),
                        ('day', models.DateField()),
                        ('agency', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.agency')),
                    ],
                    options={
                        'verbose_name': 'số liệu thống kê theo ngày và cơ quan',
                        'verbose_name_plural': 'số liệu thống kê theo ngày và cơ quan',
                        'db_table': 'dossiers_dailyagencyfigure',
                        'constraints': [models.UniqueConstraint(fields=('day', 'agency', 'level', 'channel', 'bucket'), name='daily_agency_figure_key')],
                    },
                ),
                migrations.CreateModel(
                    name='DailyFigure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(max_length=16)),
                        ('channel', models.CharField(max_length=8)),
                        ('bucket', models.CharField(max_length=20)),
                        ('n', models.IntegerField(default=0)),
                        ('day', models.DateField()),
                        ('agency', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.agency')),
                        ('field', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.field')),
                        ('procedure', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.procedure')),
                    ],
                    options={
                        'verbose_name': 'số liệu thống kê theo ngày',
                        'verbose_name_plural': 'số liệu thống kê theo ngày',
                        'db_table': 'dossiers_dailyfigure',
                        'constraints': [models.UniqueConstraint(fields=('day', 'agency', 'procedure', 'field', 'level', 'channel', 'bucket'), name='daily_figure_key')],
                    },
                ),
                migrations.CreateModel(
                    name='MonthlyAgencyFigure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(max_length=16)),
                        ('channel', models.CharField(max_length=8)),
                        ('bucket', models.CharField(max_length=20)),
                        ('n', models.IntegerField(default=0)),
                        ('month', models.DateField()),
                        ('agency', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.agency')),
                    ],
                    options={
                        'verbose_name': 'số liệu thống kê theo tháng và cơ quan',
                        'verbose_name_plural': 'số liệu thống kê theo tháng và cơ quan',
                        'db_table': 'dossiers_monthlyagencyfigure',
                        'constraints': [models.UniqueConstraint(fields=('month', 'agency', 'level', 'channel', 'bucket'), name='monthly_agency_figure_key')],
                    },
                ),
                migrations.CreateModel(
                    name='MonthlyFigure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(max_length=16)),
                        ('channel', models.CharField(max_length=8)),
                        ('bucket', models.CharField(max_length=20)),
                        ('n', models.IntegerField(default=0)),
                        ('month', models.DateField()),
                        ('agency', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.agency')),
                        ('field', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.field')),
                        ('procedure', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.procedure')),
                    ],
                    options={
                        'verbose_name': 'số liệu thống kê theo tháng',
                        'verbose_name_plural': 'số liệu thống kê theo tháng',
                        'db_table': 'dossiers_monthlyfigure',
                        'constraints': [models.UniqueConstraint(fields=('month', 'agency', 'procedure', 'field', 'level', 'channel', 'bucket'), name='monthly_figure_key')],
                    },
                ),
                migrations.CreateModel(
                    name='TotalAgencyFigure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(max_length=16)),
                        ('channel', models.CharField(max_length=8)),
                        ('bucket', models.CharField(max_length=20)),
                        ('n', models.IntegerField(default=0)),
                        ('agency', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.agency')),
                    ],
                    options={
                        'verbose_name': 'số liệu thống kê cộng dồn theo cơ quan',
                        'verbose_name_plural': 'số liệu thống kê cộng dồn theo cơ quan',
                        'db_table': 'dossiers_totalagencyfigure',
                        'constraints': [models.UniqueConstraint(fields=('agency', 'level', 'channel', 'bucket'), name='total_agency_figure_key')],
                    },
                ),
                migrations.CreateModel(
                    name='TotalFigure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.CharField(max_length=16)),
                        ('channel', models.CharField(max_length=8)),
                        ('bucket', models.CharField(max_length=20)),
                        ('n', models.IntegerField(default=0)),
                        ('agency', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.agency')),
                        ('field', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.field')),
                        ('procedure', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.procedure')),
                    ],
                    options={
                        'verbose_name': 'số liệu thống kê cộng dồn',
                        'verbose_name_plural': 'số liệu thống kê cộng dồn',
                        'db_table': 'dossiers_totalfigure',
                        'constraints': [models.UniqueConstraint(fields=('agency', 'procedure', 'field', 'level', 'channel', 'bucket'), name='total_figure_key')],
                    },
                ),
            ],
        ),
    ]

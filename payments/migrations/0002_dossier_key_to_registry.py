"""The foreign keys to the dossiers point at their registry on PostgreSQL (``dossiers.0020``):
Django no longer makes or drops them (``db_constraint=False``)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0020_dossier_partitioned_by_year"),
        ("payments", "0001_online_payments"),
    ]

    operations = [
        # State only: the database's key is the registry's, made by dossiers.0020 on PostgreSQL
        # (on SQLite the key made with the table stays).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="payment",
                    name="dossier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="online_payments",
                        to="dossiers.dossier",
                        verbose_name="hồ sơ",
                    ),
                ),
            ],
        ),
    ]

"""The foreign keys to the dossiers point at their registry on PostgreSQL (``dossiers.0020``):
Django no longer makes or drops them (``db_constraint=False``)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0020_dossier_partitioned_by_year"),
        ("surveys", "0005_feedback_typed_dossier_code"),
    ]

    operations = [
        # State only: the database's key is the registry's, made by dossiers.0020 on PostgreSQL
        # (on SQLite the key made with the table stays).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="feedback",
                    name="dossier",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="feedback",
                        to="dossiers.dossier",
                        verbose_name="hồ sơ",
                    ),
                ),
                migrations.AlterField(
                    model_name="rating",
                    name="dossier",
                    field=models.OneToOneField(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rating",
                        to="dossiers.dossier",
                        verbose_name="hồ sơ",
                    ),
                ),
            ],
        ),
    ]

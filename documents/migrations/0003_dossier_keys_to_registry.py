"""The foreign keys to the dossiers point at their registry on PostgreSQL (``dossiers.0020``):
Django no longer makes or drops them (``db_constraint=False``)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_digitisation_marks"),
        ("dossiers", "0020_dossier_partitioned_by_year"),
    ]

    operations = [
        # State only: the database's key is the registry's, made by dossiers.0020 on PostgreSQL
        # (on SQLite the key made with the table stays).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="digitisation",
                    name="dossier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="digitisations",
                        to="dossiers.dossier",
                    ),
                ),
                migrations.AlterField(
                    model_name="documentreuse",
                    name="dossier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="document_reuses",
                        to="dossiers.dossier",
                    ),
                ),
                migrations.AlterField(
                    model_name="storeddocument",
                    name="dossier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="stored_documents",
                        to="dossiers.dossier",
                        verbose_name="từ hồ sơ",
                    ),
                ),
            ],
        ),
    ]

"""A dossier keeps the year it came in (``Dossier.received_year``), and on PostgreSQL the dossier
table is partitioned by it: one partition a year, a default one, primary key ``(id, received_year)``
(``dossiers.partitions``; ``docs/scaling.md`` section 4.2).

PostgreSQL cannot keep ``code`` and ``tracking_token`` unique across partitions, nor let a foreign
key name ``id`` alone: the registry ``dossiers_dossierkey`` (one row a dossier, kept by a trigger,
keyed both ways with the dossier) holds the unique keys, and every foreign key to the dossiers
(16, in 6 apps) points at it, single-column and enforced. Django's own constraint of those fields
is switched off in the models (``db_constraint=False``); the other apps' migrations that follow
say so in their state. On SQLite the table stays plain, with its keys as made.

On an existing database the conversion copies the whole table in this migration's transaction,
the table locked meanwhile: a maintenance window (its time at 1 M dossiers in
``docs/scaling.md``)."""

import django.db.models.deletion
from django.db import migrations, models


def forward(apps, schema_editor):
    from dossiers import partitions

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            partitions.partition_dossiers(cursor)
        return
    # SQLite: a plain column, filled from the times (local time: TIME_ZONE is UTC+7 all year).
    Dossier = apps.get_model("dossiers", "Dossier")
    nullable = models.SmallIntegerField(null=True)
    nullable.set_attributes_from_name("received_year")
    schema_editor.add_field(Dossier, nullable)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dossiers_dossier SET received_year = CAST(strftime('%Y', "
            "COALESCE(submitted_at, received_at, created_at), '+7 hours') AS INTEGER)"
        )
    required = models.SmallIntegerField(editable=False)
    required.set_attributes_from_name("received_year")
    required.model = nullable.model = Dossier
    schema_editor.alter_field(Dossier, nullable, required)


def backward(apps, schema_editor):
    from dossiers import partitions

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            partitions.unpartition_dossiers(cursor)
        return
    Dossier = apps.get_model("dossiers", "Dossier")
    field = models.SmallIntegerField(editable=False)
    field.set_attributes_from_name("received_year")
    field.model = Dossier
    schema_editor.remove_field(Dossier, field)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("dossiers", "0019_event_partitioned_by_year"),
        # every foreign key to the dossiers exists before it is pointed at the registry
        ("counters", "0002_ticket_code_unique_per_office_day"),
        ("documents", "0002_digitisation_marks"),
        ("national", "0003_sync_event_year"),
        ("payments", "0001_online_payments"),
        ("receipts", "0005_fee_lines_set_at_receipt"),
        ("surveys", "0005_feedback_typed_dossier_code"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # PostgreSQL only (made by ``partitions.partition_dossiers``); no table on SQLite.
                migrations.CreateModel(
                    name="DossierKey",
                    fields=[
                        ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                        ("received_year", models.SmallIntegerField()),
                        ("code", models.CharField(max_length=40, unique=True)),
                        ("tracking_token", models.CharField(max_length=64, unique=True)),
                        ("intake_office_id", models.BigIntegerField()),
                        ("register_book", models.IntegerField(null=True)),
                        ("register_number", models.IntegerField(null=True)),
                    ],
                    options={"db_table": "dossiers_dossierkey"},
                ),
                migrations.AddField(
                    model_name="dossier",
                    name="received_year",
                    field=models.SmallIntegerField(default=2026, editable=False),
                    preserve_default=False,
                ),
                migrations.AlterField(
                    model_name="documentreceived",
                    name="dossier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents_received",
                        to="dossiers.dossier",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossierfile",
                    name="dossier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="files",
                        to="dossiers.dossier",
                    ),
                ),
                migrations.AlterField(
                    model_name="event",
                    name="dossier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="dossiers.dossier",
                    ),
                ),
                migrations.AlterField(
                    model_name="financialobligation",
                    name="dossier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="obligations",
                        to="dossiers.dossier",
                    ),
                ),
                migrations.AlterField(
                    model_name="step",
                    name="dossier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="steps",
                        to="dossiers.dossier",
                    ),
                ),
                migrations.AlterField(
                    model_name="supplementrequest",
                    name="dossier",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="supplement_requests",
                        to="dossiers.dossier",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]

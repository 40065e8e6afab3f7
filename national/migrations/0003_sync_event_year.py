"""A sync message names its event by ``(event_id, event_year)``: on PostgreSQL the event log is
partitioned by its dossier's year (``dossiers.0019``) and its primary key is ``(id, dossier_year)``,
so the foreign key is the composite one, added here in SQL (Django cannot declare it: its own
constraint on ``event_id`` is switched off in the model, ``db_constraint=False``). On SQLite the
single-column one stays as it was made."""

from django.db import migrations, models

FOREIGN_KEY = "national_syncmessage_event_fk"


def forward(apps, schema_editor):
    connection = schema_editor.connection
    SyncMessage = apps.get_model("national", "SyncMessage")
    nullable = models.SmallIntegerField(null=True)
    nullable.set_attributes_from_name("event_year")
    nullable.model = SyncMessage
    schema_editor.add_field(SyncMessage, nullable)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE national_syncmessage SET event_year = (SELECT e.dossier_year FROM dossiers_event e "
            "WHERE e.id = national_syncmessage.event_id)"
        )
    required = models.SmallIntegerField(editable=False)
    required.set_attributes_from_name("event_year")
    required.model = SyncMessage
    schema_editor.alter_field(SyncMessage, nullable, required)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE national_syncmessage ADD CONSTRAINT {FOREIGN_KEY} "
                "FOREIGN KEY (event_id, event_year) REFERENCES dossiers_event (id, dossier_year) "
                "DEFERRABLE INITIALLY DEFERRED"
            )


def backward(apps, schema_editor):
    connection = schema_editor.connection
    SyncMessage = apps.get_model("national", "SyncMessage")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE national_syncmessage DROP CONSTRAINT {FOREIGN_KEY}")
    field = models.SmallIntegerField(editable=False)
    field.set_attributes_from_name("event_year")
    field.model = SyncMessage
    schema_editor.remove_field(SyncMessage, field)


class Migration(migrations.Migration):
    dependencies = [
        ("national", "0002_catalog_pull"),
        ("dossiers", "0019_event_partitioned_by_year"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="syncmessage",
                    name="event_year",
                    field=models.SmallIntegerField(default=2026, editable=False),
                    preserve_default=False,
                ),
                migrations.AlterField(
                    model_name="syncmessage",
                    name="event",
                    field=models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="dossiers.event",
                        verbose_name="sự kiện",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]

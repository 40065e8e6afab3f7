"""The event log keeps its dossier's year (``Dossier.received_year``), and on PostgreSQL is
partitioned by it: one partition a year, a default one, primary key ``(id, dossier_year)``
(``dossiers.partitions``; ``docs/scaling.md`` section 4).

On an existing database the conversion copies the whole table in this migration's transaction,
the table locked meanwhile: run it in a maintenance window (about 10 s a million events on a small
machine, see ``docs/scaling.md``). The foreign key of ``national.SyncMessage.event`` is dropped
here and put back as a composite one by ``national.0003``, which runs next."""

from django.db import migrations, models

FILL_SUBMITTED = (
    # An imported online submission not yet received: its import time stands for its submission,
    # so its year does not change when it is received (``Dossier.received_year``).
    "UPDATE dossiers_dossier SET submitted_at = created_at WHERE submitted_at IS NULL AND received_at IS NULL"
)


def forward(apps, schema_editor):
    from dossiers import partitions

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(FILL_SUBMITTED)
        if connection.vendor == "postgresql":
            partitions.partition_events(cursor)
            return
    # SQLite: a plain column, filled from the dossiers (local time: TIME_ZONE is UTC+7 all year).
    Event = apps.get_model("dossiers", "Event")
    nullable = models.SmallIntegerField(null=True)
    nullable.set_attributes_from_name("dossier_year")
    schema_editor.add_field(Event, nullable)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dossiers_event SET dossier_year = (SELECT CAST(strftime('%Y', "
            "COALESCE(d.submitted_at, d.received_at, d.created_at), '+7 hours') AS INTEGER) "
            "FROM dossiers_dossier d WHERE d.id = dossiers_event.dossier_id)"
        )
    required = models.SmallIntegerField(editable=False)
    required.set_attributes_from_name("dossier_year")
    required.model = nullable.model = Event
    schema_editor.alter_field(Event, nullable, required)


def backward(apps, schema_editor):
    from dossiers import partitions

    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            partitions.unpartition_events(cursor)
        return
    Event = apps.get_model("dossiers", "Event")
    field = models.SmallIntegerField(editable=False)
    field.set_attributes_from_name("dossier_year")
    field.model = Event
    schema_editor.remove_field(Event, field)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("dossiers", "0018_staff_page_indexes"),
        # its foreign key to the events exists before it is replaced (national.0003)
        ("national", "0002_catalog_pull"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="event",
                    name="dossier_year",
                    field=models.SmallIntegerField(default=2026, editable=False),
                    preserve_default=False,
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]

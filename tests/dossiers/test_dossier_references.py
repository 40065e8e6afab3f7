"""Every foreign key to the dossiers leaves its database constraint to ``dossiers.partitions``: on
PostgreSQL it points at the registry of the partitioned dossiers (Django's own constraint would
name ``dossiers_dossier (id)``, which a partitioned table cannot serve). A new one must say
``db_constraint=False``; the conversion points it at the registry."""

from dossiers.models import Dossier


def test_every_reference_to_a_dossier_leaves_its_constraint_to_the_registry():
    references = [
        f"{field.related_model._meta.label}.{field.field.name}"
        for field in Dossier._meta.get_fields(include_hidden=True)
        if field.is_relation and field.auto_created and not field.concrete
    ]
    assert len(references) == 17
    assert [
        label
        for label, field in zip(
            references,
            (
                f.field
                for f in Dossier._meta.get_fields(include_hidden=True)
                if f.is_relation and f.auto_created and not f.concrete
            ),
            strict=True,
        )
        if field.db_constraint
    ] == []

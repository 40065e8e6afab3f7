"""Querysets compiled once per connection and run again with other values (``web.compiled``)."""

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from procedures.models import Agency, Procedure
from tests.factories import AgencyFactory, ProcedureFactory
from web import compiled


def procedures_of(agency_id: int, code: str):
    children = Agency.objects.filter(parent=OuterRef("agency"))
    return (
        Procedure.objects.select_related("agency", "field")
        .annotate(has_children=Exists(children))
        .filter(agency_id=agency_id, code__gte=code, is_active=True)
        .order_by("code")
    )


def fields(procedure: Procedure) -> tuple:
    return (procedure.pk, procedure.code, procedure.name, procedure.processing_days, procedure.updated_at)


@pytest.mark.django_db
def test_the_rows_are_the_orms_for_every_value_and_the_statement_is_compiled_once():
    one, two = AgencyFactory(), AgencyFactory()
    AgencyFactory(parent=two)
    for code, agency in (("9.000001", one), ("9.000002", one), ("9.000003", two)):
        ProcedureFactory(code=code, agency=agency)
    for agency, code in ((one, "9.000000"), (one, "9.000002"), (two, "9.000000"), (two, "9.9")):
        kept = compiled.rows(("test_compiled", "procedures"), procedures_of, agency.pk, code)
        plain = list(procedures_of(agency.pk, code))
        assert [fields(p) for p in kept] == [fields(p) for p in plain]
        assert [p.has_children for p in kept] == [p.has_children for p in plain]
    with CaptureQueriesContext(connection) as sent:
        kept = compiled.rows(("test_compiled", "procedures"), procedures_of, two.pk, "9")
        assert [(p.agency.code, p.field.code, p.has_children) for p in kept] == [
            (two.code, kept[0].field.code, True)
        ]
    assert len(sent) == 1  # the joined rows came with it
    assert kept[0]._state.db == "default" and not kept[0]._state.adding


@pytest.mark.django_db
def test_a_queryset_that_reads_nothing_sends_nothing():
    AgencyFactory()
    with CaptureQueriesContext(connection) as sent:
        assert (
            compiled.rows(("test_compiled", "none"), lambda pk: Agency.objects.filter(pk=pk).none(), 1) == []
        )
    assert len(sent) == 0


@pytest.mark.django_db
def test_a_value_the_orm_transforms_is_read_by_the_orm_each_time():
    AgencyFactory(name="Sở Tư pháp")
    AgencyFactory(name="Sở Y tế")

    def named(text: str):
        return Agency.objects.filter(name__contains=text).order_by("name")  # the ORM wraps it in %…%

    for text, expected in (("Tư", ["Sở Tư pháp"]), ("Sở", ["Sở Tư pháp", "Sở Y tế"]), ("x", [])):
        assert [a.name for a in compiled.rows(("test_compiled", "contains"), named, text)] == expected


def test_only_ints_and_strings_are_values():
    with pytest.raises(TypeError):
        compiled.rows(("test_compiled", "bad"), lambda value: Agency.objects.filter(is_active=value), True)


@pytest.mark.django_db
def test_kept_values_and_counts_are_the_orms():
    """``kept_values`` / ``kept_count`` (a list's page and count planned once a connection, the
    values written in): the ORM's dicts, converted values (a datetime, a decimal) included, its
    counts, nothing for a filter that matches nothing, and a text holding "%" run as it is."""
    one = AgencyFactory()
    for code in ("9.000001", "9.000002", "9.000003"):
        ProcedureFactory(code=code, agency=one)
    base = Procedure.objects.filter(agency=one).order_by("code")
    columns = ("code", "agency__name", "updated_at", "processing_days", "is_active")
    for qs in (base, base.filter(code__gte="9.000002"), base.filter(code__icontains="0%"), base.none()):
        assert compiled.kept_values(qs.values(*columns)) == list(qs.values(*columns))
        assert compiled.kept_values(qs.values(*columns)[1:2]) == list(qs.values(*columns)[1:2])
        assert compiled.kept_count(qs) == qs.count()
    assert compiled.kept_count(base.filter(pk__in=[])) == 0
    assert compiled.kept_values(base.filter(pk__in=[]).values("code")) == []


@pytest.mark.django_db
def test_a_paginator_over_kept_values_reads_the_count_and_a_page():
    from django.core.paginator import Paginator

    one = AgencyFactory()
    for n in range(5):
        ProcedureFactory(code=f"9.00000{n}", agency=one)
    qs = Procedure.objects.filter(agency=one).order_by("code")
    pages = Paginator(compiled.KeptValues(qs.values("code"), 2, counted=qs), 2)
    assert pages.count == 5 and pages.num_pages == 3
    assert [row["code"] for row in pages.get_page(2)] == ["9.000002", "9.000003"]
    assert [row["code"] for row in pages.get_page(99)] == ["9.000004"]

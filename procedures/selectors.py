"""Reads of the catalog."""

from datetime import date

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from procedures.models import (
    TWO_TIER_FROM,
    Agency,
    Field,
    Level,
    Procedure,
    ProcessStep,
    RequiredDocument,
)
from procedures.text import search_terms


def agency_descendant_ids(agency_id: int) -> list[int]:
    """The agency and every agency below it, walking the parent links level by level."""
    found = [agency_id]
    frontier = [agency_id]
    while frontier:
        frontier = list(Agency.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = [pk for pk in frontier if pk not in found]
        found.extend(frontier)
    return found


def catalog_version() -> str:
    """What the public catalog pages depend on, as a short key: the procedures' last change and
    count, and the agencies' and fields' count and newest id (the filter lists name them). One
    small SQL statement, read before serving a catalog page from the cache (``hcc.pagecache``).
    Renaming an agency or a field alone does not change it: such a page is renewed when its cache
    entry ends (``HCC_CATALOG_CACHE_SECONDS``)."""
    q = connection.ops.quote_name
    procedures, agencies, fields = (q(m._meta.db_table) for m in (Procedure, Agency, Field))
    sql = (
        f"SELECT (SELECT MAX(updated_at) FROM {procedures}), (SELECT COUNT(*) FROM {procedures}), "  # noqa: S608  # nosec B608
        f"(SELECT COUNT(*) FROM {agencies}), (SELECT MAX(id) FROM {agencies}), "
        f"(SELECT COUNT(*) FROM {fields}), (SELECT MAX(id) FROM {fields})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        changed, *counts = cursor.fetchone()
    return ".".join([str(changed or 0), *(str(n or 0) for n in counts)])


def procedures_public() -> QuerySet[Procedure]:
    return Procedure.objects.filter(is_active=True).select_related("field", "agency")


def procedures_search(query: str = "", qs: QuerySet[Procedure] | None = None) -> QuerySet[Procedure]:
    """Active procedures whose code or name holds every word of ``query``, whatever the case
    and the diacritics on either side ("giay phep xay dung" finds "Cấp giấy phép xây dựng",
    "đ" and "d" match). An exact procedure code comes first, then names holding the whole
    phrase, then names holding the words apart; each group by name."""
    qs = procedures_public() if qs is None else qs
    terms = search_terms(query)
    if not terms:
        return qs
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    phrase = " ".join(terms)
    return (
        qs.filter(condition)
        .annotate(
            search_rank=Case(
                When(code=query.strip(), then=Value(0)),
                When(search_text__contains=phrase, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("search_rank", "name")
    )


def procedure_detail(code: str) -> Procedure:
    return (
        procedures_public()
        .prefetch_related(
            Prefetch("documents", queryset=RequiredDocument.objects.order_by("order", "id")),
            "fees",
            Prefetch(
                "process_steps", queryset=ProcessStep.objects.select_related("agency").order_by("order", "id")
            ),
        )
        .get(code=code)
    )


def one_stop_offices(day: date | None = None) -> QuerySet[Agency]:
    """One-stop desks that receive new dossiers on ``day`` (today): ``agencies_receiving``."""
    from django.utils import timezone

    return agencies_receiving(day or timezone.localdate()).filter(has_one_stop_desk=True)


def agencies_receiving(day: date) -> QuerySet[Agency]:
    """Agencies that may receive a new dossier or be routed one on ``day``: ``Agency.receives_on``
    as a filter (active; no district-level agency from 1 July 2025)."""
    qs = Agency.objects.filter(is_active=True)
    return qs.exclude(level=Level.DISTRICT) if day >= TWO_TIER_FROM else qs


def competent_agencies(procedure: Procedure, day: date) -> list[Agency]:
    """The agencies that may resolve a dossier of ``procedure`` received on ``day``, whatever desk
    receives it (intake regardless of administrative boundary, Decree 118/2025/NĐ-CP): for a
    commune-level procedure every commune-level agency of the catalog agency's kind (the person
    chooses the commune where they live, or the desk does), otherwise the catalog's agency. Only
    agencies of the present structure (``agencies_receiving``)."""
    receiving = agencies_receiving(day)
    if procedure.level == Level.COMMUNE:
        return list(receiving.filter(level=Level.COMMUNE, kind=procedure.agency.kind).order_by("name", "id"))
    return list(receiving.filter(pk=procedure.agency_id))

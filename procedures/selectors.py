"""Reads of the catalog."""

import re
from datetime import date

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, Lower

from procedures import versioned
from procedures.models import (
    TWO_TIER_FROM,
    Agency,
    Field,
    Level,
    Procedure,
    ProcessStep,
)
from procedures.text import fold, search_terms
from web import compiled, prepared


def agency_descendant_ids(agency_id: int) -> list[int]:
    """The agency and every agency below it: the agency first, then each level below it (by
    level and name), in one statement (a recursive query over the parent links; a loop in the
    links ends at 64 levels, an agency met twice is listed once, at the first level it is met).
    Prepared once per connection (``web.prepared``): a manager's every page asks it, and its plan
    cost more than its run."""
    from django.db import connections, router

    table = connection.ops.quote_name(Agency._meta.db_table)
    sql = (
        f"WITH RECURSIVE tree (id, depth) AS ("  # noqa: S608  # nosec B608
        f"SELECT id, 1 FROM {table} WHERE parent_id = %s "
        f"UNION SELECT a.id, t.depth + 1 FROM {table} a JOIN tree t ON a.parent_id = t.id WHERE t.depth < 64"
        f") SELECT a.id FROM tree t JOIN {table} a ON a.id = t.id WHERE a.id <> %s "
        f"GROUP BY a.id, a.level, a.name ORDER BY MIN(t.depth), a.level, a.name"
    )
    with connections[router.db_for_read(Agency)].cursor() as cursor:
        prepared.execute(cursor, "hcc_agency_tree", sql, [agency_id, agency_id])
        return [agency_id, *(row[0] for row in cursor.fetchall())]


def catalog_version() -> str:
    """What the public catalog pages depend on, as a short key: the procedures' last change and
    count, and the agencies' and fields' count and newest id (the filter lists name them). One
    small SQL statement, read before serving a catalog page from the cache (``web.pagecache``).
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


def _fields_and_agencies_matching(terms: list[str]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """For each term, the ids of the fields and of the agencies (small tables, read in one query)
    whose folded name holds it."""
    field_rows = Field.objects.annotate(table=Value("f")).values_list("table", "id", "name").order_by()
    agency_rows = Agency.objects.annotate(table=Value("a")).values_list("table", "id", "name").order_by()
    rows = field_rows.union(agency_rows, all=True)
    names = [(kind, pk, fold(name)) for kind, pk, name in rows]
    fields = {term: [pk for kind, pk, name in names if kind == "f" and term in name] for term in terms}
    agencies = {term: [pk for kind, pk, name in names if kind == "a" and term in name] for term in terms}
    return fields, agencies


# How well a procedure matches, best first: the exact code, the exact name, a name starting with
# the query, a name holding the phrase, a name holding every word, words found only in the
# procedure's field (lĩnh vực) or agency ("dat dai" finds land procedures), a near spelling
# (PostgreSQL's trigrams, when nothing else matched).
EXACT_CODE, EXACT_NAME, STARTS, PHRASE, WORDS, FIELD_OR_AGENCY, NEAR = range(7)
TRIGRAM_THRESHOLD = 0.45


def procedures_search(query: str = "", qs: QuerySet[Procedure] | None = None) -> QuerySet[Procedure]:
    """Active procedures matching ``query`` whatever the case and the diacritics on either side
    ("giay phep xay dung" finds "Cấp giấy phép xây dựng", "đ" and "d" match): every word must be
    in the code or name, or in the name of the procedure's field or agency. Ranked (see above),
    then in Vietnamese alphabetical order. On PostgreSQL, a query that matches nothing is tried
    again by trigram similarity, so a typo still finds the procedure."""
    qs = procedures_public() if qs is None else qs
    terms = search_terms(query)
    if not terms:
        return qs
    fields, agencies = _fields_and_agencies_matching(terms)
    in_name = Q()
    anywhere = Q()
    for term in terms:
        in_name &= Q(search_text__contains=term)
        anywhere &= (
            Q(search_text__contains=term) | Q(field_id__in=fields[term]) | Q(agency_id__in=agencies[term])
        )
    phrase = " ".join(terms)
    code_and_phrase = Concat(Lower("code"), Value(f" {phrase}"), output_field=TextField())
    ranked = (
        qs.filter(anywhere)
        .annotate(
            search_rank=Case(
                When(code=query.strip(), then=Value(EXACT_CODE)),
                When(search_text=code_and_phrase, then=Value(EXACT_NAME)),
                When(search_text__startswith=code_and_phrase, then=Value(STARTS)),
                When(search_text__contains=phrase, then=Value(PHRASE)),
                When(in_name, then=Value(WORDS)),
                default=Value(FIELD_OR_AGENCY),
                output_field=IntegerField(),
            )
        )
        .order_by("search_rank", "sort_name")
    )
    if connection.vendor != "postgresql" or ranked.exists():
        return ranked
    from django.contrib.postgres.search import TrigramWordSimilarity

    return (
        qs.annotate(similarity=TrigramWordSimilarity(phrase, "search_text"), search_rank=Value(NEAR))
        .filter(similarity__gte=TRIGRAM_THRESHOLD)
        .order_by("-similarity", "sort_name")
    )


def procedure_detail(code: str, *, with_steps: bool = True) -> Procedure:
    """An active procedure with its documents, fees and process steps (with their agencies)
    prefetched; the documents and fees from the process's copy per procedure version
    (``procedures.versioned``, issue 25: two statements less on every desk intake page).
    ``with_steps=False``: the process steps not read (the desk's pages do not show them)."""
    qs = procedures_public()
    if with_steps:
        qs = qs.prefetch_related(
            Prefetch(
                "process_steps", queryset=ProcessStep.objects.select_related("agency").order_by("order", "id")
            )
        )
    procedure = qs.get(code=code)
    _set_prefetched(procedure, "documents", versioned.documents_of(procedure))
    _set_prefetched(procedure, "fees", versioned.fees_of(procedure))
    return procedure


def _set_prefetched(procedure: Procedure, name: str, objects: list) -> None:
    """``procedure.<name>.all()`` answers ``objects`` without a query, as after
    ``prefetch_related(name)`` (each object's ``procedure`` set to it)."""
    for obj in objects:
        obj.procedure = procedure
    qs = getattr(procedure, name).all()
    qs._result_cache = objects
    qs._prefetch_done = True
    procedure._prefetched_objects_cache = getattr(procedure, "_prefetched_objects_cache", {})
    procedure._prefetched_objects_cache[name] = qs


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
    if procedure.level == Level.COMMUNE:
        # compiled once a connection (``web.compiled``): the online office page reads it each time
        receiving = agencies_receiving(day)
        return compiled.rows(
            ("competent_communes", day >= TWO_TIER_FROM),
            lambda kind: receiving.filter(level=Level.COMMUNE, kind=kind).order_by("name", "id"),
            procedure.agency.kind,
        )
    # the catalog's agency, read with the procedure (``procedures_public``): the same test in Python
    agency = procedure.agency
    return [agency] if agency.receives_on(day) else []


# Where the place of a commune-level agency's name begins ("Ủy ban nhân dân xã Đồng Tâm"), folded.
_COMMUNE_PLACE = re.compile(r"\b(?:xa|phuong|thi tran|dac khu) .+$")


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", fold(text))) + " "


def agency_named_in(address: str, agencies: list[Agency]) -> Agency | None:
    """The one agency of ``agencies`` whose commune ("xã Đồng Tâm", "phường Trung Sơn") the
    address names, else None (none or several named). The online form's first choice of the
    competent commune, from the address the applicant gave (rule 6 of issue 17; they may change
    it)."""
    words = _words(address)
    named = []
    for agency in agencies:
        place = _COMMUNE_PLACE.search(fold(agency.name))
        if place and _words(place.group(0)) in words:
            named.append(agency)
    return named[0] if len(named) == 1 else None

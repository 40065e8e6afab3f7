"""Reads of dossiers, always scoped to who asks."""

import functools
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Role
from accounts.permissions import agency_scope
from accounts.phones import looks_like_phone, normalize_phone
from dossiers import extensions, partitions, punctuality
from dossiers.models import (
    ApplicantKind,
    DocumentReceived,
    Dossier,
    DossierFile,
    Event,
    FinancialObligation,
    Step,
    StepStatus,
    SupplementRequest,
)
from dossiers.workflow import Action, Status
from procedures import workdays
from procedures.models import Agency, Procedure
from procedures.text import search_terms
from web import compiled, prepared


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    """A dossier is visible to its applicant, its intake office, the agencies of its steps and the
    managers above them — to no one else (DESIGN.md)."""
    qs = Dossier.objects.select_related("procedure", "resolving_agency", "intake_office")
    branch, scope = _visibility(user)
    return _visible_among(qs, branch, user.pk, scope)


def _visibility(user) -> tuple[str, list[int]]:
    """Which of ``dossiers_visible_to``'s cases ``user`` is (none, citizen, all, scoped) and the
    agencies of the scoped case."""
    if not user.is_authenticated or not user.is_active:
        return "none", []
    if user.role == Role.CITIZEN and not user.is_superuser:
        return "citizen", []
    scope = agency_scope(user)
    if scope is None:
        return "all", []
    if not scope:
        return "none", []
    return "scoped", list(scope)


def _visible_among(qs: QuerySet[Dossier], branch: str, user_id, scope) -> QuerySet[Dossier]:
    if branch == "none":
        return qs.none()
    if branch == "citizen":
        return qs.filter(applicant_user_id=user_id)
    if branch == "all":
        return qs
    on_steps = Step.objects.filter(dossier=OuterRef("pk"), agency_id__in=scope)
    return qs.filter(Q(intake_office_id__in=scope) | Q(resolving_agency_id__in=scope) | Exists(on_steps))


def received_at_own_desk(user) -> QuerySet[Dossier]:
    """The dossiers received at the user's own office that the user may see. When that office
    is in the user's scope, that is all of them, and the visibility test (an OR with a subquery
    on steps) is left out: it would keep PostgreSQL from the index on office and status, which at
    a million dossiers costs 80 ms a list page (issue 25)."""
    scope = agency_scope(user)
    if user.is_active and user.agency_id is not None and scope is not None and user.agency_id in scope:
        return Dossier.objects.select_related("procedure", "resolving_agency", "intake_office").filter(
            intake_office_id=user.agency_id
        )
    return dossiers_visible_to(user).filter(intake_office_id=user.agency_id)


def dossier_for(user, code: str) -> Dossier:
    """One dossier by code, with its steps, files and events, if ``user`` may see it
    (Dossier.DoesNotExist otherwise: the same answer as a code that does not exist)."""
    dossier = (
        dossiers_visible_to(user)
        .select_related("result_signed_by")
        .prefetch_related(*_detail_prefetches())
        .get(by_key("code", code))
    )
    prefetch_related_objects(
        [dossier], timeline_prefetch(dossier, Event.objects.select_related("actor", "agency"))
    )
    return dossier


def _detail_querysets() -> dict[str, QuerySet]:
    """The dossier page's related rows: relation name → how each is read. Each names its order:
    the models' own (``["dossier", ...]``) sorts by the dossier's ordering, which joins the
    dossiers (every year's partition) to rows of one dossier."""
    return {
        "steps": Step.objects.select_related("agency", "claimed_by").order_by("order", "id"),
        "files": DossierFile.objects.order_by("id"),
        "supplement_requests": SupplementRequest.objects.select_related("requested_by"),
        "documents_received": DocumentReceived.objects.select_related("document"),
        "obligations": FinancialObligation.objects.order_by("requested_at", "id"),
    }


_DETAIL_NAMES = ("steps", "files", "supplement_requests", "documents_received", "obligations")


def _detail_prefetches(flags: dict[str, bool] | None = None) -> list[Prefetch]:
    """The prefetches of the dossier page's rows; with ``flags`` (the dossier's ``has_<name>``),
    an empty ``.none()`` queryset (which runs no statement) for a relation it has no row of."""
    return [
        Prefetch(name, queryset=qs if flags is None or flags[name] else qs.none())
        for name, qs in _detail_querysets().items()
    ]


def dossier_page(user, code: str) -> Dossier:
    """``dossier_for`` for the dossier page (a GET that changes nothing): the dossier's statement
    also says which of its related rows exist (``has_<name>``: its own, and the other apps' through
    ``dossiers.extensions.page_flags``), and only those are read. Most dossiers have no supplement
    request, obligation, payment or reused paper: a statement saved for each (issue 25). Not for a
    page that changes the dossier before it renders (the flags are those of the read).

    On PostgreSQL the registry names the dossier's id and year first (``registry_key``; no row:
    DoesNotExist at once), and the dossier's and its events' statements name that year in their
    text: each is planned for that year's partition alone, also unprepared (behind PgBouncer in
    transaction mode), as public tracking is.

    Each statement is built and compiled once per connection (``web.compiled``): building the
    dossier's cost more CPU than running all of them."""
    branch, scope = _visibility(user)
    if connection.vendor == "postgresql":
        key = registry_key("code", code)
        if key is None:
            raise Dossier.DoesNotExist("Dossier matching query does not exist.")
        found = compiled.rows(
            ("dossier_page", branch, len(scope), key[1]),
            functools.partial(_page_statement, branch, key[1]),
            user.pk or 0,
            key[0],
            *scope,
        )
    else:
        found = compiled.rows(
            ("dossier_page", branch, len(scope)),
            functools.partial(_page_statement, branch, None),
            user.pk or 0,
            code,
            *scope,
        )
    if not found:
        raise Dossier.DoesNotExist("Dossier matching query does not exist.")
    dossier = found[0]
    year = dossier.received_year
    for name in (*_DETAIL_NAMES, "events"):
        if name == "events":
            read = compiled.rows(
                ("dossier_page_events", year), functools.partial(_page_events, year), dossier.pk
            )
        elif getattr(dossier, f"has_{name}"):
            read = compiled.rows(
                ("dossier_page", name),
                lambda pk, name=name: _detail_querysets()[name].filter(dossier_id=pk),
                dossier.pk,
            )
        else:
            read = []
        _keep(dossier, name, read)
    return dossier


def _year(year: int) -> RawSQL:
    """``year`` written in the statement's text (not a parameter): a partition key PostgreSQL
    prunes by when it plans, prepared or not."""
    return RawSQL(str(int(year)), [])  # noqa: S611  # nosec B611


def _page_events(year: int, dossier_id: int) -> QuerySet[Event]:
    return (
        Event.objects.select_related("actor", "agency")
        .filter(dossier_id=dossier_id, dossier_year=_year(year))
        .order_by("at", "id")
    )


def _page_statement(branch: str, year: int | None, user_id: int, key, *scope: int) -> QuerySet[Dossier]:
    """The dossier page's statement: the dossier if the user may see it, with its page flags;
    ``key`` its id in ``year`` (PostgreSQL, from the registry), or its code (``year`` None)."""
    querysets = _detail_querysets()
    own = {name: Exists(qs.model.objects.filter(dossier=OuterRef("pk"))) for name, qs in querysets.items()}
    flags = {**own, **extensions.page_flags()}
    qs = Dossier.objects.select_related("procedure", "resolving_agency", "intake_office", "result_signed_by")
    found = Q(code=key) if year is None else Q(id=key, received_year=_year(year))
    return (
        _visible_among(qs, branch, user_id, list(scope))
        .annotate(**{f"has_{name}": expression for name, expression in flags.items()})
        .filter(found)
        .order_by()
    )


def _keep(dossier: Dossier, name: str, rows: list) -> None:
    """``rows`` kept as the dossier's prefetched relation ``name``, as ``prefetch_related_objects``
    keeps them (``dossier.<name>.all()`` answers them without a statement), each row's dossier
    set. A plain read a relation: the prefetch machinery's own Python cost more than the read."""
    for row in rows:
        row.dossier = dossier
    kept = getattr(dossier, name).all()
    kept._result_cache = rows
    kept._prefetch_done = True
    dossier.__dict__.setdefault("_prefetched_objects_cache", {})[name] = kept


def may_have(dossier: Dossier, name: str) -> bool:
    """False when ``dossier`` was read by ``dossier_page`` and has no ``name`` rows (a page flag):
    the block that shows them skips its read. True otherwise (read by another selector: read)."""
    return getattr(dossier, f"has_{name}", True)


def timeline_prefetch(dossier: Dossier, queryset: QuerySet[Event] | None = None) -> Prefetch:
    """The dossier's events in order, read from its year's partition only (the event log is
    partitioned by ``Dossier.received_year`` on PostgreSQL: ``dossiers.partitions``)."""
    queryset = Event.objects.all() if queryset is None else queryset
    return Prefetch(
        "events", queryset=queryset.filter(dossier_year=dossier.received_year).order_by("at", "id")
    )


SUPPLEMENT_WAITING = (Status.INTAKE_SUPPLEMENT, Status.SUPPLEMENT_REQUESTED)


def _as_phone(text: str) -> str:
    """``text`` as a stored phone number (E.164), or "" when it is not one (then the search
    looks for it as a code, a number or a name instead)."""
    if not looks_like_phone(text):
        return ""
    try:
        return normalize_phone(text)
    except ValidationError:
        return ""


def _search_condition(query: str) -> Q | None:
    """What a staff member's one search box matches: a dossier code (whole or part, as a barcode
    scanner types it), an ID number or tax code, a phone number as people write it, or the
    applicant's or organisation's name without diacritics (every word found). None: nothing to
    search for."""
    text = " ".join((query or "").split())[:100]
    if not text:
        return None
    compact = text.replace(" ", "").upper()
    condition = Q(code=compact)
    if len(compact) >= 4:
        condition |= Q(code__icontains=compact)
    if compact.isalnum():
        condition |= Q(id_number=compact) | Q(tax_code=compact)
    if phone := _as_phone(text):
        condition |= Q(phone=phone)
    words = search_terms(text)
    if words and any(ch.isalpha() for ch in text):
        by_name = Q()
        for word in words:
            by_name &= Q(applicant_search__contains=word)
        condition |= by_name
    return condition


def dossiers_search(user, query: str = "", *, waiting_supplement: bool = False) -> QuerySet[Dossier]:
    """The dossiers ``user`` may see (``dossiers_visible_to``) that match ``query``, newest first;
    ``waiting_supplement`` keeps those waiting for the applicant's supplement (before or after
    acceptance). Empty when there is neither a query nor that filter."""
    qs = dossiers_visible_to(user)
    condition = _search_condition(query)
    if condition is None and not waiting_supplement:
        return qs.none()
    if condition is not None:
        qs = qs.filter(condition)
    if waiting_supplement:
        qs = qs.filter(status__in=SUPPLEMENT_WAITING)
    return qs.order_by("-id")


def last_submission_of(user) -> Dossier | None:
    """The person's own latest dossier made as a person (not for an organisation): the online
    form offers its ID number and address again. Compiled once a connection (``web.compiled``):
    the applicant and contact pages ask it each time."""
    if not user.is_authenticated:
        return None
    found = compiled.rows(("last_submission",), _last_submission_statement, user.pk)
    return found[0] if found else None


def _last_submission_statement(user_id: int) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(applicant_user_id=user_id, applicant_kind=ApplicantKind.PERSON)
        .only("id_kind", "id_number", "nationality", "address")
        .order_by("-id")[:1]
    )


def supplement_note(dossier: Dossier) -> str:
    """The note for the applicant written with the latest supplement request (at intake or
    during processing), kept on its event; "" when there is none."""
    note = (
        Event.objects.filter(
            dossier=dossier,
            dossier_year=dossier.received_year,
            action__in=[Action.REQUEST_SUPPLEMENT, Action.REQUEST_INTAKE_SUPPLEMENT],
        )
        .order_by("-at", "-id")
        .values_list("note", flat=True)
        .first()
    )
    return note or ""


def online_queue(user) -> QuerySet[Dossier]:
    """Online submissions waiting for a clerk of the user's office, oldest first."""
    return (
        Dossier.objects.filter(status=Status.SUBMITTED, intake_office_id=user.agency_id)
        .select_related("procedure", "resolving_agency")
        .order_by("submitted_at", "id")
    )


def waiting_for_intake_supplement(user) -> QuerySet[Dossier]:
    """Online submissions of the user's office sent back for supplement before acceptance, the
    longest waiting first, with the request (the desk may still refuse one that never comes back)."""
    return (
        Dossier.objects.filter(status=Status.INTAKE_SUPPLEMENT, intake_office_id=user.agency_id)
        .select_related("procedure")
        .prefetch_related("supplement_requests")
        .order_by("updated_at", "id")
    )


def inbox(user) -> QuerySet[Step]:
    """Steps routed to the reviewer's agency that are waiting or being worked, due first.

    Only an open dossier has such steps: closing one cancels them and its result finishes them
    (``dossiers.services``). The dossier's status is therefore not asked again: that join kept
    PostgreSQL from reading the steps in due order and stopping at a page (issue 25)."""
    return (
        Step.objects.filter(agency_id=user.agency_id, status__in=[StepStatus.ACTIVE, StepStatus.CLAIMED])
        .select_related("agency", "dossier", "dossier__procedure", "claimed_by")
        .order_by("due_at", "id")
    )


def due_soon_limit(now=None, calendar=None) -> datetime:
    """One working day after ``now``: what is due before it is "due soon". Worked out once for a
    list (``urgency(..., soon=...)``), not for each of its rows."""
    return workdays.add_working_time(now or timezone.now(), timedelta(hours=8), calendar=calendar)


def urgency(due_at, now=None, calendar=None, soon=None) -> str:
    """overdue / due_today / due_soon (within one working day) / ok, for marking lists. ``soon``:
    ``due_soon_limit(now, calendar)`` when the caller has it already."""
    if due_at is None:
        return "ok"
    now = now or timezone.now()
    if punctuality.is_overdue(due_at, now):
        return "overdue"
    if timezone.localdate(due_at) == timezone.localdate(now):
        return "due_today"
    if due_at <= (soon or due_soon_limit(now, calendar)):
        return "due_soon"
    return "ok"


def by_key(column: str, value: str) -> Q:
    """The dossier whose ``code`` or ``tracking_token`` is ``value``. On PostgreSQL the registry
    names its id and year (``partitions.REGISTRY``, one probe of a unique index) and the dossier is
    read from that year's partition alone, pruned when the statement runs."""
    assert column in ("code", "tracking_token")  # noqa: S101  # nosec B101
    condition = Q(**{column: value})
    if connection.vendor != "postgresql":
        return condition
    key = f"SELECT {{}} FROM {partitions.REGISTRY} WHERE {column} = %s"  # noqa: S608  # nosec B608
    return condition & Q(
        id=RawSQL(key.format("id"), [value]),  # noqa: S611  # nosec B611
        received_year=RawSQL(key.format("received_year"), [value]),  # noqa: S611  # nosec B611
    )


def registry_key(column: str, value: str) -> tuple[int, int] | None:
    """PostgreSQL: the id and year of the dossier whose ``code`` or ``tracking_token`` is
    ``value``, read from the registry (``partitions.REGISTRY``, one probe of a unique index, a
    statement prepared per connection by ``web.prepared``); None when there is none. A statement
    then given the id and year as parameters is pruned to that year's partition when it is
    planned, also unprepared (behind PgBouncer in transaction mode): one that reads the registry
    in a subquery is planned over every partition (docs/scaling.md section 4)."""
    assert column in ("code", "tracking_token")  # noqa: S101  # nosec B101
    with connection.cursor() as cursor:
        prepared.execute(
            cursor,
            f"hcc_registry_by_{column}",
            f"SELECT id, received_year FROM {partitions.REGISTRY} WHERE {column} = %s",  # noqa: S608  # nosec B608
            [value],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _tracked():
    """Dossiers with what the public tracking page shows of their procedure and intake office,
    in the same query."""
    return Dossier.objects.select_related("procedure", "intake_office")


def _tracked_by(column: str, value: str) -> Dossier | None:
    """The dossier (``_tracked``) whose ``column`` is ``value``; on PostgreSQL read from its own
    year's partition, named by the registry first (``registry_key``)."""
    if connection.vendor != "postgresql":
        return _tracked().filter(**{column: value}).first()
    key = registry_key(column, value)
    if key is None:
        return None
    return _tracked().filter(id=key[0], received_year=key[1], **{column: value}).first()


def dossier_for_tracking(code: str, secret: str) -> Dossier | None:
    """The dossier when both the code and its secret match; None otherwise (the same answer for
    a wrong code and a wrong secret)."""
    dossier = _tracked_by("code", (code or "").strip().upper())
    given = (secret or "").strip().upper().encode()
    expected = dossier.secret.encode() if dossier else b"-" * 8
    if not hmac.compare_digest(given, expected) or dossier is None:
        return None
    return dossier


@dataclass(frozen=True)
class TrackedDossier:
    """What public tracking may show of a dossier, read by ``public_tracking``: no name, ID number,
    contact, address, notes or reasons."""

    code: str
    procedure_code: str
    procedure_name: str
    status: str
    intake_office: str
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    promised_at: datetime | None
    result_ready_at: datetime | None
    returned_at: datetime | None
    # Oldest first: {"action", "status", "at", "agency"} (the agency's name, "" for the applicant).
    timeline: list[dict]
    # The agencies of the steps being worked (waiting for or claimed by a reviewer), in step order.
    working_agencies: list[str]


def _as_datetime(value) -> datetime | None:
    """A date and time read by a raw cursor: PostgreSQL gives aware values, SQLite text or naive
    values in the connection's time zone (UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, connection.timezone or UTC)
    return value


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    return {
        "dossiers": q(Dossier._meta.db_table),
        "events": q(Event._meta.db_table),
        "steps": q(Step._meta.db_table),
        "procedures": q(Procedure._meta.db_table),
        "agencies": q(Agency._meta.db_table),
        "order": q("order"),
    }


@functools.cache
def _tracking_sql(vendor: str, where: str = "", year: int = 0) -> str:
    """The dossier (kind 0), its events (kind 1, oldest first) and its steps being worked (kind 2,
    in order), in one statement: on PostgreSQL by the dossier's id (three parameters) in the
    statement of its ``year`` (``where`` unused), elsewhere by its ``where`` column (three
    parameters). Each part is
    an index lookup of the dossier and its own rows, and names come from scalar subqueries rather
    than joins: PostgreSQL plans it in half the time of
    the same joined (~0.3 ms against ~0.6 ms), and it is planned at every first look."""
    t = _tables()
    pad = ", ".join(["NULL"] * 6)

    def name(table: str, column: str, key: str) -> str:
        return f"(SELECT x.{column} FROM {t[table]} x WHERE x.id = {key})"  # noqa: S608  # nosec B608

    if vendor == "postgresql":
        # The id and year come from the registry (``registry_key``). The year is written in the
        # statement, one statement a year: the dossier and its events are read from that year's
        # partitions alone, the others pruned when it is planned, unprepared (behind PgBouncer)
        # as prepared; prepared, its generic plan (kept from the sixth use) names them alone too,
        # where with the year a parameter it would cost more than a custom plan, and custom plans
        # (0.3-0.5 ms of planning at ten partitions) would be made at every use. The steps are
        # read by the dossier's id.
        year = int(year)
        dossier = f"d.id = %s AND d.received_year = {year}"
        events = f"FROM {t['events']} e WHERE e.dossier_id = %s AND e.dossier_year = {year}"  # noqa: S608  # nosec B608
        steps = f"FROM {t['steps']} s WHERE s.dossier_id = %s"  # noqa: S608  # nosec B608
    else:
        dossier = f"d.{where} = %s"
        events = f"FROM {t['events']} e JOIN {t['dossiers']} d ON d.id = e.dossier_id WHERE d.{where} = %s"
        steps = f"FROM {t['steps']} s JOIN {t['dossiers']} d ON d.id = s.dossier_id WHERE d.{where} = %s"
    return (
        f"SELECT 0 AS kind, d.updated_at AS at, d.id AS n1, 0 AS n2, d.secret, d.code, d.status, "  # noqa: S608  # nosec B608
        f"{name('procedures', 'code', 'd.procedure_id')}, {name('procedures', 'name', 'd.procedure_id')}, "
        f"{name('agencies', 'name', 'd.intake_office_id')}, d.submitted_at, d.received_at, d.due_at, "
        f"d.promised_at, d.result_ready_at, d.returned_at FROM {t['dossiers']} d WHERE {dossier} "
        f"UNION ALL SELECT 1, e.at, e.id, 0, e.action, e.to_status, NULL, NULL, NULL, "
        f"{name('agencies', 'name', 'e.agency_id')}, {pad} {events} "
        f"UNION ALL SELECT 2, NULL, s.{t['order']}, s.id, s.status, NULL, NULL, NULL, NULL, "
        f"{name('agencies', 'name', 's.agency_id')}, {pad} {steps} AND s.status IN (%s, %s) "
        "ORDER BY kind, at, n1, n2"
    )


def _lookup(token: str, code: str) -> tuple[str, str] | None:
    """The column and value a public lookup searches by; None for a token too short to be one."""
    if token:
        return None if len(token) < 20 else ("tracking_token", token)
    return "code", (code or "").strip().upper()


def _secret_matches(secret: str, stored: str | None) -> bool:
    """Compared in constant time, also when there is no dossier (as ``dossier_for_tracking``)."""
    given = (secret or "").strip().upper().encode()
    same = hmac.compare_digest(given, stored.encode() if stored is not None else b"-" * 8)
    return same and stored is not None


def public_tracking(*, token: str = "", code: str = "", secret: str = "") -> TrackedDossier | None:
    """What the public may see of the dossier with this QR ``token``, or this ``code`` and its
    ``secret`` (None otherwise: the same answer for a wrong code and a wrong secret), with its
    timeline and the agencies working on it, read in one SQL statement (prepared once per
    connection, ``web.prepared``); on PostgreSQL after the registry's id and year of the dossier
    (``registry_key``, None at once without them), so that statement is planned for the dossier's
    own partitions."""
    lookup = _lookup(token, code)
    if lookup is None:
        return None
    if connection.vendor == "postgresql":
        # The registry first, so the statement names the year when it is planned.
        key = registry_key(*lookup)
        if key is None:
            _secret_matches(secret, None)  # the same work as for a wrong secret
            return None
        dossier_id, year = key
        name, sql, params = f"hcc_tracking_y{year}", _tracking_sql("postgresql", "", year), [dossier_id] * 3
    else:
        name, sql, params = (
            f"hcc_tracking_by_{lookup[0]}",
            _tracking_sql(connection.vendor, lookup[0]),
            [lookup[1]] * 3,
        )
    with connection.cursor() as cursor:
        prepared.execute(
            cursor,
            name,
            sql,
            [*params, StepStatus.ACTIVE.value, StepStatus.CLAIMED.value],
        )
        rows = cursor.fetchall()
    # The dossier's row comes first when there is one.
    if not token and not _secret_matches(secret, rows[0][4] if rows else None):
        return None
    if not rows:
        return None
    _kind, _at, _pk, _n, _secret, code, status, procedure_code, procedure_name, office, *dates = rows[0]
    timeline, working = [], []
    for kind, at, _n1, _n2, action, to_status, _c, _pc, _pn, agency, *_dates in rows[1:]:
        if kind == 1:
            timeline.append(
                {"action": action, "status": to_status, "at": _as_datetime(at), "agency": agency or ""}
            )
        elif agency not in working:
            working.append(agency)
    submitted_at, received_at, due_at, promised_at, result_ready_at, returned_at = map(_as_datetime, dates)
    return TrackedDossier(
        code=code,
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        status=status,
        intake_office=office,
        submitted_at=submitted_at,
        received_at=received_at,
        due_at=due_at,
        promised_at=promised_at,
        result_ready_at=result_ready_at,
        returned_at=returned_at,
        timeline=timeline,
        working_agencies=working,
    )


def dossier_by_token(token: str) -> Dossier | None:
    if not token or len(token) < 20:
        return None
    return _tracked_by("tracking_token", token)

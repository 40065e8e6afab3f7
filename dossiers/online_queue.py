"""The desk's online queue read as plain rows, not model instances (issue 25).

The queue page showed 25 submissions and up to 25 waiting for a supplement, each a ``Dossier`` of
50 columns with its procedure, its resolving agency, its files and its supplement requests as
model instances through ``prefetch_related``: about 190 instances a request, half the page's time.
Here each list is one statement of the columns the page shows and the checks of its buttons read
(``values_list``), the files and the supplement requests one statement each, and every row a small
object with those values only.

The buttons are still decided by ``dossiers.permissions.dossier_actions_for``, the one answer the
services give: a row carries what the checks of the desk's actions read (status, office, applicant,
resolving agency, supplement requests through ``.all()``), the agency as a real ``Agency`` (one per
agency, for its ``receives_on``). A check that would read anything else fails loudly
(``AttributeError``), never shows a button the service would refuse.
"""

import functools
import json
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db import connection, connections, router

from dossiers.models import Dossier, DossierFile, FileKind, SupplementRequest
from dossiers.permissions import action_names, dossier_actions_for
from dossiers.selectors import _as_datetime
from dossiers.workflow import Status
from procedures.models import Agency, Procedure
from web import prepared
from web.paging import CountedRows


class Related(list):
    """A row's related rows, answering ``.all()`` as a prefetched relation does."""

    def all(self) -> "Related":
        return self


@dataclass(slots=True)
class QueueFile:
    """A file of a submission, as its row in the queue shows it (``rows._file_link``)."""

    pk: int
    dossier_id: int
    document_name: str
    original_name: str
    size: int
    content_type: str

    previewable = DossierFile.previewable


@dataclass(slots=True)
class QueueRequest:
    """A supplement request of a submission: shown when asked at intake, and read by the check
    "asked once already" (``permissions.intake_supplement_not_asked``)."""

    pk: int
    dossier_id: int
    step_id: int | None
    at_intake: bool
    items: list
    requested_at: datetime
    supplied_at: datetime | None


RETURN_METHODS = dict(Dossier._meta.get_field("return_method").flatchoices)


@dataclass(slots=True)
class QueueRow:
    """One submission of the queue (or waiting for a supplement), with the ``Dossier``'s own
    properties for who the applicant is."""

    pk: int
    code: str
    status: str
    intake_office_id: int
    applicant_user_id: int | None
    applicant_name: str
    organisation_name: str
    id_kind: str
    id_number: str
    nationality: str
    tax_code: str
    request_summary: str
    return_method: str
    submitted_at: datetime | None
    procedure_name: str
    resolving_agency_id: int
    resolving_agency: Agency | None = None
    files: Related = field(default_factory=Related)
    supplement_requests: Related = field(default_factory=Related)
    allowed: set = field(default_factory=set)

    masked_id_number = Dossier.masked_id_number
    masked_tax_code = Dossier.masked_tax_code
    identity_label = Dossier.identity_label
    masked_identity = Dossier.masked_identity

    @property
    def return_method_label(self) -> str:
        """``Dossier.get_return_method_display()``."""
        return str(RETURN_METHODS.get(self.return_method, self.return_method))


# The columns of a dossier's row (``QueueRow``'s fields, in order), then its resolving agency's.
DOSSIER_COLUMNS = (
    "d.id",
    "d.code",
    "d.status",
    "d.intake_office_id",
    "d.applicant_user_id",
    "d.applicant_name",
    "d.organisation_name",
    "d.id_kind",
    "d.id_number",
    "d.nationality",
    "d.tax_code",
    "d.request_summary",
    "d.return_method",
    "d.submitted_at",
    "p.name",
    "d.resolving_agency_id",
    "a.name",
    "a.level",
    "a.is_active",
)
WIDTH = len(DOSSIER_COLUMNS) - 3  # QueueRow's fields read from the row


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    return {
        "dossiers": q(Dossier._meta.db_table),
        "procedures": q(Procedure._meta.db_table),
        "agencies": q(Agency._meta.db_table),
        "files": q(DossierFile._meta.db_table),
        "requests": q(SupplementRequest._meta.db_table),
    }


@functools.cache
def _rows_sql() -> str:
    """The queue's length (kind 0), the page's submissions (kind 1, oldest first) and those
    waiting for a supplement (kind 2, the longest waiting first), in one statement. Each part
    reads the office's rows of one status in the order of a partial index
    (``dossier_online_queue``, ``dossier_intake_supplement``) and stops at the page. The statuses
    are written in the SQL, not passed: a plan made once for the prepared statement
    (``web.prepared``) can then use those partial indexes."""
    t = _tables()
    columns = ", ".join(DOSSIER_COLUMNS)
    pad = ", ".join(f"NULL AS c{n}" for n in range(1, len(DOSSIER_COLUMNS)))
    part = (
        "SELECT {kind}, d.{order}, d.id, {columns} FROM {dossiers} d "
        "JOIN {procedures} p ON p.id = d.procedure_id JOIN {agencies} a ON a.id = d.resolving_agency_id "
        "WHERE d.status = '{status}' AND d.intake_office_id = %s ORDER BY d.{order}, d.id LIMIT %s"
    )
    queue = part.format(kind=1, order="submitted_at", status=Status.SUBMITTED.value, columns=columns, **t)
    waiting = part.format(
        kind=2, order="updated_at", status=Status.INTAKE_SUPPLEMENT.value, columns=columns, **t
    )
    return (
        f"SELECT 0 AS kind, NULL AS o1, NULL AS o2, COUNT(*) AS c0, {pad} FROM {t['dossiers']} d "  # noqa: S608  # nosec B608
        f"WHERE d.status = '{Status.SUBMITTED.value}' AND d.intake_office_id = %s "
        f"UNION ALL SELECT * FROM ({queue} OFFSET %s) q "
        f"UNION ALL SELECT * FROM ({waiting}) w "
        "ORDER BY kind, o1, o2"
    )


@functools.cache
def _related_sql(vendor: str, files: int, requests: int) -> str:
    """The files (kind 0, in the order they came) of the dossiers of the first ids and the
    supplement requests (kind 1) of those of the second, in one statement: on PostgreSQL each list
    one array parameter (the same text for any number: prepared once), elsewhere ``files`` and
    ``requests`` placeholders."""
    t = _tables()

    def among(count: int) -> str:
        return "= ANY(%s)" if vendor == "postgresql" else f"IN ({', '.join(['%s'] * count)})"

    return (
        "SELECT 0 AS kind, f.dossier_id AS dossier_id, f.id AS n, f.size AS m, f.document_name AS s1, "  # noqa: S608  # nosec B608
        "f.original_name AS s2, f.content_type AS s3, NULL AS t1, NULL AS t2, NULL AS b "
        f"FROM {t['files']} f WHERE f.kind = '{FileKind.SUBMISSION.value}' AND f.dossier_id {among(files)} "
        "UNION ALL SELECT 1, r.dossier_id, r.id, r.step_id, CAST(r.items AS text), NULL, NULL, "
        f"r.requested_at, r.supplied_at, r.at_intake FROM {t['requests']} r "
        f"WHERE r.dossier_id {among(requests)} "
        "ORDER BY kind, n"
    )


def _read(user, offset: int, per_page: int) -> tuple[int, list[QueueRow], list[QueueRow]]:
    """The queue's length, the submissions of the page from ``offset`` and those waiting for a
    supplement, with their files and supplement requests."""
    db = router.db_for_read(Dossier) or "default"
    office = user.agency_id
    agencies: dict[int, Agency] = {}
    count, queue, waiting = 0, [], []
    with connections[db].cursor() as cursor:
        prepared.execute(
            cursor, "hcc_online_queue", _rows_sql(), [office, office, per_page, offset, office, per_page]
        )
        for kind, _o1, _o2, *values in cursor.fetchall():
            if kind == 0:
                count = values[0]
                continue
            row = QueueRow(*values[:WIDTH])
            row.submitted_at = _as_datetime(row.submitted_at)
            agency = agencies.get(row.resolving_agency_id)
            if agency is None:
                name, level, is_active = values[WIDTH:]
                agency = Agency(id=row.resolving_agency_id, name=name, level=level, is_active=bool(is_active))
                agencies[row.resolving_agency_id] = agency
            row.resolving_agency = agency
            (queue if kind == 1 else waiting).append(row)
        by_id = {row.pk: row for row in (*queue, *waiting)}
        if by_id:
            vendor = connections[db].vendor
            with_files, ids = [row.pk for row in queue], list(by_id)
            prepared.execute(
                cursor,
                "hcc_online_queue_related",
                _related_sql(vendor, len(with_files), len(ids)),
                [with_files, ids] if vendor == "postgresql" else [*with_files, *ids],
            )
            for kind, dossier_id, n, m, s1, s2, s3, t1, t2, b in cursor.fetchall():
                row = by_id[dossier_id]
                if kind == 0:
                    row.files.append(QueueFile(n, dossier_id, s1, s2, m, s3))
                else:
                    row.supplement_requests.append(
                        QueueRequest(
                            n, dossier_id, m, bool(b), json.loads(s1), _as_datetime(t1), _as_datetime(t2)
                        )
                    )
    for row in by_id.values():
        # newest first, as the model's ordering
        row.supplement_requests.sort(key=lambda r: (r.requested_at, r.pk), reverse=True)
    return count, queue, waiting


@dataclass
class OnlineQueue:
    """The queue page's rows: ``page`` of the submissions waiting for a clerk (its
    ``object_list`` the page's ``QueueRow``), and ``waiting``, those sent back for a supplement."""

    page: Page
    waiting: list[QueueRow]


def online_queue_page(user, number, *, per_page: int) -> OnlineQueue:
    """Online submissions waiting for a clerk of the user's office, oldest first (page ``number``,
    as ``Paginator.get_page`` takes it), with their files; those sent back for a supplement before
    acceptance, the longest waiting first (the first ``per_page``); each with its supplement
    requests and the buttons the services would accept now (``row.allowed``). Two statements."""
    try:
        asked = max(int(number), 1)
    except (TypeError, ValueError):
        asked = 1
    offset = (asked - 1) * per_page
    count, queue, waiting = _read(user, offset, per_page)

    def read(start: int):
        nonlocal waiting
        count, rows, waiting = _read(user, start, per_page)
        return count, rows

    page = Paginator(CountedRows(count, offset, queue, read), per_page).get_page(number)
    for row in (*page.object_list, *waiting):
        # the buttons offered: what the services would accept now (dossiers.permissions)
        row.allowed = set(action_names(dossier_actions_for(actor=user, dossier=row)))
    return OnlineQueue(page=page, waiting=waiting)

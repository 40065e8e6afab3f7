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

from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator

from dossiers.models import Dossier, DossierFile, FileKind, SupplementRequest
from dossiers.permissions import action_names, dossier_actions_for
from dossiers.workflow import Status
from procedures.models import Agency


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

    dossier_id: int
    step_id: int | None
    at_intake: bool
    items: list
    requested_at: datetime
    supplied_at: datetime | None


FILE_COLUMNS = ("id", "dossier_id", "document_name", "original_name", "size", "content_type")
REQUEST_COLUMNS = ("dossier_id", "step_id", "at_intake", "items", "requested_at", "supplied_at")

# The columns of a row: what the page shows and what the checks of the desk's actions read.
COLUMNS = (
    "id",
    "code",
    "status",
    "intake_office_id",
    "applicant_user_id",
    "applicant_name",
    "organisation_name",
    "id_kind",
    "id_number",
    "nationality",
    "tax_code",
    "request_summary",
    "return_method",
    "submitted_at",
    "procedure__name",
    "resolving_agency_id",
)
AGENCY_COLUMNS = ("resolving_agency__name", "resolving_agency__level", "resolving_agency__is_active")

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


def _rows(values, agencies: dict[int, Agency]) -> list[QueueRow]:
    """The rows of ``values`` (``COLUMNS`` then ``AGENCY_COLUMNS``), each resolving agency made
    once."""
    width = len(COLUMNS)
    rows = []
    for value in values:
        row = QueueRow(*value[:width])
        agency = agencies.get(row.resolving_agency_id)
        if agency is None:
            name, level, is_active = value[width:]
            agency = Agency(id=row.resolving_agency_id, name=name, level=level, is_active=is_active)
            agencies[row.resolving_agency_id] = agency
        row.resolving_agency = agency
        rows.append(row)
    return rows


def _waiting_at_office(user, status: str):
    return Dossier.objects.filter(status=status, intake_office_id=user.agency_id).values_list(
        *COLUMNS, *AGENCY_COLUMNS
    )


@dataclass
class OnlineQueue:
    """The queue page's rows: ``page`` of the submissions waiting for a clerk (its
    ``object_list`` the page's ``QueueRow``), and ``waiting``, those sent back for a supplement."""

    page: Page
    waiting: list[QueueRow]


def online_queue_page(user, number, *, per_page: int) -> OnlineQueue:
    """Online submissions waiting for a clerk of the user's office, oldest first (page ``number``),
    with their files; those sent back for a supplement before acceptance, the longest waiting
    first (the first ``per_page``); each with the supplement requests and the buttons the
    services would accept now (``row.allowed``)."""
    queue = _waiting_at_office(user, Status.SUBMITTED).order_by("submitted_at", "id")
    page = Paginator(queue, per_page).get_page(number)
    agencies: dict[int, Agency] = {}
    rows = _rows(page.object_list, agencies)
    page.object_list = rows
    waiting = _rows(
        _waiting_at_office(user, Status.INTAKE_SUPPLEMENT).order_by("updated_at", "id")[:per_page], agencies
    )
    by_id = {row.pk: row for row in rows}
    for values in (
        DossierFile.objects.filter(dossier_id__in=by_id, kind=FileKind.SUBMISSION)
        .order_by("id")
        .values_list(*FILE_COLUMNS)
    ):
        file = QueueFile(*values)
        by_id[file.dossier_id].files.append(file)
    by_id.update((row.pk, row) for row in waiting)
    if by_id:
        for values in (
            SupplementRequest.objects.filter(dossier_id__in=by_id)
            .order_by("-requested_at", "-id")
            .values_list(*REQUEST_COLUMNS)
        ):
            asked = QueueRequest(*values)
            by_id[asked.dossier_id].supplement_requests.append(asked)
    for row in by_id.values():
        # the buttons offered: what the services would accept now (dossiers.permissions)
        row.allowed = set(action_names(dossier_actions_for(actor=user, dossier=row)))
    return OnlineQueue(page=page, waiting=waiting)

"""Reads of the document store and of digitisation, scoped to who asks, and Decision 766's
digitisation figures (group 6) counted from these records."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Role, User
from documents.models import (
    DIGITISED_STATES,
    Digitisation,
    DigitisationState,
    DocumentReuse,
    StoredDocument,
    match_key,
)
from dossiers.models import Channel, Dossier, DossierFile
from dossiers.selectors import dossiers_visible_to, may_have
from procedures.models import Procedure
from procedures.versioned import documents_of


def _matches(stored: StoredDocument, document_key: str) -> bool:
    return bool(stored.key) and stored.key in document_key


def offers_for(*, procedure: Procedure, user, id_number: str = "", tax_code: str = "") -> dict[int, list]:
    """Required document id of ``procedure`` → the stored papers that could stand for it, valid
    today, newest first. A citizen is offered their own store; desk staff the store of the
    applicant they typed the ID number (or tax code) of, but only papers from dossiers they may see
    (the same rule as for any file of a dossier)."""
    if user is None or not user.is_authenticated:
        return {}
    today = timezone.localdate()
    qs = StoredDocument.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if user.role == Role.CITIZEN:
        qs = qs.filter(owner_user=user)
    elif user.role in (Role.CLERK, Role.POSTAL) or user.is_superuser:
        if tax_code:
            qs = qs.filter(owner_tax_code=tax_code)
        elif id_number:
            qs = qs.filter(owner_id_number=id_number)
        else:
            return {}
        qs = qs.filter(dossier__in=dossiers_visible_to(user).values("pk"))
    else:
        return {}
    # The offers show each paper's label and keep its key: its digitisation and signed paper are
    # not read (joining them doubled the query's Python cost on every documents page).
    stored = list(qs.order_by("-created_at", "-id")[:200])
    if not stored:
        return {}
    found: dict[int, list] = {}
    for document in documents_of(procedure):  # kept in the process per version of the procedure
        key = match_key(document.name)
        matching = [s for s in stored if _matches(s, key)]
        if matching:
            found[document.pk] = matching
    return found


def store_of(user: User) -> list[StoredDocument]:
    """The citizen's own store (kho dữ liệu), newest first."""
    return list(
        StoredDocument.objects.filter(owner_user=user)
        .select_related("dossier__procedure", "digitisation", "signed_paper")
        .order_by("-created_at", "-id")
    )


def stored_for_owner(user: User, pk: int) -> StoredDocument:
    """A paper of the citizen's own store (else DoesNotExist): the download."""
    return StoredDocument.objects.select_related("digitisation", "signed_paper").get(pk=pk, owner_user=user)


def stored_through_dossier(user: User, code: str, pk: int) -> StoredDocument:
    """A stored paper seen through a dossier ``user`` may see: one that came from it or that it
    reused (else DoesNotExist, shown as 404 like any file of someone else's dossier)."""
    dossier = dossiers_visible_to(user).get(code=code)
    return (
        StoredDocument.objects.select_related("digitisation", "signed_paper")
        .filter(Q(dossier=dossier) | Q(reuses__dossier=dossier))
        .distinct()
        .get(pk=pk)
    )


def digitisation_of(dossier: Dossier) -> dict:
    """What the dossier page shows: each paper digitised (with its progress) or paper-only, the
    stored papers it produced and the ones it reused."""
    rows = (
        list(
            Digitisation.objects.filter(dossier=dossier)
            .select_related("digitised_by", "stored__signed_paper")
            .order_by("is_result", "id")
        )
        if may_have(dossier, "digitisations")
        else []
    )
    for row in rows:
        try:
            row.stored_paper = row.stored
        except StoredDocument.DoesNotExist:
            row.stored_paper = None
    reuses = (
        list(DocumentReuse.objects.filter(dossier=dossier).select_related("stored__dossier").order_by("id"))
        if may_have(dossier, "document_reuses")
        else []
    )
    return {"digitisations": rows, "reuses": reuses}


# --- Decision 766/QĐ-TTg, group 6: digitisation --------------------------------------------------


@dataclass(frozen=True)
class DigitisationFigures:
    """Counts of one period (and scope), and the three rates of Decision 766 group 6."""

    received: int  # dossiers received (clock started) in the period
    received_digitised: int  # of them, every paper digital: scanned, submitted online or reused
    results: int  # results ready in the period
    results_digitised: int  # of them, the result digital (a file received, or a signed result)
    reusing: int  # dossiers received in the period that reused at least one stored paper

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 2) if whole else None

    @property
    def dossier_rate(self) -> float | None:
        return self._rate(self.received_digitised, self.received)

    @property
    def result_rate(self) -> float | None:
        return self._rate(self.results_digitised, self.results)

    @property
    def reuse_rate(self) -> float | None:
        return self._rate(self.reusing, self.received)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=tz
    )


def dossier_is_digitised_q() -> Q:
    """A received dossier is digitised when none of its papers stayed paper-only and it has a
    digital one (a scan, or it came online with files, or it reused a stored paper)."""
    paper_only = Digitisation.objects.filter(
        dossier=OuterRef("pk"), is_result=False, state=DigitisationState.PAPER_ONLY
    )
    scanned = Digitisation.objects.filter(dossier=OuterRef("pk"), is_result=False, state__in=DIGITISED_STATES)
    reused = DocumentReuse.objects.filter(dossier=OuterRef("pk"))
    files = DossierFile.objects.filter(dossier=OuterRef("pk"))
    online = Q(channel=Channel.ONLINE) & (Exists(files) | Exists(reused))
    return ~Exists(paper_only) & (Exists(scanned) | Exists(reused) | online)


def result_is_digitised_q() -> Q:
    from receipts.models import SignedKind, SignedPaper

    received = Digitisation.objects.filter(dossier=OuterRef("pk"), is_result=True, state__in=DIGITISED_STATES)
    signed = SignedPaper.objects.filter(
        dossier=OuterRef("pk"), kind=SignedKind.RESULT, revoked_at__isnull=True
    )
    return Exists(received) | Exists(signed)


def digitisation_marks(dossier_id: int) -> dict[str, bool]:
    """The three marks of one dossier that the statistics' rollups count (``Dossier.papers_digitised``,
    ``result_digitised``, ``papers_reused``), by the same conditions as ``digitisation_figures``:
    one query."""
    reusing = DocumentReuse.objects.filter(dossier=OuterRef("pk"))
    row = (
        Dossier.objects.filter(pk=dossier_id)
        .annotate(
            is_digitised=_as_bool(dossier_is_digitised_q()),
            is_result_digitised=_as_bool(result_is_digitised_q()),
            is_reusing=Exists(reusing),
        )
        .values("is_digitised", "is_result_digitised", "is_reusing")
        .get()
    )
    return {
        "papers_digitised": bool(row["is_digitised"]),
        "result_digitised": bool(row["is_result_digitised"]),
        "papers_reused": bool(row["is_reusing"]),
    }


def _as_bool(condition: Q):
    from django.db.models import BooleanField, ExpressionWrapper

    return ExpressionWrapper(condition, output_field=BooleanField())


def digitisation_figures(
    *, start: date, end: date, agencies: QuerySet | list | None = None, dossiers: QuerySet | None = None
) -> DigitisationFigures:
    """Decision 766/QĐ-TTg group 6 for dossiers of resolving ``agencies`` (all when None), or of
    the ``dossiers`` queryset (a manager's scope): read-only, three grouped queries. For the
    statistics' rollups and dashboard (``dashboards``), and proven equal to a direct count."""
    lower, upper = _bounds(start, end)
    base = dossiers if dossiers is not None else Dossier.objects.all()
    if agencies is not None:
        base = base.filter(resolving_agency__in=agencies)
    received = base.filter(received_at__gte=lower, received_at__lt=upper)
    results = base.filter(result_ready_at__gte=lower, result_ready_at__lt=upper)
    reusing = DocumentReuse.objects.filter(dossier=OuterRef("pk"))
    return DigitisationFigures(
        received=received.count(),
        received_digitised=received.filter(dossier_is_digitised_q()).count(),
        results=results.count(),
        results_digitised=results.filter(result_is_digitised_q()).count(),
        reusing=received.filter(Exists(reusing)).count(),
    )

"""Reads of papers and receipts, always scoped to who asks (through ``dossiers.selectors``)."""

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.permissions import agency_scope
from dossiers.models import Dossier, Step
from dossiers.selectors import dossiers_visible_to
from procedures.models import Agency
from receipts.models import Receipt, ReceiptLine, SignedKind, SignedPaper
from receipts.papers import paper_dossier
from web import compiled


def dossier_for_papers(user, code: str, paper: str | None = None) -> Dossier:
    """The dossier with what ``paper`` (else every paper) prints, if ``user`` may see it (else
    DoesNotExist)."""
    return paper_dossier(dossiers_visible_to(user), code, paper)


def receipts_visible_to(user) -> QuerySet[Receipt]:
    """Receipts of the dossiers ``user`` may see."""
    visible = dossiers_visible_to(user).values("pk")
    return Receipt.objects.filter(dossier_id__in=visible).select_related(
        "dossier__procedure", "agency", "owner", "collector", "cancellation", "replaces", "replaced_by"
    )


def receipts_of(dossier: Dossier) -> list[Receipt]:
    """The dossier's receipts, oldest first, with what their list shows (the statement compiled
    once per connection: ``web.compiled``)."""
    return compiled.rows(("receipts_of",), _receipts_of, dossier.pk)


def _receipts_of(dossier_id: int) -> QuerySet[Receipt]:
    return (
        Receipt.objects.filter(dossier_id=dossier_id)
        .select_related("cancellation", "replaces", "replaced_by", "collector")
        .order_by("issued_at", "id")
    )


def receipt_for(user, pk: int) -> Receipt:
    return (
        receipts_visible_to(user)
        .prefetch_related(Prefetch("lines", queryset=ReceiptLine.objects.order_by("id")))
        .get(pk=pk)
    )


def receipt_by_token(token: str) -> Receipt | None:
    if not token or len(token) < 20:
        return None
    return Receipt.objects.select_related("agency", "owner", "cancellation").filter(token=token).first()


# --- signed papers -------------------------------------------------------------------------------


def signed_paper_by_token(token: str) -> SignedPaper | None:
    """A signed paper named by the token of its QR code (public: the page shows no personal data)."""
    if not token or len(token) < 20:
        return None
    return (
        SignedPaper.objects.select_related("agency", "dossier", "receipt__cancellation")
        .filter(token=token)
        .first()
    )


def latest_signed_receipt(receipt: Receipt) -> SignedPaper | None:
    """The newest signed PDF of a receipt (what its QR code vouches for), if it was ever signed."""
    return receipt.signed_papers.order_by("-signed_at", "-id").first()


def signed_results_of(dossier: Dossier) -> list[SignedPaper]:
    """The dossier's signed results (uploaded PDFs signed, or the result paper), newest first."""
    return list(
        SignedPaper.objects.filter(dossier=dossier, kind=SignedKind.RESULT)
        .select_related("source_file")
        .order_by("-signed_at", "-id")
    )


def signed_paper_for(user, token: str) -> SignedPaper:
    """A signed paper of a dossier ``user`` may see (else DoesNotExist): the download."""
    visible = dossiers_visible_to(user).values("pk")
    return SignedPaper.objects.select_related("dossier").get(token=token, dossier_id__in=visible)


# --- the register --------------------------------------------------------------------------------


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in local time."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def register_offices(user) -> QuerySet[Agency]:
    """Offices whose register ``user`` may read: their own desk, those below a manager, all for
    an administrator."""
    qs = Agency.objects.filter(has_one_stop_desk=True).order_by("name")
    scope = agency_scope(user)
    return qs if scope is None else qs.filter(pk__in=list(scope))


REGISTER_LIMIT = 5000


def register_rows(office: Agency, start: date, end: date) -> list[Dossier]:
    """The office's dossiers received from ``start`` to ``end`` (inclusive), in receipt order, each
    with its first hand-off time (``first_step``)."""
    since, until = day_range(start, end)
    dossiers = list(
        Dossier.objects.filter(intake_office=office, received_at__gte=since, received_at__lt=until)
        .select_related("procedure", "resolving_agency")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("order", "id")))
        .order_by("received_at", "id")[:REGISTER_LIMIT]
    )
    for dossier in dossiers:
        started = [s.started_at for s in dossier.steps.all() if s.started_at]
        dossier.first_step = min(started) if started else None
    return dossiers

"""Which addresses show personal data, and the access record written when staff open them.

The table ``RECORDED`` names each address (by URL name) that shows a dossier's personal data, a
file or an export, and how to find the dossier it is about. The middleware
(``privacy.middleware``) writes one ``AccessRecord`` for each successful answer to staff; it reads
the other apps and nothing imports it, so the record needs no call in their views."""

from collections.abc import Callable
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.db import connections, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Role
from dossiers.models import DossierFile
from privacy.models import AccessKind, AccessRecord
from receipts.models import Receipt, SignedPaper


def _code(kwargs: dict) -> str:
    return kwargs.get("code", "")


def _file(kwargs: dict) -> str:
    found = (
        DossierFile.objects.filter(pk=kwargs.get("file_id")).values_list("dossier__code", flat=True).first()
    )
    return found or ""


def _receipt(kwargs: dict) -> str:
    found = Receipt.objects.filter(pk=kwargs.get("pk")).values_list("dossier__code", flat=True).first()
    return found or ""


def _signed(kwargs: dict) -> str:
    found = (
        SignedPaper.objects.filter(token=kwargs.get("token")).values_list("dossier__code", flat=True).first()
    )
    return found or ""


def _none(kwargs: dict) -> str:
    return ""


@dataclass(frozen=True)
class Recorded:
    kind: str
    dossier: Callable[[dict], str]
    # the query parameter that turns a page into an export (``format=xlsx``), if any
    export_param: str = ""


RECORDED: dict[str, Recorded] = {
    "dossiers:detail": Recorded(AccessKind.VIEW, _code),
    "dossier-detail": Recorded(AccessKind.VIEW, _code),
    "dossiers:desk_confirmation": Recorded(AccessKind.VIEW, _code),
    "dossiers:file": Recorded(AccessKind.FILE, _file),
    "receipts:paper": Recorded(AccessKind.PAPER, _code),
    "receipts:paper_pdf": Recorded(AccessKind.PAPER, _code),
    "receipts:collect": Recorded(AccessKind.VIEW, _code),
    "receipts:receipt": Recorded(AccessKind.PAPER, _receipt),
    "receipts:receipt_pdf": Recorded(AccessKind.PAPER, _receipt),
    "receipts:signed_download": Recorded(AccessKind.PAPER, _signed),
    "documents:download": Recorded(AccessKind.FILE, _code),
    "documents:digitised": Recorded(AccessKind.FILE, _code),
    "receipts:receipt_xml": Recorded(AccessKind.PAPER, _receipt),
    "receipts:transfer_statement": Recorded(AccessKind.EXPORT, _none),
    "receipts:register": Recorded(AccessKind.EXPORT, _none, export_param="format"),
    "receipts:reconcile": Recorded(AccessKind.EXPORT, _none, export_param="export"),
    "dashboards:report-csv": Recorded(AccessKind.EXPORT, _none),
    "dashboards:report-xlsx": Recorded(AccessKind.EXPORT, _none),
    "dashboards:dossiers": Recorded(AccessKind.EXPORT, _none),
}


def record_if_personal(request: HttpRequest, status: int) -> AccessRecord | None:
    """Write the access record of this answer, when staff opened personal data successfully."""
    match = request.resolver_match
    user = getattr(request, "user", None)
    if match is None or status != 200 or user is None or not user.is_authenticated:
        return None
    if user.role == Role.CITIZEN and not user.is_superuser:
        return None  # a citizen sees only their own data
    rule = RECORDED.get(match.view_name)
    if rule is None or request.method not in ("GET", "HEAD"):
        return None
    if match.view_name == "receipts:reconcile" and not request.GET.get(rule.export_param):
        return None  # the page shows sums only; its files name the clerks
    record = AccessRecord(
        at=timezone.now(),
        actor=user,
        actor_name=user.display_name[:150],
        actor_role=user.role,
        agency_id=user.agency_id,
        kind=rule.kind,
        dossier_code=rule.dossier(match.kwargs),
        what=request.get_full_path()[:255],
        address=get_client_ip_address(request) or None,
    )
    _write(record)
    return record


_COLUMNS = ("at", "actor", "actor_name", "actor_role", "agency", "kind", "dossier_code", "what", "address")


def _write(record: AccessRecord) -> None:
    """Insert ``record`` in a transaction of its own whose commit does not wait for the WAL flush
    (``synchronous_commit`` off for that transaction only, PostgreSQL): the insert is not cheaper,
    but the flush was most of the request's wall time (2–10 ms here; issue 25). What that costs:
    if the database server itself crashes, the records committed in the last moment before
    (at most three times ``wal_writer_delay``, 0.6 s by default) may be missing after its
    recovery; nothing else is lost and no record is lost when the web process dies (docs/notes.md,
    docs/rules.md). Inside a transaction already open (a caller's ``atomic``) the record is part
    of it and as durable as it. An error is not swallowed: the answer fails."""
    alias = router.db_for_write(AccessRecord)
    connection = connections[alias]
    meta = AccessRecord._meta
    fields = [meta.get_field(name) for name in _COLUMNS]
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} "  # noqa: S608  # nosec B608
        f"({', '.join(connection.ops.quote_name(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {connection.ops.quote_name(meta.pk.column)}"
    )
    params = [f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # one round trip: the setting, then the insert whose id is the statement's answer
        with transaction.atomic(using=alias, durable=True), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL synchronous_commit TO OFF; {sql}", params)
            record.pk = cursor.fetchone()[0]
    else:  # one statement: atomic on its own, or part of the caller's transaction
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            record.pk = cursor.fetchone()[0]
    record._state.adding = False
    record._state.db = alias

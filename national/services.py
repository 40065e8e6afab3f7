"""The sync outbox: queue a message with its event, deliver messages in order per dossier, retry
with backoff, keep the portal's refusals, recover messages in doubt, resend on an administrator's
word. Nothing is lost (a message exists exactly when its event does) and nothing is sent twice (a
message is recorded as sent as soon as its own answer returns; one whose answer never came is
looked up on the portal before it is sent again)."""

import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from dossiers.models import Event
from national import client as portal
from national import messages
from national.models import BLOCKING, ProcedureCode, Service, SyncMessage, SyncStatus
from national.publish import publish
from web.pooling import transaction_pooled

log = logging.getLogger(__name__)


class SyncError(ValidationError):
    """An action on the sync outbox that cannot be done: nothing was changed."""


# --- queueing ----------------------------------------------------------------------------------


def sync_queue(event: Event) -> SyncMessage | None:
    """Write the message ``event`` sends to the portal, in the caller's transaction
    (``NationalSync.on_event``, the ``dossiers.extensions`` point called for every event). One per
    event: a second call returns the first message."""
    if not messages.is_synced(event):
        return None
    existing = SyncMessage.objects.filter(event=event).first()
    if existing:
        return existing
    service, body = messages.body_for(event)
    try:
        with transaction.atomic():
            message = SyncMessage.objects.create(
                dossier_id=event.dossier_id,
                dossier_code=event.dossier.code,
                event=event,
                event_year=event.dossier_year,
                action=event.action,
                service=service,
                payload=body,
                created_at=event.at,
            )
    except IntegrityError:  # written meanwhile by a concurrent transaction
        return SyncMessage.objects.get(event=event)
    transaction.on_commit(lambda: publish([message.pk]))
    return message


# --- delivery -----------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: doubles from ``NATIONAL_RETRY_BASE`` up to the cap."""
    seconds = settings.NATIONAL_RETRY_BASE * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, settings.NATIONAL_RETRY_CAP))


def _first_blocking(dossier_ids, *, exclude_token: str = "", exclude_ids=()) -> dict[int, int]:
    """Per dossier, the id of its earliest message that holds back the later ones."""
    rows = SyncMessage.objects.filter(dossier_id__in=set(dossier_ids), status__in=BLOCKING)
    if exclude_token:
        rows = rows.exclude(claim_token=exclude_token)
    if exclude_ids:
        rows = rows.exclude(pk__in=list(exclude_ids))
    return dict(rows.values("dossier_id").annotate(first=Min("id")).values_list("dossier_id", "first"))


def _claim(message_ids: list[int]) -> tuple[str, list[SyncMessage]]:
    """Move the due, pending messages among ``message_ids`` that are next in their dossier's order
    to ``sending`` under one token; returns the token and the rows won, in order."""
    now = timezone.now()
    due = list(
        SyncMessage.objects.filter(pk__in=message_ids, status=SyncStatus.PENDING, next_attempt_at__lte=now)
        .order_by("id")
        .values_list("id", "dossier_id")
    )
    if not due:
        return "", []
    due_ids = {pk for pk, _dossier in due}
    # Earlier messages outside this batch (or not due) hold their dossier's later ones back.
    first_outside = _first_blocking({d for _pk, d in due}, exclude_ids=due_ids)
    eligible = [pk for pk, dossier in due if pk < first_outside.get(dossier, pk + 1)]
    token = secrets.token_hex(16)
    SyncMessage.objects.filter(pk__in=eligible, status=SyncStatus.PENDING).update(
        status=SyncStatus.SENDING, claim_token=token, claimed_at=now
    )
    claimed = list(SyncMessage.objects.filter(claim_token=token, status=SyncStatus.SENDING).order_by("id"))
    # Another worker may have taken an earlier message of the same dossier meanwhile: yield to it.
    first_elsewhere = _first_blocking({m.dossier_id for m in claimed}, exclude_token=token)
    mine = [m for m in claimed if m.pk < first_elsewhere.get(m.dossier_id, m.pk + 1)]
    _release([m.pk for m in claimed if m not in mine])
    return token, mine


def _release(message_ids: list[int]) -> None:
    """Give claimed messages back untouched (they were not sent)."""
    if message_ids:
        SyncMessage.objects.filter(pk__in=message_ids, status=SyncStatus.SENDING).update(
            status=SyncStatus.PENDING, claim_token="", claimed_at=None
        )


def _already_there(message: SyncMessage, held: list[dict]) -> bool:
    """Whether the portal's record of the dossier (``TraCuuHoSo``) already shows ``message``."""
    sent = message.payload["data"][0]
    for record in held:
        if message.service == Service.PROGRESS:
            if any(_same(sent, step) for step in record.get("TienDo") or []):
                return True
        elif _same(sent, record):
            return True
    return False


def _same(sent: dict, held: dict) -> bool:
    return all(held.get(key) == value for key, value in sent.items())


def _record_sent(message: SyncMessage, answer: dict) -> None:
    SyncMessage.objects.filter(pk=message.pk).update(
        status=SyncStatus.SENT,
        answer=answer,
        sent_at=timezone.now(),
        last_error="",
        in_doubt=False,
        claim_token="",
        attempts=F("attempts") + 1,
    )


def _record_refused(message: SyncMessage, answer: portal.Answer) -> None:
    log.warning("national portal refused message %s: %s %s", message.pk, answer.error_code, answer.message)
    SyncMessage.objects.filter(pk=message.pk).update(
        status=SyncStatus.REFUSED,
        answer=answer.raw,
        last_error=f"{answer.error_code}: {answer.message}"[:2000],
        in_doubt=False,
        claim_token="",
        attempts=F("attempts") + 1,
    )


def _record_retry(message: SyncMessage, exc: portal.PortalUnavailable) -> str:
    attempts = message.attempts + 1
    error = str(exc)[:2000]
    log.warning("national sync message %s attempt %s failed: %s", message.pk, attempts, error)
    status = SyncStatus.FAILED if attempts >= settings.NATIONAL_MAX_ATTEMPTS else SyncStatus.PENDING
    wait = backoff(attempts)
    SyncMessage.objects.filter(pk=message.pk).update(
        status=status,
        attempts=attempts,
        last_error=error,
        in_doubt=message.in_doubt or exc.sent,
        claim_token="",
        next_attempt_at=timezone.now() + wait,
    )
    if status == SyncStatus.PENDING:
        publish([message.pk], countdown=wait.total_seconds())
    return "failed" if status == SyncStatus.FAILED else "retry"


def _send(message: SyncMessage) -> str:
    """Send one claimed message and record its outcome at once. Returns the outcome."""
    client = portal.client()
    try:
        if message.in_doubt and _already_there(message, client.lookup(message.dossier_code)):
            _record_sent(message, {"error_code": 0, "message": "found on the portal (TraCuuHoSo)"})
            return "sent"
        answer = client.call(message.payload)
    except portal.PortalUnavailable as exc:
        return _record_retry(message, exc)
    if answer.accepted:
        _record_sent(message, answer.raw)
        return "sent"
    _record_refused(message, answer)
    return "refused"


def _send_dossier(messages_: list[SyncMessage]) -> tuple[dict[str, int], bool]:
    """Send one dossier's claimed messages in order; stop at the first not accepted and give the
    rest back. Returns the outcomes and whether every message was sent."""
    counts = dict.fromkeys(("sent", "refused", "retry", "failed", "skipped"), 0)
    for index, message in enumerate(messages_):
        outcome = _send(message)
        counts[outcome] += 1
        if outcome != "sent":
            rest = [m.pk for m in messages_[index + 1 :]]
            _release(rest)
            counts["skipped"] += len(rest)
            return counts, False
    return counts, True


def relax_commit_durability() -> None:
    """A worker's record of each answer does not wait for the disk (PostgreSQL's
    ``synchronous_commit = off`` for its session). A record lost in a database crash leaves the
    message pending or sending: it is then in doubt and looked up on the portal (``TraCuuHoSo``)
    before being sent again, so nothing goes twice. Web requests keep full durability.

    Not behind PgBouncer in transaction mode (``web.pooling``): the setting would stay on a server
    session that web requests then commit on; the worker keeps full durability there."""
    if connection.vendor == "postgresql" and not transaction_pooled(connection):
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")


def _send_dossier_in_thread(messages_: list[SyncMessage], relaxed: bool) -> tuple[dict[str, int], bool]:
    """``_send_dossier`` on a worker thread: its own database connection and portal client."""
    try:
        if relaxed:
            relax_commit_durability()
        return _send_dossier(messages_)
    finally:
        connection.close()


def sync_deliver(message_ids: list[int], *, relaxed: bool = False) -> dict[str, int]:
    """Claim and send the messages of one batch, in order per dossier. When one is not accepted,
    its dossier's later messages in the batch go back unsent. Then the next messages of the
    dossiers that moved are queued. Returns how many were sent, refused, set to retry, failed or
    skipped (not due, held back behind an earlier one, or another worker has them).

    On PostgreSQL, outside a transaction, the dossiers of a batch are sent side by side on
    ``NATIONAL_SEND_THREADS`` threads (each dossier's messages in order on one thread): a worker
    spends most of its time waiting for the portal and the database."""
    outcomes = dict.fromkeys(("sent", "refused", "retry", "failed", "skipped"), 0)
    if not portal.configured():
        outcomes["skipped"] = len(message_ids)
        return outcomes
    _token, claimed = _claim(message_ids)
    by_dossier: dict[int, list[SyncMessage]] = {}
    for message in claimed:
        by_dossier.setdefault(message.dossier_id, []).append(message)
    threads = min(settings.NATIONAL_SEND_THREADS, len(by_dossier))
    if threads > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = list(
                pool.map(_send_dossier_in_thread, by_dossier.values(), [relaxed] * len(by_dossier))
            )
    else:
        results = [_send_dossier(messages_) for messages_ in by_dossier.values()]
    moved: set[int] = set()
    stopped: set[int] = set()
    for (dossier_id, _messages), (counts, ok) in zip(by_dossier.items(), results, strict=True):
        for key, count in counts.items():
            outcomes[key] += count
        (moved if ok else stopped).add(dossier_id)
    outcomes["skipped"] += len(message_ids) - len(claimed)
    following = list(
        SyncMessage.objects.filter(dossier_id__in=moved - stopped, status=SyncStatus.PENDING)
        .exclude(pk__in=message_ids)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if following:
        publish(following)
    return outcomes


def sync_recover_stuck() -> int:
    """Messages left ``sending`` longer than ``NATIONAL_SENDING_TIMEOUT`` (their worker died)
    go back to pending, in doubt: they are looked up on the portal before being sent again."""
    limit = timezone.now() - timedelta(seconds=settings.NATIONAL_SENDING_TIMEOUT)
    return SyncMessage.objects.filter(status=SyncStatus.SENDING, claimed_at__lt=limit).update(
        status=SyncStatus.PENDING, claim_token="", in_doubt=True, next_attempt_at=timezone.now()
    )


def sync_sweep(*, limit: int = 5000) -> dict[str, int]:
    """Recover stuck sends, then send every due message, oldest first, in batches (this process
    in eager mode and for the ``national_sync`` command; queued to the workers otherwise)."""
    sync_recover_stuck()
    ids = list(
        SyncMessage.objects.filter(status=SyncStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    totals = dict.fromkeys(("sent", "refused", "retry", "failed", "skipped"), 0)
    if not ids:
        return totals
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        publish(ids)
        totals["queued"] = len(ids)
        return totals
    size = max(1, settings.NATIONAL_TASK_BATCH)
    for start in range(0, len(ids), size):
        for key, count in sync_deliver(ids[start : start + size]).items():
            totals[key] += count
    return totals


# --- administrator's actions -------------------------------------------------------------------


@transaction.atomic
def sync_message_resend(*, actor, message: SyncMessage) -> SyncMessage:
    """Send a refused or failed message again after a fix (of the procedure code, of the
    dossier): its body, and those of the messages waiting behind it, are made again from their
    events and today's data; it keeps its place in its dossier's order."""
    require(actor, "national.resend")
    message = SyncMessage.objects.select_for_update().get(pk=message.pk)
    if message.status not in (SyncStatus.REFUSED, SyncStatus.FAILED):
        raise SyncError(_("Chỉ gửi lại được bản tin bị từ chối hoặc gửi lỗi."))
    event = Event.objects.select_related("dossier__procedure__field", "actor", "agency", "step").get(
        pk=message.event_id, dossier_year=message.event_year
    )
    message.service, message.payload = messages.body_for(event)
    # The messages waiting behind it were made before the fix too.
    for waiting in SyncMessage.objects.select_related("event").filter(
        dossier_id=message.dossier_id, pk__gt=message.pk, status=SyncStatus.PENDING
    ):
        waiting.service, waiting.payload = messages.body_for(waiting.event)
        waiting.save(update_fields=["service", "payload"])
    message.status = SyncStatus.PENDING
    message.attempts = 0
    message.resends += 1
    message.next_attempt_at = timezone.now()
    message.save()
    log.info("national sync message %s resent by %s", message.pk, actor)
    transaction.on_commit(lambda: publish([message.pk]))
    return message


@transaction.atomic
def procedure_code_set(*, actor, code: str, national_code: str, note: str = "") -> ProcedureCode | None:
    """Map our procedure ``code`` to the national ``national_code`` (the same code, or blank,
    removes the mapping)."""
    require(actor, "catalog.manage")
    code, national_code = (code or "").strip(), (national_code or "").strip()
    if not code:
        raise SyncError({"code": [_("Cần nhập mã thủ tục.")]})
    if not national_code or national_code == code:
        ProcedureCode.objects.filter(code=code).delete()
        return None
    mapping, _created = ProcedureCode.objects.update_or_create(
        code=code, defaults={"national_code": national_code, "note": note}
    )
    return mapping

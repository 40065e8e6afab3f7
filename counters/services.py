"""Every change to queue tickets and counters: take a ticket, open and close a counter, call the
next ticket by the office's policy, recall, no-show, transfer, start serving, finish, attach the
dossier received for it.

Each service runs in one transaction and writes a ``TicketEvent`` in it. ``call next`` locks the
office's policy row, so the calls of one office are taken one after the other; the chosen ticket
is then moved with a conditional update (still queued), so two counters never get the same one.
"""

import secrets
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import can, require
from counters.models import (
    AT_COUNTER,
    QUEUED,
    Counter,
    PolicyMode,
    Priority,
    QueuePolicy,
    Service,
    Ticket,
    TicketAction,
    TicketEvent,
    TicketSequence,
    TicketStatus,
)
from dossiers.models import Dossier
from procedures.models import Agency


class TicketError(ValidationError):
    """Bad input for a queue action: nothing was changed."""


def _now() -> datetime:
    return timezone.now()


def local_day(at: datetime | None = None) -> date:
    """The office's calendar day of ``at`` (tickets are numbered per local day)."""
    return timezone.localdate(at or _now())


def _event(ticket: Ticket, action: str, *, actor: User | None, counter: Counter | None = None, **data):
    return TicketEvent.objects.create(
        ticket=ticket, action=action, actor=actor, counter=counter, at=_now(), data=data
    )


# --- taking a ticket -----------------------------------------------------------------------------


def _next_number(service: Service, day: date) -> int:
    """Gapless per service and day (hence per office, day and service): the sequence row is bumped
    under a row lock in the caller's transaction, so a failed take gives its number back."""
    sequence = TicketSequence.objects.select_for_update().filter(service=service, day=day).first()
    if sequence is None:
        try:
            with transaction.atomic():
                TicketSequence.objects.create(service=service, day=day, last=0)
        except IntegrityError:
            pass  # another kiosk made the row first; lock it below
        sequence = TicketSequence.objects.select_for_update().get(service=service, day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def ticket_code(service: Service, number: int) -> str:
    """``B012``: the service's letter and at least three digits."""
    return f"{service.letter}{number:03d}"


def ticket_take(*, service: Service, priority: str = Priority.NONE, actor: User | None = None) -> Ticket:
    """A citizen takes a ticket at the kiosk (``actor`` is None) or a clerk takes one for them."""
    if priority not in Priority.values:
        raise TicketError({"priority": [_("Loại ưu tiên không hợp lệ.")]})
    with transaction.atomic():
        service = Service.objects.select_related("office").get(pk=service.pk)
        if not service.is_active or not service.office.is_active:
            raise TicketError(_("Dịch vụ này hiện không cấp số thứ tự."))
        at = _now()
        day = local_day(at)
        number = _next_number(service, day)
        ticket = Ticket.objects.create(
            office=service.office,
            service=service,
            day=day,
            number=number,
            code=ticket_code(service, number),
            priority=priority,
            status=TicketStatus.WAITING,
            taken_at=at,
            token=secrets.token_urlsafe(24),
        )
        _event(ticket, TicketAction.TAKE, actor=actor, priority=priority)
    return ticket


# --- counters ------------------------------------------------------------------------------------


def _check_clerk_of(actor: User, office_id: int) -> None:
    if not can(actor, "counter.serve"):
        raise TicketError(_("Chỉ cán bộ một cửa mới được ngồi quầy."))
    if not actor.is_superuser and actor.agency_id != office_id:
        raise TicketError(_("Quầy này không thuộc đơn vị của bạn."))


def counter_open(*, actor: User, counter: Counter) -> Counter:
    """The clerk sits down at ``counter``: it shows their name and takes calls until closed."""
    with transaction.atomic():
        counter = Counter.objects.select_for_update().get(pk=counter.pk)
        _check_clerk_of(actor, counter.office_id)
        if not counter.is_active:
            raise TicketError(_("Quầy này đã ngừng sử dụng."))
        if counter.clerk_id == actor.pk:
            return counter
        if counter.clerk_id is not None:
            raise TicketError(
                _("Quầy %(counter)s đang do %(clerk)s phụ trách; người đó cần đóng quầy trước.")
                % {"counter": counter.number, "clerk": counter.clerk.display_name}
            )
        other = Counter.objects.filter(clerk=actor).first()
        if other is not None:
            raise TicketError(
                _("Bạn đang mở quầy %(counter)s; đóng quầy đó trước khi mở quầy khác.")
                % {"counter": other.number}
            )
        counter.clerk = actor
        counter.opened_at = _now()
        counter.save(update_fields=["clerk", "opened_at"])
    return counter


def counter_close(*, actor: User, counter: Counter) -> Counter:
    """The clerk leaves: only when no ticket is called or being served at the counter."""
    with transaction.atomic():
        counter = Counter.objects.select_for_update().get(pk=counter.pk)
        if counter.clerk_id is None:
            return counter
        if counter.clerk_id != actor.pk and not (actor.is_superuser or actor.role == Role.ADMIN):
            raise TicketError(_("Chỉ cán bộ đang ngồi quầy mới được đóng quầy."))
        busy = Ticket.objects.filter(counter=counter, status__in=AT_COUNTER).first()
        if busy is not None:
            raise TicketError(
                _("Quầy đang có số %(code)s: hoàn thành, chuyển hoặc đánh dấu vắng mặt trước khi đóng quầy.")
                % {"code": busy.code}
            )
        counter.clerk = None
        counter.opened_at = None
        counter.save(update_fields=["clerk", "opened_at"])
    return counter


def _seated(actor: User, counter: Counter) -> Counter:
    """The counter, locked, if ``actor`` sits at it."""
    counter = Counter.objects.select_for_update().get(pk=counter.pk)
    if counter.clerk_id != actor.pk:
        raise TicketError(_("Bạn cần mở quầy %(counter)s trước.") % {"counter": counter.number})
    return counter


# --- calling -------------------------------------------------------------------------------------


def _policy_locked(office_id: int) -> QueuePolicy:
    policy = QueuePolicy.objects.select_for_update().filter(office_id=office_id).first()
    if policy is None:
        try:
            with transaction.atomic():
                QueuePolicy.objects.create(office_id=office_id)
        except IntegrityError:
            pass
        policy = QueuePolicy.objects.select_for_update().get(office_id=office_id)
    return policy


def _queued_for(counter: Counter, day: date) -> QuerySet[Ticket]:
    """Tickets of today the counter could call: waiting in one of its services, or transferred to
    the counter itself or to one of its services."""
    service_ids = list(counter.services.values_list("pk", flat=True))
    return Ticket.objects.filter(office_id=counter.office_id, day=day).filter(
        Q(status=TicketStatus.WAITING, service_id__in=service_ids)
        | Q(status=TicketStatus.TRANSFERRED, counter=counter)
        | Q(status=TicketStatus.TRANSFERRED, counter__isnull=True, service_id__in=service_ids)
    )


def _choose(queued: QuerySet[Ticket], policy: QueuePolicy) -> tuple[Ticket | None, bool | None]:
    """The next ticket and whether it counts as a priority call (None: a transfer, which does
    not move the 1-after-N count). Transferred tickets first: their holders already waited."""
    order = ("taken_at", "id")
    # sent to this very counter before those sent to one of its services
    transferred = (
        queued.filter(status=TicketStatus.TRANSFERRED)
        .order_by(F("counter_id").desc(nulls_last=True), *order)
        .first()
    )
    if transferred is not None:
        return transferred, None
    waiting = queued.filter(status=TicketStatus.WAITING)
    priority = waiting.exclude(priority=Priority.NONE).order_by(*order).first()
    ordinary = waiting.filter(priority=Priority.NONE).order_by(*order).first()
    if priority is None or ordinary is None:
        ticket = priority or ordinary
        return ticket, (ticket is priority) if ticket else None
    if policy.mode == PolicyMode.STRICT or policy.ordinary_streak >= policy.ordinary_per_priority:
        return priority, True
    return ordinary, False


def ticket_call_next(*, actor: User, counter: Counter) -> Ticket | None:
    """Call the next ticket to ``counter`` by the office's policy; None when nobody waits."""
    with transaction.atomic():
        counter = _seated(actor, counter)
        busy = Ticket.objects.filter(counter=counter, status__in=AT_COUNTER).first()
        if busy is not None:
            raise TicketError(
                _(
                    "Quầy đang có số %(code)s: hoàn thành, chuyển hoặc đánh dấu vắng mặt trước khi "
                    "gọi số tiếp."
                )
                % {"code": busy.code}
            )
        policy = _policy_locked(counter.office_id)
        at = _now()
        queued = _queued_for(counter, local_day(at))
        while True:
            ticket, is_priority = _choose(queued, policy)
            if ticket is None:
                return None
            # Still queued? (belt and braces under the policy lock; on SQLite the lock is a no-op)
            moved = Ticket.objects.filter(pk=ticket.pk, status__in=QUEUED).update(
                status=TicketStatus.CALLED, counter=counter, served_by=actor, last_called_at=at
            )
            if moved:
                break
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.called_at is None:
            ticket.called_at = at
        ticket.call_count += 1
        ticket.save(update_fields=["called_at", "call_count"])
        if is_priority is not None and policy.mode == PolicyMode.INTERLEAVE:
            policy.ordinary_streak = 0 if is_priority else policy.ordinary_streak + 1
            policy.save(update_fields=["ordinary_streak"])
        _event(ticket, TicketAction.CALL, actor=actor, counter=counter)
    return ticket


# --- at the counter ------------------------------------------------------------------------------


def _at_my_counter(actor: User, ticket: Ticket, allowed: tuple[str, ...]) -> tuple[Ticket, Counter]:
    """The ticket, locked, if it is at the counter where ``actor`` sits and in an allowed status."""
    counter = Counter.objects.filter(clerk=actor).first()
    if counter is None:
        raise TicketError(_("Bạn cần mở quầy trước."))
    counter = Counter.objects.select_for_update().get(pk=counter.pk)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.counter_id != counter.pk or ticket.status not in AT_COUNTER:
        raise TicketError(_("Số %(code)s không ở quầy của bạn.") % {"code": ticket.code})
    if ticket.status not in allowed:
        raise TicketError(
            _("Số %(code)s đang ở trạng thái “%(status)s”: không thực hiện được thao tác này.")
            % {"code": ticket.code, "status": ticket.get_status_display()}
        )
    return ticket, counter


def ticket_recall(*, actor: User, ticket: Ticket) -> Ticket:
    """Call the same ticket again (the board shows and speaks it again)."""
    with transaction.atomic():
        ticket, counter = _at_my_counter(actor, ticket, (TicketStatus.CALLED,))
        ticket.last_called_at = _now()
        ticket.call_count += 1
        ticket.save(update_fields=["last_called_at", "call_count"])
        _event(ticket, TicketAction.RECALL, actor=actor, counter=counter, call=ticket.call_count)
    return ticket


def ticket_no_show(*, actor: User, ticket: Ticket) -> Ticket:
    """Nobody came after the calls: the ticket ends as a no-show."""
    with transaction.atomic():
        ticket, counter = _at_my_counter(actor, ticket, (TicketStatus.CALLED,))
        ticket.status = TicketStatus.NO_SHOW
        ticket.finished_at = _now()
        ticket.save(update_fields=["status", "finished_at"])
        _event(ticket, TicketAction.NO_SHOW, actor=actor, counter=counter)
    return ticket


def ticket_start(*, actor: User, ticket: Ticket) -> Ticket:
    """The citizen is at the counter: service time starts."""
    with transaction.atomic():
        ticket, counter = _at_my_counter(actor, ticket, (TicketStatus.CALLED,))
        ticket.status = TicketStatus.SERVING
        if ticket.started_at is None:
            ticket.started_at = _now()
        ticket.save(update_fields=["status", "started_at"])
        _event(ticket, TicketAction.START, actor=actor, counter=counter)
    return ticket


def ticket_finish(*, actor: User, ticket: Ticket) -> Ticket:
    with transaction.atomic():
        ticket, counter = _at_my_counter(actor, ticket, (TicketStatus.SERVING,))
        ticket.status = TicketStatus.DONE
        ticket.finished_at = _now()
        ticket.save(update_fields=["status", "finished_at"])
        _event(ticket, TicketAction.DONE, actor=actor, counter=counter)
    return ticket


def ticket_transfer(
    *, actor: User, ticket: Ticket, to_counter: Counter | None = None, to_service: Service | None = None
) -> Ticket:
    """Send the ticket to another counter, or to another service's queue, where it is called
    before new tickets. It keeps its code; its first call still ends its waiting time."""
    if (to_counter is None) == (to_service is None):
        raise TicketError(_("Chọn một quầy hoặc một dịch vụ để chuyển số đến."))
    with transaction.atomic():
        ticket, counter = _at_my_counter(actor, ticket, AT_COUNTER)
        data: dict = {"from_counter": counter.number}
        if to_counter is not None:
            to_counter = Counter.objects.get(pk=to_counter.pk)
            if to_counter.office_id != ticket.office_id or not to_counter.is_active:
                raise TicketError({"to_counter": [_("Quầy không thuộc đơn vị này.")]})
            if to_counter.pk == counter.pk:
                raise TicketError({"to_counter": [_("Số đã ở quầy này.")]})
            ticket.counter = to_counter
            data["to_counter"] = to_counter.number
        else:
            to_service = Service.objects.get(pk=to_service.pk)
            if to_service.office_id != ticket.office_id or not to_service.is_active:
                raise TicketError({"to_service": [_("Dịch vụ không thuộc đơn vị này.")]})
            if to_service.pk == ticket.service_id:
                raise TicketError({"to_service": [_("Số đã thuộc dịch vụ này; chọn quầy để chuyển.")]})
            data["from_service"] = ticket.service.letter
            ticket.service = to_service
            ticket.counter = None
            data["to_service"] = to_service.letter
        ticket.status = TicketStatus.TRANSFERRED
        ticket.served_by = None
        ticket.save(update_fields=["status", "counter", "service", "served_by"])
        _event(ticket, TicketAction.TRANSFER, actor=actor, counter=counter, **data)
    return ticket


def ticket_attach_dossier(*, actor: User, ticket: Ticket, dossier: Dossier) -> Ticket:
    """Record the dossier the counter received for this ticket (after "start serving")."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.served_by_id != actor.pk and not actor.is_superuser:
            raise TicketError(_("Chỉ cán bộ phục vụ số %(code)s mới gắn được hồ sơ.") % {"code": ticket.code})
        if ticket.status not in (TicketStatus.SERVING, TicketStatus.DONE):
            raise TicketError(_("Chỉ gắn hồ sơ cho số đang hoặc đã được phục vụ."))
        if dossier.intake_office_id != ticket.office_id or dossier.received_by_id is None:
            raise TicketError(_("Hồ sơ %(code)s không do đơn vị này tiếp nhận.") % {"code": dossier.code})
        if ticket.dossier_id == dossier.pk:
            return ticket
        ticket.dossier = dossier
        ticket.save(update_fields=["dossier"])
        _event(ticket, TicketAction.ATTACH_DOSSIER, actor=actor, dossier=dossier.code)
    return ticket


def policy_set(*, actor: User, office: Agency, mode: str, ordinary_per_priority: int = 3) -> QueuePolicy:
    """Set how the office calls priority tickets (admin pages use the model form directly)."""
    require(actor, "counter.configure")
    if mode not in PolicyMode.values:
        raise TicketError({"mode": [_("Cách gọi số ưu tiên không hợp lệ.")]})
    if not 1 <= ordinary_per_priority <= 50:
        raise TicketError({"ordinary_per_priority": [_("N phải từ 1 đến 50.")]})
    with transaction.atomic():
        policy = _policy_locked(office.pk)
        policy.mode = mode
        policy.ordinary_per_priority = ordinary_per_priority
        policy.ordinary_streak = 0
        policy.save(update_fields=["mode", "ordinary_per_priority", "ordinary_streak"])
    return policy

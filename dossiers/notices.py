"""The notices a dossier's life sends: to the applicant (SMS and email where known) and to the
staff of the agencies it is routed to, plus the daily digest of due and overdue steps.

``on_event`` is called by ``services.common._event`` in the transaction that writes the Event,
so a notice exists exactly when its event does; the outbox's unique key (dossier, event,
template, channel, recipient) keeps a notice from being written twice.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import agency_scope
from dossiers import punctuality
from dossiers.models import Dossier, Event, ReturnMethod, Step, StepStatus
from dossiers.workflow import Action
from notifications.models import Channel
from notifications.services import notification_create
from procedures import workdays
from procedures.models import Agency
from web.money import format_vnd


def _date(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


def _datetime(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def tracking_url(dossier: Dossier) -> str:
    return settings.HCC_SITE_URL.rstrip("/") + reverse("dossiers:track_token", args=[dossier.tracking_token])


def rating_url(dossier: Dossier) -> str:
    """The page where the applicant rates the service (the surveys app's, by the QR token)."""
    return settings.HCC_SITE_URL.rstrip("/") + reverse("surveys:rate_dossier", args=[dossier.tracking_token])


def dossier_url(dossier: Dossier) -> str:
    return settings.HCC_SITE_URL.rstrip("/") + reverse("dossiers:detail", args=[dossier.code])


def _base_context(dossier: Dossier) -> dict:
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "applicant": dossier.organisation_name or dossier.applicant_name,
        "center": settings.HCC_CENTER_NAME,
        "tracking_url": tracking_url(dossier),
        "due_date": _date(dossier.due_at),
        "received_date": _date(dossier.received_at),
    }


def _applicant_contacts(dossier: Dossier) -> list[tuple[str, str]]:
    user = dossier.applicant_user
    phone = dossier.phone or (user.phone if user else "")
    email = dossier.email or (user.email if user else "")
    return [
        (channel, address) for channel, address in ((Channel.SMS, phone), (Channel.EMAIL, email)) if address
    ]


def _tell_applicant(dossier: Dossier, event: Event, template: str, context: dict) -> None:
    for channel, address in _applicant_contacts(dossier):
        notification_create(
            recipient=address,
            channel=channel,
            template_code=template,
            context=context,
            subject_ref=f"dossier:{dossier.code}",
            dossier_code=dossier.code,
            event_id=event.pk,
        )


def _where_to_collect(dossier: Dossier) -> str:
    office = dossier.intake_office
    if dossier.return_method == ReturnMethod.POST:
        return f"Kết quả được gửi qua bưu chính đến: {dossier.return_address}."
    if dossier.return_method == ReturnMethod.ONLINE:
        return f"Kết quả được trả trực tuyến; tải về tại: {tracking_url(dossier)}"
    where = f"{office.name}, {office.address}" if office.address else office.name
    return f"Mời ông/bà nhận kết quả tại {where} trong giờ hành chính."


def _where_short(dossier: Dossier) -> str:
    """Where to collect, short enough for one SMS with the code and the fees (issue 18: the
    address made the text too long and it was cut at "Phí, lệ..."); the e-mail has the address."""
    if dossier.return_method == ReturnMethod.POST:
        return "Kết quả được gửi qua bưu chính."
    if dossier.return_method == ReturnMethod.ONLINE:
        return "Tải kết quả tại trang hồ sơ trực tuyến."
    return f"Nhận tại {dossier.intake_office.name} trong giờ hành chính."


def _how_to_supply(dossier: Dossier) -> str:
    if dossier.applicant_user_id:
        return "Ông/bà nộp bổ sung trực tuyến tại trang hồ sơ của mình hoặc tại bộ phận một cửa."
    return f"Ông/bà mang giấy tờ bổ sung đến {dossier.intake_office.name}."


def _fees(dossier: Dossier) -> tuple[list[str], str]:
    fees = list(dossier.procedure.fees.all())
    lines = [f"{fee.name}: {format_vnd(fee.amount)}" for fee in fees if fee.amount]
    total = sum(fee.amount for fee in fees)
    return lines, format_vnd(total) if total else ""


def _tell_routed_staff(dossier: Dossier, event: Event, steps: list[Step]) -> None:
    for step in steps:
        context = {
            **_base_context(dossier),
            "agency": step.agency.name,
            "step": step.name,
            "step_due": _datetime(step.due_at),
            "dossier_url": dossier_url(dossier),
        }
        reviewers = User.objects.filter(role=Role.REVIEWER, agency=step.agency, is_active=True)
        for reviewer in reviewers:
            for channel, address in ((Channel.EMAIL, reviewer.email), (Channel.SMS, reviewer.phone)):
                if address:
                    notification_create(
                        recipient=address,
                        channel=channel,
                        template_code="staff.step_routed",
                        context=context,
                        subject_ref=f"dossier:{dossier.code}",
                        dossier_code=dossier.code,
                        event_id=event.pk,
                    )


def on_event(event: Event) -> None:
    """Write the notices ``event`` calls for (none for most internal moves)."""
    dossier = Dossier.objects.select_related("procedure", "intake_office", "applicant_user").get(
        pk=event.dossier_id
    )
    action = event.action
    context = _base_context(dossier)
    if action in (Action.RECEIVE, Action.ACCEPT):
        _tell_applicant(dossier, event, "dossier.received", context)
    elif action in (Action.REQUEST_SUPPLEMENT, Action.REQUEST_INTAKE_SUPPLEMENT):
        items = list(event.data.get("items") or [])
        context |= {
            "items": items,
            "items_text": "; ".join(items),
            "note": event.note,
            "how": _how_to_supply(dossier),
        }
        _tell_applicant(dossier, event, "dossier.supplement_requested", context)
    elif action in (Action.REFUSE_INTAKE, Action.REFUSE):
        _tell_applicant(dossier, event, "dossier.refused", context | {"reason": dossier.closing_reason})
    elif action in (Action.STOP, Action.WITHDRAW):
        # Every end of a dossier is told to the applicant, with the reason (issue 17, rule 9).
        template = "dossier.stopped" if action == Action.STOP else "dossier.withdrawn"
        context |= {"reason": dossier.closing_reason, "closed_date": _date(dossier.closed_at)}
        _tell_applicant(dossier, event, template, context)
    elif action in (Action.APPROVE, Action.APPROVE_ON_THE_SPOT):
        fees, total = _fees(dossier)
        context |= {
            "where": _where_to_collect(dossier),
            "where_short": _where_short(dossier),
            "fees": fees,
            "fees_total": total,
            "ready_date": _date(dossier.result_ready_at),
        }
        _tell_applicant(dossier, event, "dossier.result_ready", context)
    elif action == Action.REQUEST_PAYMENT:
        obligation = dossier.obligations.filter(pk=event.data.get("obligation")).first()
        if obligation is not None:
            context |= {
                "kind": obligation.get_kind_display().lower(),
                "amount": format_vnd(obligation.amount),
                "notice_number": obligation.notice_number,
                "authority": obligation.issuing_authority,
                "due": obligation.due_date.strftime("%d/%m/%Y") if obligation.due_date else "",
                "note": obligation.note,
            }
            _tell_applicant(dossier, event, "dossier.payment_requested", context)
    elif action == Action.APOLOGIZE:
        context |= {"reason": event.note, "new_date": _date(dossier.promised_at)}
        _tell_applicant(dossier, event, "dossier.apology", context)
    elif action == Action.RETURN_RESULT:
        context |= {
            "returned_date": _date(dossier.returned_at),
            "returned_to": dossier.returned_to,
            "postal_tracking": dossier.postal_tracking,
            "return_address": dossier.return_address,
        }
        template = "dossier.sent_by_post" if dossier.postal_tracking else "dossier.returned"
        _tell_applicant(dossier, event, template, context)
        _tell_applicant(dossier, event, "dossier.rating", context | {"rating_url": rating_url(dossier)})
    if action in (Action.RECEIVE, Action.ACCEPT, Action.SEND_BACK, Action.FORWARD):
        active = dossier.steps.select_related("agency").filter(status=StepStatus.ACTIVE)
        if action == Action.FORWARD:
            active = active.filter(agency__code__in=event.data.get("to_agencies") or [])
        _tell_routed_staff(dossier, event, list(active))


# --- The daily digest ---------------------------------------------------------------------------


def _step_line(step: Step) -> dict:
    return {
        "code": step.dossier.code,
        "step": step.name,
        "due": _datetime(step.due_at),
        "agency": step.agency.name,
    }


def send_daily_digests(*, now: datetime | None = None) -> int:
    """On a working day: to each agency's reviewers, the steps due within one working day and the
    overdue ones; to each manager, the same of the agencies under them, so both are warned before
    a step runs late (issue 17 rule 3; docs/rules.md). Returns how many digests today has (0 on a
    day off). Safe to run twice a day: one digest per day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not workdays.is_working_day(today):
        return 0
    horizon = workdays.add_working_days(today, 1)
    horizon_end = timezone.make_aware(datetime.combine(horizon + timedelta(days=1), datetime.min.time()))
    open_steps = (
        Step.objects.filter(status__in=[StepStatus.ACTIVE, StepStatus.CLAIMED], due_at__isnull=False)
        .filter(due_at__lt=horizon_end)
        .select_related("dossier", "agency")
        .order_by("due_at")
    )
    by_agency: dict[int, tuple[Agency, list[dict], list[dict]]] = {}
    for step in open_steps:
        agency, due_soon, overdue = by_agency.setdefault(step.agency_id, (step.agency, [], []))
        (overdue if punctuality.is_overdue(step.due_at, now) else due_soon).append(
            _step_line(step) | {"agency_id": step.agency_id}
        )
    written = 0
    inbox = settings.HCC_SITE_URL.rstrip("/") + reverse("dossiers:inbox")
    for agency_id, (agency, due_soon, overdue) in by_agency.items():
        context = {
            "agency": agency.name,
            "date": today.strftime("%d/%m/%Y"),
            "due_soon": due_soon,
            "overdue": overdue,
            "inbox_url": inbox,
            "center": settings.HCC_CENTER_NAME,
        }
        for reviewer in User.objects.filter(role=Role.REVIEWER, agency_id=agency_id, is_active=True).exclude(
            email=""
        ):
            written += bool(
                notification_create(
                    recipient=reviewer.email,
                    channel=Channel.EMAIL,
                    template_code="staff.daily_digest",
                    context=context,
                    subject_ref=f"digest:{agency.code}:{today.isoformat()}",
                )
            )
    all_due_soon = [line for _, (_, due_soon, _) in by_agency.items() for line in due_soon]
    all_overdue = [line for _, (_, _, overdue) in by_agency.items() for line in overdue]
    for manager in User.objects.filter(role=Role.MANAGER, is_active=True).exclude(email=""):
        scope = agency_scope(manager)
        scope = None if scope is None else set(scope)
        due_soon = [line for line in all_due_soon if scope is None or line["agency_id"] in scope]
        overdue = [line for line in all_overdue if scope is None or line["agency_id"] in scope]
        if not due_soon and not overdue:
            continue
        context = {
            "date": today.strftime("%d/%m/%Y"),
            "due_soon": due_soon,
            "overdue": overdue,
            "center": settings.HCC_CENTER_NAME,
        }
        written += bool(
            notification_create(
                recipient=manager.email,
                channel=Channel.EMAIL,
                template_code="staff.manager_digest",
                context=context,
                subject_ref=f"manager-digest:{manager.pk}:{today.isoformat()}",
            )
        )
    return written


__all__ = ["on_event", "rating_url", "send_daily_digests", "tracking_url"]

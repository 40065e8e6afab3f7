"""What each printed paper says: one context builder per paper (Circular 03/2025/TT-VPCP), shared
by its PDF and its printable HTML page."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phones import display_phone
from dossiers import punctuality
from dossiers.models import (
    Dossier,
    Event,
    GuidanceKind,
    IntakeGuidance,
    Step,
    StepStatus,
    SupplementRequest,
)
from dossiers.selectors import timeline_prefetch
from dossiers.workflow import Action, Status
from procedures import workdays
from procedures.models import Agency
from receipts.codes import absolute_url, barcode_data_uri, qr_data_uri
from receipts.fee_lines import or_preview
from receipts.models import FeeLine, Receipt
from web.money import amount_in_words


class PaperNotApplicable(Exception):
    """The dossier has no such paper (no supplement asked, not refused, …)."""


@dataclass(frozen=True)
class Paper:
    slug: str
    title: object
    template: str


# The result issued by the portal (signed by the resolving agency like an uploaded result).
RESULT_SLUG = "ket-qua"

PAPERS = {
    paper.slug: paper
    for paper in [
        Paper("giay-tiep-nhan", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), "receipts/papers/intake.html"),
        Paper(
            "phieu-kiem-soat", _("Phiếu kiểm soát quá trình giải quyết hồ sơ"), "receipts/papers/control.html"
        ),
        Paper(
            "yeu-cau-bo-sung", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"), "receipts/papers/supplement.html"
        ),
        Paper("tu-choi", _("Phiếu từ chối tiếp nhận, giải quyết hồ sơ"), "receipts/papers/refusal.html"),
        Paper(
            "xin-loi-hen-lai", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả"), "receipts/papers/apology.html"
        ),
        Paper("dung-xu-ly", _("Thông báo dừng giải quyết hồ sơ"), "receipts/papers/stop.html"),
        Paper(RESULT_SLUG, _("Thông báo kết quả giải quyết hồ sơ"), "receipts/papers/result.html"),
    ]
}


def _prefetches() -> dict[str, Prefetch]:
    return {
        "steps": Prefetch(
            "steps",
            queryset=Step.objects.select_related("agency", "claimed_by", "finished_by").order_by(
                "order", "id"
            ),
        ),
        "supplement_requests": Prefetch(
            "supplement_requests", queryset=SupplementRequest.objects.select_related("step__agency")
        ),
        "documents_received": Prefetch("documents_received"),
        "fee_lines": Prefetch("fee_lines", queryset=FeeLine.objects.order_by("id")),
    }


# The related rows each paper prints (fetched with the dossier, so no paper asks per row); the
# intake receipt is printed at the desk for every dossier and skips the other three queries.
PAPER_READS = {
    "giay-tiep-nhan": ("documents_received", "fee_lines"),
    "phieu-kiem-soat": ("steps", "events"),
    "yeu-cau-bo-sung": ("supplement_requests",),
    "tu-choi": ("events",),
    "xin-loi-hen-lai": ("events",),
    "dung-xu-ly": ("events",),
    RESULT_SLUG: (),
}


def paper_dossier(qs, code: str, paper: str | None = None) -> Dossier:
    """The dossier with what ``paper`` (a slug of ``PAPERS``) prints, or, without one or for an
    unknown slug, with everything any paper and the fee desk print, fetched in a few queries."""
    prefetches = _prefetches()
    reads = PAPER_READS.get(paper, (*prefetches, "events"))
    dossier = (
        qs.select_related(
            "intake_office__parent",
            "resolving_agency__parent",
            "received_by",
            "result_signed_by",
            "procedure",
        )
        .prefetch_related(*(prefetches[name] for name in reads if name != "events"))
        .get(code=code)
    )
    if "events" in reads:
        # from the dossier's year's partition of the event log only
        events = Event.objects.select_related("agency", "actor")
        prefetch_related_objects([dossier], timeline_prefetch(dossier, events))
    return dossier


def papers_for(dossier: Dossier) -> list[Paper]:
    """The papers this dossier has now, in the order a desk would print them."""
    have = []
    if dossier.received_at:
        have += ["giay-tiep-nhan", "phieu-kiem-soat"]
    if dossier.supplement_requests.all():
        have.append("yeu-cau-bo-sung")
    if dossier.status == Status.REFUSED:
        have.append("tu-choi")
    if dossier.promised_at:
        have.append("xin-loi-hen-lai")
    if dossier.status == Status.STOPPED:
        have.append("dung-xu-ly")
    if dossier.result_ready_at and dossier.result_note:
        have.append(RESULT_SLUG)
    return [PAPERS[slug] for slug in have]


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


def header(agency: Agency, *, desk: bool) -> dict:
    """The left block of the national header: the agency above, the issuing agency (or its
    one-stop desk)."""
    return {
        "parent": agency.parent.name if agency.parent_id else "",
        "agency": agency,
        "desk": desk,
    }


def register_position(dossier: Dossier) -> tuple[int | None, int | None]:
    """(book, number) in the intake office's register (form 07): the line the dossier was given
    when received, never recomputed (``dossiers.services.intake._assign_register_line``); none
    for a dossier imported from an older system."""
    return dossier.register_book, dossier.register_number


def _base(
    dossier: Dossier, paper: Paper, *, agency: Agency, desk: bool, dated: datetime | None = None
) -> dict:
    """What every paper prints; ``dated`` is the moment of the act the paper records (the request,
    the refusal, the apology, the stop, the receipt): a paper is dated by its act, not by the day
    it is printed (Circular 03/2025/TT-VPCP forms 01–05). Without one (the control sheet, a live
    record), the print date."""
    return {
        "paper": paper,
        "dossier": dossier,
        "header": header(agency, desk=desk),
        "today": timezone.localdate(dated) if dated else timezone.localdate(),
        "barcode": barcode_data_uri(dossier.code),
    }


def intake_context(dossier: Dossier) -> dict:
    if not dossier.received_at:
        raise PaperNotApplicable
    track_url = absolute_url(reverse("dossiers:track_token", args=[dossier.tracking_token]))
    # The fees printed are the dossier's own, set at its receipt: the lines ``paper_dossier``
    # fetched (``or_preview``: a closed dossier received before fees were set at receipt).
    lines = or_preview(dossier, list(dossier.fee_lines.all()))
    due_lines = [line for line in lines if not line.exempt]
    book, number = register_position(dossier)
    return {
        **_base(
            dossier,
            PAPERS["giay-tiep-nhan"],
            agency=dossier.intake_office,
            desk=True,
            dated=dossier.received_at,
        ),
        "documents": list(dossier.documents_received.all()),
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "fee_lines": lines,
        "fee_total": sum(line.amount for line in due_lines),
        "track_url": track_url,
        "qr": qr_data_uri(track_url),
        "phone": display_phone(dossier.phone),
        "register_book": book,
        "register_number": number,
    }


@dataclass
class HandOff:
    number: int
    sender: str
    receiver: str
    at: datetime | None
    due_at: datetime | None
    done_at: datetime | None
    outcome: str  # early / on_time / late / open / overdue / cancelled / closed / ""
    late_by: timedelta | None = None
    note: str = ""
    giver: str = ""  # the person who handed the dossier over
    taker: str = ""  # the person who took it


OUTCOME_LABELS = {
    "early": _("Trước hạn"),
    "on_time": _("Đúng hạn"),
    "late": _("Quá hạn"),
    "open": _("Đang giải quyết"),
    "overdue": _("Đang giải quyết, đã quá hạn"),
    "cancelled": _("Không tiếp tục (hồ sơ đã kết thúc)"),
    "closed": _("Kết thúc"),
}


def _outcome(due_at, done_at, now, calendar) -> tuple[str, timedelta | None]:
    """early / on_time / late (``dossiers.punctuality``), with the working time late; open (or
    overdue, with the working time since the due time) while undone."""
    if due_at is None:
        return "", None
    if done_at is None:
        if punctuality.is_overdue(due_at, now):
            return "overdue", workdays.working_time_between(due_at, now, calendar=calendar)
        return "open", None
    outcome = punctuality.outcome(done_at, due_at)
    if outcome == punctuality.LATE:
        return outcome, workdays.working_time_between(due_at, done_at, calendar=calendar)
    return outcome, None


CLOSING_NOTES = {
    Status.STOPPED: _("Dừng giải quyết hồ sơ"),
    Status.WITHDRAWN: _("Rút hồ sơ theo đề nghị của người nộp"),
    Status.REFUSED: _("Từ chối giải quyết hồ sơ"),
}


def _person(user) -> str:
    return user.display_name if user is not None else ""


def control_context(dossier: Dossier, *, now: datetime | None = None) -> dict:
    """Form 06 (Circular 03/2025/TT-VPCP): one row per hand-off, with the agency and the person
    who gave and who received: the desk to the first order's agencies, each order to the next, the
    last order back to the desk (the result), the desk to the applicant. A step cancelled because
    the dossier was stopped, withdrawn or refused is shown as such (not as running late), and a
    dossier that ended so ends with that row."""
    if not dossier.received_at:
        raise PaperNotApplicable
    now = now or timezone.now()
    calendar = workdays.WorkCalendar()
    desk = dossier.intake_office.name
    steps = [s for s in dossier.steps.all() if s.status != StepStatus.CANCELLED or s.started_at]
    closing = CLOSING_NOTES.get(dossier.status) if dossier.closed_at else None
    rows: list[HandOff] = []
    previous, givers = [desk], [_person(dossier.received_by)]
    orders = sorted({s.order for s in steps})
    for order in orders:
        group = [s for s in steps if s.order == order]
        for step in group:
            outcome, late_by = _outcome(step.due_at, step.finished_at, now, calendar)
            note = step.get_status_display()
            if step.status == StepStatus.CANCELLED:
                outcome, late_by = "cancelled", None
                note = f"{note}: {closing}" if closing else note
            elif step.status == StepStatus.WAITING and not step.started_at:
                outcome = ""
            rows.append(
                HandOff(
                    number=len(rows) + 1,
                    sender=", ".join(previous),
                    receiver=f"{step.agency.name} – {step.name}",
                    at=_local(step.started_at),
                    due_at=_local(step.due_at),
                    done_at=_local(step.finished_at),
                    outcome=outcome,
                    late_by=late_by,
                    note=note,
                    giver=", ".join(g for g in givers if g),
                    taker=_person(step.claimed_by or step.finished_by),
                )
            )
        previous = sorted({s.agency.name for s in group})
        givers = sorted({_person(s.finished_by) for s in group if s.finished_by_id})
    if dossier.result_ready_at:
        outcome, late_by = _outcome(dossier.due_at, dossier.result_ready_at, now, calendar)
        rows.append(
            HandOff(
                number=len(rows) + 1,
                sender=", ".join(previous),
                receiver=desk,
                at=_local(dossier.result_ready_at),
                due_at=_local(dossier.due_at),
                done_at=_local(dossier.result_ready_at),
                outcome=outcome,
                late_by=late_by,
                note=str(_("Kết quả giải quyết")),
                giver=_person(dossier.result_signed_by) or ", ".join(g for g in givers if g),
            )
        )
    if dossier.returned_at:
        rows.append(
            HandOff(
                number=len(rows) + 1,
                sender=desk,
                receiver=dossier.returned_to or dossier.applicant_name,
                at=_local(dossier.returned_at),
                due_at=None,
                done_at=_local(dossier.returned_at),
                outcome="",
                note=str(_("Trả kết quả")),
            )
        )
    if closing:
        # The act that ended the dossier, by the agency that took it, to the applicant.
        event = next((e for e in reversed(dossier.events.all()) if e.to_status == dossier.status), None)
        rows.append(
            HandOff(
                number=len(rows) + 1,
                sender=(event.agency.name if event and event.agency else ", ".join(previous)),
                receiver=dossier.applicant_name,
                at=_local(dossier.closed_at),
                due_at=None,
                done_at=_local(dossier.closed_at),
                outcome="closed",
                note=f"{closing}: {dossier.closing_reason}" if dossier.closing_reason else str(closing),
                giver=_person(event.actor) if event else "",
            )
        )
    for row in rows:
        row.outcome_label = OUTCOME_LABELS.get(row.outcome, "")
        row.late_hours = round(row.late_by.total_seconds() / 3600, 1) if row.late_by else None
    partners = sorted({s.agency.name for s in steps if s.agency_id != dossier.resolving_agency_id})
    return {
        **_base(dossier, PAPERS["phieu-kiem-soat"], agency=dossier.intake_office, desk=True),
        "rows": rows,
        "partners": partners,
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
    }


def _last_event(dossier: Dossier, action: str) -> Event | None:
    events = [e for e in dossier.events.all() if e.action == action]
    return events[-1] if events else None


def supplement_context(dossier: Dossier, *, request_id: int | None = None) -> dict:
    requests = list(dossier.supplement_requests.all())  # newest first
    if request_id is not None:
        requests = [r for r in requests if r.pk == request_id]
    if not requests:
        raise PaperNotApplicable
    supplement = requests[0]
    if supplement.at_intake:  # asked by the desk before acceptance (Decree 61/2018 art. 19(2)(a))
        agency, desk = dossier.intake_office, True
    else:
        agency, desk = (supplement.step.agency if supplement.step else dossier.resolving_agency), False
    return {
        **_base(dossier, PAPERS["yeu-cau-bo-sung"], agency=agency, desk=desk, dated=supplement.requested_at),
        "supplement": supplement,
        "requested_at": _local(supplement.requested_at),
    }


def refusal_context(dossier: Dossier) -> dict:
    if dossier.status != Status.REFUSED:
        raise PaperNotApplicable
    at_intake = _last_event(dossier, Action.REFUSE_INTAKE) is not None
    event = _last_event(dossier, Action.REFUSE_INTAKE if at_intake else Action.REFUSE)
    agency = dossier.intake_office if at_intake else dossier.resolving_agency
    refused_at = event.at if event else dossier.closed_at
    return {
        **_base(dossier, PAPERS["tu-choi"], agency=agency, desk=at_intake, dated=refused_at),
        "at_intake": at_intake,
        "reason": dossier.closing_reason,
        "refused_at": _local(event.at if event else dossier.closed_at),
    }


def apology_context(dossier: Dossier) -> dict:
    if not dossier.promised_at:
        raise PaperNotApplicable
    event = _last_event(dossier, Action.APOLOGIZE)
    agency = (event.agency if event and event.agency else None) or dossier.resolving_agency
    return {
        **_base(
            dossier, PAPERS["xin-loi-hen-lai"], agency=agency, desk=False, dated=event.at if event else None
        ),
        "reason": event.note if event else "",
        "apologized_at": _local(event.at if event else None),
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "promised_at": _local(dossier.promised_at),
    }


def stop_context(dossier: Dossier) -> dict:
    if dossier.status != Status.STOPPED:
        raise PaperNotApplicable
    event = _last_event(dossier, Action.STOP)
    agency = (event.agency if event and event.agency else None) or dossier.resolving_agency
    return {
        **_base(
            dossier,
            PAPERS["dung-xu-ly"],
            agency=agency,
            desk=False,
            dated=event.at if event else dossier.closed_at,
        ),
        "reason": dossier.closing_reason,
        "stopped_at": _local(event.at if event else dossier.closed_at),
    }


def result_context(dossier: Dossier) -> dict:
    """The result as the portal issues it (the reviewer's or the desk's result note), from the
    resolving agency, dated when the result was ready."""
    if not (dossier.result_ready_at and dossier.result_note):
        raise PaperNotApplicable
    signer = dossier.result_signed_by.display_name if dossier.result_signed_by_id else ""
    return {
        **_base(
            dossier,
            PAPERS[RESULT_SLUG],
            agency=dossier.resolving_agency,
            desk=False,
            dated=dossier.result_ready_at,
        ),
        "ready_at": _local(dossier.result_ready_at),
        "signed_by": signer,
    }


BUILDERS = {
    "giay-tiep-nhan": intake_context,
    "phieu-kiem-soat": control_context,
    "yeu-cau-bo-sung": supplement_context,
    "tu-choi": refusal_context,
    "xin-loi-hen-lai": apology_context,
    "dung-xu-ly": stop_context,
    RESULT_SLUG: result_context,
}


def paper_context(slug: str, dossier: Dossier) -> dict:
    return BUILDERS[slug](dossier)


# --- fee receipts --------------------------------------------------------------------------------

RECEIPT_TEMPLATE = "receipts/papers/receipt.html"


def receipt_context(receipt: Receipt) -> dict:
    verify_url = absolute_url(reverse("receipts:verify", args=[receipt.token]))
    return {
        "receipt": receipt,
        "lines": list(receipt.lines.all()),
        "header": header(receipt.agency, desk=False),
        "issued_at": _local(receipt.issued_at),
        "in_words": amount_in_words(receipt.total),
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
        "cancelled": receipt.is_cancelled,
    }


# --- guidance at the desk: a walk-in dossier not received (forms 02 and 03) ----------------------

GUIDANCE_PAPERS = {
    GuidanceKind.SUPPLEMENT: Paper(
        "yeu-cau-bo-sung",
        _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        "receipts/papers/guidance_supplement.html",
    ),
    GuidanceKind.REFUSAL: Paper(
        "tu-choi", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"), "receipts/papers/guidance_refusal.html"
    ),
}


def guidance_context(guidance: IntakeGuidance) -> dict:
    """Form 02 or 03 for a walk-in dossier the desk did not receive, dated by the guidance."""
    created = _local(guidance.created_at)
    return {
        "paper": GUIDANCE_PAPERS[guidance.kind],
        "guidance": guidance,
        "header": header(guidance.office, desk=True),
        "today": created.date(),
        "created_at": created,
        "barcode": barcode_data_uri(guidance.code),
    }

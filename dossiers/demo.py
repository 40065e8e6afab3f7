"""Demo dossiers for ``manage.py seed_demo --dossiers N``: dossiers in every stage of their life,
made through the same services the desks and reviewers use. Never run on a production database."""

import random
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from accounts.demo import CITIZEN_PHONE, DEMO_PASSWORD
from accounts.models import Role, User
from accounts.phones import normalize_phone
from accounts.services import staff_create
from dossiers import services
from dossiers.demo_names import GIVEN, MIDDLE, STREETS, SURNAMES
from dossiers.files import FileUpload
from dossiers.history import seed_history
from dossiers.history.rows import HistoryRow
from dossiers.history.writing import write_rows
from dossiers.models import (
    ApplicantKind,
    Dossier,
    GuidanceKind,
    IdKind,
    IntakeGuidance,
    ObligationKind,
    Step,
    StepStatus,
)
from dossiers.services import Applicant, Intake
from dossiers.validators import CCCD_PROVINCES
from dossiers.workflow import Status
from procedures import workdays
from procedures.models import Agency, AgencyKind, Level, Procedure
from procedures.selectors import competent_agencies
from procedures.services import agency_upsert

# The stages demo dossiers are taken to, in turn.
STAGES = [
    "submitted",
    "received",
    "processing",
    "supplement_requested",
    "result_ready",
    "returned",
    "refused",
    # the one-stop rules at work (docs/rules.md): an apology with its one new date, a refusal after
    # review (national code 9), a stop after an unanswered supplement request, a withdrawal —
    # each told to the applicant
    "apologized",
    "refused_after_review",
    "stopped",
    "withdrawn",
    # issue 17's intake rules (docs/rules.md, "Intake"), one dossier each in turn
    "intake_supplement",  # an online submission sent back once before acceptance (form 02)
    "foreigner",  # identified by passport and nationality
    "organisation",  # identified by its tax code only
    "commune_elsewhere",  # a commune procedure received at the centre, routed to the chosen commune
    # the citizen's online dossier, accepted: its fees are left for them to pay online
    "accepted_online",
    # a reviewer asked for a financial obligation (national status 6): the clock is paused
    "awaiting_payment",
    # a dossier of a district-level agency, received and returned before 1 July 2025: the district
    # receives nothing since, its history stays readable and counted in its months (rule 7)
    "former_district",
]
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0>>endobj\n%%EOF\n"
)


def _applicant(rng: random.Random) -> Applicant:
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    province = rng.choice(sorted(CCCD_PROVINCES))
    id_number = f"{province}{rng.choice('0123')}{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}"
    return Applicant(
        name=name,
        id_number=id_number,
        address=f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, tỉnh Sơn Hà",
        phone=f"09{rng.choice('0134')}{rng.randint(0, 9999999):07d}",
    )


def _reviewer_for(agency: Agency) -> User:
    """The demo reviewer of ``agency``: the seeded one, or one made for the walk (``cv-<code>``)."""
    reviewer = User.objects.filter(role=Role.REVIEWER, agency=agency, is_active=True).order_by("id").first()
    if reviewer is None:
        reviewer = staff_create(
            username=f"cv-{agency.code.lower()}",
            password=DEMO_PASSWORD,
            role=Role.REVIEWER,
            full_name=_("Chuyên viên %(agency)s") % {"agency": agency.short_name or agency.name},
            agency=agency,
        )
    return reviewer


def _open_steps(dossier: Dossier) -> list[Step]:
    return list(
        dossier.steps.select_related("agency")
        .filter(status__in=[StepStatus.ACTIVE, StepStatus.CLAIMED])
        .order_by("order", "id")
    )


def _claim_first(dossier: Dossier) -> tuple[Step, User]:
    step = _open_steps(dossier)[0]
    reviewer = _reviewer_for(step.agency)
    if step.status == StepStatus.ACTIVE:
        services.step_claim(actor=reviewer, step=step)
    return step, reviewer


def _walk_to_result(dossier: Dossier) -> None:
    """Claim and finish every step in order; the last one approves."""
    while True:
        dossier.refresh_from_db()
        steps = _open_steps(dossier)
        if not steps:
            return
        step, reviewer = _claim_first(dossier)
        is_last = not dossier.steps.filter(order__gt=step.order).exists() and len(steps) == 1
        if is_last:
            services.step_approve(actor=reviewer, step=step, result_note=_("Đã giải quyết, có kết quả."))
            return
        services.step_forward(actor=reviewer, step=step, note=_("Hồ sơ đủ điều kiện, chuyển bước tiếp theo."))


def _intake(procedure: Procedure, rng: random.Random) -> Intake:
    competent = competent_agencies(procedure, timezone.localdate())
    return Intake(
        applicant=_applicant(rng),
        # a commune procedure received at the centre goes to the commune where the person lives
        resolving_agency=rng.choice(competent) if len(competent) > 1 else None,
        request_summary=procedure.name,
        documents={
            d.id: (d.originals, d.copies) if (d.originals or d.copies) else (1, 0)
            for d in procedure.documents.all()
            if d.mandatory
        },
    )


@transaction.atomic
def _one(
    index: int, procedures: list[Procedure], clerk: User, citizen: User | None, rng: random.Random
) -> None:
    stage = STAGES[index % len(STAGES)]
    if stage in ("submitted", "refused", "intake_supplement", "accepted_online") and citizen is not None:
        online = [p for p in procedures if p.accepts_online]
        if stage == "accepted_online":
            online = [p for p in online if p.fees.all()] or online
        procedure = rng.choice(online)
        intake = _intake(procedure, rng)
        intake.applicant.phone = citizen.phone
        intake.files = [
            FileUpload(name=f"{d.name[:40]}.pdf", content=DEMO_PDF, document_id=d.id)
            for d in procedure.documents.all()
            if d.mandatory
        ]
        dossier = services.dossier_submit(
            actor=citizen, procedure=procedure, office=clerk.agency, intake=intake
        )
        if stage == "intake_supplement":
            services.dossier_request_intake_supplement(
                actor=clerk,
                dossier=dossier,
                items=[
                    _("Bản sao giấy tờ chứng minh quyền sử dụng đất"),
                    _("Đơn đề nghị có chữ ký của người nộp"),
                ],
            )
        if stage == "refused":
            services.dossier_refuse_intake(
                actor=clerk, dossier=dossier, reason=_("Hồ sơ không đúng thủ tục, đề nghị nộp thủ tục khác.")
            )
        elif stage == "accepted_online":
            services.dossier_accept(actor=clerk, dossier=dossier)
        return
    if stage in RULE_STAGES:
        _rule_stage(stage, procedures, clerk, citizen, rng)
        return
    if stage == "former_district":
        _former_district_dossier(procedures, rng)
        return
    counter = [p for p in procedures if p.accepts_counter]
    if stage == "awaiting_payment":
        counter = [p for p in counter if not p.on_the_spot and p.process_steps.all()] or counter
    procedure = rng.choice(counter)
    dossier = services.dossier_receive(actor=clerk, procedure=procedure, intake=_intake(procedure, rng))
    if stage == "received":
        return
    if procedure.on_the_spot:
        services.dossier_resolve_on_the_spot(
            actor=clerk, dossier=dossier, result_note=_("Đã giải quyết tại chỗ.")
        )
    elif stage == "withdrawn":
        services.dossier_withdraw(
            actor=clerk,
            dossier=dossier,
            reason=_("Người nộp đề nghị rút hồ sơ để bổ sung giấy tờ, nộp lại sau."),
        )
        return
    elif stage == "apologized":
        _claim_first(dossier)
        dossier.refresh_from_db()
        calendar = workdays.WorkCalendar()
        new_day = calendar.add_working_days(timezone.localdate(dossier.due_at), 3)
        services.dossier_apologize(
            actor=_reviewer_for(_open_steps(dossier)[0].agency),
            dossier=dossier,
            reason=_("Cần lấy ý kiến của cơ quan phối hợp, chưa có văn bản trả lời."),
            new_date=calendar.close_of(new_day),
        )
        return
    elif stage == "refused_after_review":
        step, reviewer = _claim_first(dossier)
        services.step_refuse(
            actor=reviewer, step=step, reason=_("Không đủ điều kiện theo quy định của thủ tục.")
        )
        return
    elif stage == "stopped":
        step, reviewer = _claim_first(dossier)
        services.dossier_request_supplement(
            actor=reviewer, step=step, items=[_("Văn bản ý kiến của cơ quan quản lý chuyên ngành")]
        )
        dossier.refresh_from_db()
        services.dossier_stop(
            actor=reviewer, dossier=dossier, reason=_("Người nộp không bổ sung hồ sơ theo yêu cầu.")
        )
        return
    elif stage == "processing":
        _claim_first(dossier)
        return
    elif stage == "awaiting_payment":
        step, reviewer = _claim_first(dossier)
        land = "đất" in procedure.name.lower()
        services.dossier_request_payment(
            actor=reviewer,
            step=step,
            kind=ObligationKind.LAND_USE_LEVY if land else ObligationKind.REGISTRATION_FEE,
            amount=rng.choice([1_850_000, 12_400_000, 36_750_000]),
            notice_number=f"{rng.randint(100, 999)}/TB-TCS1",
            issuing_authority=_("Thuế cơ sở 1 tỉnh Sơn Hà"),
            note=_("Nộp vào Kho bạc Nhà nước hoặc ngân hàng ủy nhiệm thu theo thông báo."),
        )
        return
    elif stage == "supplement_requested":
        step, reviewer = _claim_first(dossier)
        services.dossier_request_supplement(
            actor=reviewer, step=step, items=[_("Bản sao giấy tờ chứng minh quyền sử dụng đất")]
        )
        return
    else:
        _walk_to_result(dossier)
    if stage == "returned":
        dossier.refresh_from_db()
        services.dossier_return(
            actor=clerk, dossier=dossier, collected_by=dossier.applicant_name, id_checked=True
        )


RULE_STAGES = ("intake_supplement", "foreigner", "organisation", "commune_elsewhere")


def _rule_stage(stage: str, procedures: list[Procedure], clerk: User, citizen: User | None, rng) -> None:
    """A dossier received at the centre's desk that shows one intake rule (issue 17)."""
    today = timezone.localdate()
    at_desk = [p for p in procedures if p.accepts_counter]
    if stage == "commune_elsewhere":
        communes = [p for p in at_desk if len(competent_agencies(p, today)) > 1]
        procedure = rng.choice(communes or at_desk)
        intake = _intake(procedure, rng)
        competent = competent_agencies(procedure, today)
        intake.resolving_agency = competent[-1] if len(competent) > 1 else None
    else:
        procedure = rng.choice([p for p in at_desk if p.level != "commune"] or at_desk)
        intake = _intake(procedure, rng)
        if stage == "foreigner":
            intake.applicant.name = "Kim Min-jun"
            intake.applicant.id_kind = IdKind.PASSPORT
            intake.applicant.id_number = f"M{rng.randint(10_000_000, 99_999_999)}"
            intake.applicant.nationality = "KR"
        elif stage == "organisation":
            intake.applicant.kind = ApplicantKind.ORGANISATION
            intake.applicant.organisation_name = "Công ty TNHH Sơn Hà Xanh"
            intake.applicant.tax_code = "0100109106"
            intake.applicant.id_number = ""
        else:  # intake_supplement without a citizen account: a plain receipt
            pass
    services.dossier_receive(actor=clerk, procedure=procedure, intake=intake)


# A district-level People's Committee of the demo province before the two-tier reform.
FORMER_DISTRICT = "H-SONTHUY"
# Registration of a household business was a district procedure before 1 July 2025.
FORMER_DISTRICT_PROCEDURE = "1.001612"


def former_district() -> Agency:
    """The demo province's former district (made once): it had a one-stop desk and resolved
    dossiers until 30 June 2025; from 1 July 2025 (two-tier local government) it receives nothing
    and is offered nowhere (``Agency.receives_on``; docs/rules.md, "Intake")."""
    agency, _created = agency_upsert(
        code=FORMER_DISTRICT,
        name=_("Ủy ban nhân dân huyện Sơn Thủy (đến 30/6/2025)"),
        short_name=_("UBND huyện Sơn Thủy (cũ)"),
        level=Level.DISTRICT,
        kind=AgencyKind.PEOPLES_COMMITTEE,
        parent_code="UBNDT",
        has_one_stop_desk=True,
        address=_("Thị trấn Sơn Thủy cũ, nay là xã Sơn Thủy, tỉnh Sơn Hà"),
    )
    return agency


def _former_district_dossier(procedures: list[Procedure], rng: random.Random) -> None:
    """One dossier the former district received and returned in the first half of 2025, written
    as the history import writes a past dossier (no steps, no events): it stays readable on the
    staff pages and counted in the figures of its months."""
    district = former_district()
    procedure = next((p for p in procedures if p.code == FORMER_DISTRICT_PROCEDURE), None)
    procedure = procedure or next((p for p in procedures if p.level == Level.COMMUNE), procedures[0])
    calendar = workdays.WorkCalendar()
    day = calendar.add_working_days(date(2025, 3, 3), rng.randint(0, 60))
    tz = timezone.get_default_timezone()
    received_at = datetime.combine(day, time(rng.randint(8, 10), rng.randint(0, 59)), tz)
    due_at = calendar.due_at(received_at, procedure.processing_days, procedure.time_unit)
    result_ready_at = max(received_at + timedelta(hours=1), due_at - timedelta(days=1))
    number = Dossier.objects.filter(intake_office=district).count() + 1
    applicant = _applicant(rng)
    write_rows(
        [
            HistoryRow(
                code=f"{district.code}-{day:%y%m%d}-{number:04d}",
                procedure_id=procedure.id,
                resolving_agency_id=district.id,
                intake_office_id=district.id,
                channel="counter",
                applicant_name=applicant.name,
                received_at=received_at,
                due_at=due_at,
                status=Status.RETURNED,
                result_ready_at=result_ready_at,
                returned_at=result_ready_at + timedelta(days=1),
            )
        ]
    )


def seed_demo_guidance(clerk: User) -> int:
    """Two walk-ins the centre's desk did not receive: form 02 (incomplete) and form 03 (refused).
    Made once."""
    if IntakeGuidance.objects.filter(office=clerk.agency).exists():
        return 0
    procedure = Procedure.objects.filter(is_active=True, accepts_counter=True).order_by("code").first()
    if procedure is None:
        return 0
    rng = random.Random(17)
    services.intake_guidance_record(
        actor=clerk,
        procedure=procedure,
        kind=GuidanceKind.SUPPLEMENT,
        applicant=_applicant(rng),
        items=[d.name for d in procedure.documents.filter(mandatory=True)][:2]
        or [_("Đơn đề nghị có chữ ký của người nộp")],
    )
    services.intake_guidance_record(
        actor=clerk,
        procedure=procedure,
        kind=GuidanceKind.REFUSAL,
        applicant=_applicant(rng),
        reason=_("Yêu cầu không thuộc phạm vi giải quyết của thủ tục hành chính này."),
    )
    return 2


# Up to this many demo dossiers are made through the services (every stage, with files, steps and
# events, received today); beyond it, past years are written in bulk (``dossiers.history.demo``).
MADE_BY_SERVICES = 200


# From this many demo dossiers (``make run`` asks for 40), the last ones are the demo citizen's own.
CITIZEN_STORY_FROM = 40


def seed_demo_dossiers(count: int, *, seed: int = 2026, progress=None) -> int:
    """Make demo dossiers until there are ``count`` (running again adds none): every stage in
    turn, and from ``CITIZEN_STORY_FROM`` on, the demo citizen's own (``seed_demo_citizen_story``)
    among them. Returns how many were made."""
    existing = Dossier.objects.count()
    if existing >= count:
        return 0
    story = citizen_story_plan() if count >= CITIZEN_STORY_FROM else []
    story = story[: count - existing]
    made = _seed_demo_dossiers(count - len(story), seed=seed, progress=progress)
    return made + seed_demo_citizen_story(story)


def _seed_demo_dossiers(count: int, *, seed: int, progress) -> int:
    existing = Dossier.objects.count()
    if existing >= count:
        return 0
    by_services = max(0, min(count, MADE_BY_SERVICES) - existing)
    if by_services:
        clerk = User.objects.get(username="motcua")
        citizen = User.objects.filter(phone=normalize_phone(CITIZEN_PHONE)).first()
        procedures = list(
            Procedure.objects.filter(is_active=True)
            .prefetch_related("documents", "fees", "process_steps")
            .order_by("code")
        )
        rng = random.Random(seed + existing)
        for index in range(existing, existing + by_services):
            _one(index, procedures, clerk, citizen, rng)
        seed_demo_guidance(clerk)
    rest = count - existing - by_services
    if rest > 0:
        seed_history(rest, progress=progress)
    return Dossier.objects.count() - existing


def load_demo(command, *, dossiers: int, verbosity: int) -> None:
    """``seed_demo``'s loader (settings.HCC_DEMO_LOADERS): with ``--dossiers N``, the dossiers."""
    if not dossiers:
        return
    try:
        bar = None
        if dossiers > MADE_BY_SERVICES and verbosity > 0:
            bar = tqdm(total=dossiers - MADE_BY_SERVICES, unit=_(" hồ sơ"), file=command.stderr._out)
        made = seed_demo_dossiers(dossiers, progress=bar.update if bar else None)
        if bar:
            bar.close()
    except ValidationError as exc:
        raise CommandError(
            _("Không tạo được hồ sơ mẫu: %(error)s") % {"error": " ".join(exc.messages)}
        ) from exc
    command.stdout.write(_("Hồ sơ mẫu: tạo mới %(count)s.") % {"count": made})


# The demo citizen's own dossiers, one in each state of ``dossiers.workflow.Status`` (two returned,
# left unrated for them to rate), so that the citizen's story can be seen to its end.
CITIZEN_RETURNED_UNRATED = 2


def _citizen_submit(citizen: User, clerk: User, procedure: Procedure, rng: random.Random) -> Dossier:
    intake = _intake(procedure, rng)
    intake.applicant.name = citizen.full_name or intake.applicant.name
    intake.applicant.phone = citizen.phone
    intake.files = [
        FileUpload(name=f"{d.name[:40]}.pdf", content=DEMO_PDF, document_id=d.id)
        for d in procedure.documents.all()
        if d.mandatory
    ]
    return services.dossier_submit(actor=citizen, procedure=procedure, office=clerk.agency, intake=intake)


@transaction.atomic
def _citizen_dossier(status: str, citizen: User, clerk: User, procedure: Procedure, rng) -> None:
    """One dossier of the citizen, submitted online and taken to ``status`` by the desk and the
    reviewers of its route, through the services."""
    dossier = _citizen_submit(citizen, clerk, procedure, rng)
    if status == Status.SUBMITTED:
        return
    if status == Status.INTAKE_SUPPLEMENT:
        services.dossier_request_intake_supplement(
            actor=clerk, dossier=dossier, items=[_("Đơn đề nghị có chữ ký của người nộp")]
        )
        return
    if status == Status.REFUSED:
        services.dossier_refuse_intake(
            actor=clerk, dossier=dossier, reason=_("Hồ sơ không đúng thủ tục, đề nghị nộp thủ tục khác.")
        )
        return
    services.dossier_accept(actor=clerk, dossier=dossier)
    if status == Status.RECEIVED:
        return
    if status == Status.WITHDRAWN:
        services.dossier_withdraw(
            actor=citizen, dossier=dossier, reason=_("Tôi đã nộp nhầm thủ tục, xin rút để nộp lại.")
        )
        return
    if status in (Status.RESULT_READY, Status.RETURNED):
        _walk_to_result(dossier)
        if status == Status.RETURNED:
            dossier.refresh_from_db()
            services.dossier_return(
                actor=clerk, dossier=dossier, collected_by=citizen.full_name, id_checked=True
            )
        return
    step, reviewer = _claim_first(dossier)
    if status == Status.SUPPLEMENT_REQUESTED or status == Status.STOPPED:
        services.dossier_request_supplement(
            actor=reviewer, step=step, items=[_("Bản sao giấy tờ chứng minh quyền sử dụng đất")]
        )
        if status == Status.STOPPED:
            dossier.refresh_from_db()
            services.dossier_stop(
                actor=reviewer, dossier=dossier, reason=_("Người nộp không bổ sung hồ sơ theo yêu cầu.")
            )
    elif status == Status.AWAITING_PAYMENT:
        services.dossier_request_payment(
            actor=reviewer,
            step=step,
            kind=ObligationKind.REGISTRATION_FEE,
            amount=1_850_000,
            notice_number=f"{rng.randint(100, 999)}/TB-TCS1",
            issuing_authority=_("Thuế cơ sở 1 tỉnh Sơn Hà"),
            note=_("Nộp vào Kho bạc Nhà nước hoặc ngân hàng ủy nhiệm thu theo thông báo."),
        )


def _citizen() -> User | None:
    return User.objects.filter(phone=normalize_phone(CITIZEN_PHONE), role=Role.CITIZEN).first()


def citizen_story_plan() -> list[str]:
    """The states the demo citizen has no dossier in yet, and ``RETURNED`` again until they have
    ``CITIZEN_RETURNED_UNRATED`` returned dossiers not rated."""
    citizen = _citizen()
    if citizen is None:
        return []
    mine = Dossier.objects.filter(applicant_user=citizen)
    held = set(mine.values_list("status", flat=True))
    wanted = [status for status in Status.values if status not in held]
    unrated = mine.filter(status=Status.RETURNED, rating__isnull=True).count()
    wanted += [Status.RETURNED] * max(0, CITIZEN_RETURNED_UNRATED - unrated - (Status.RETURNED in wanted))
    return wanted


def seed_demo_citizen_story(statuses: list[str], *, seed: int = 21) -> int:
    """One dossier of the demo citizen in each of ``statuses``, submitted online and taken there
    by the demo desk and the reviewers of its route. Returns how many were made."""
    citizen = _citizen()
    clerk = User.objects.filter(username="motcua").select_related("agency").first()
    if not statuses or citizen is None or clerk is None:
        return 0
    online = [
        p
        for p in Procedure.objects.filter(is_active=True, accepts_online=True, on_the_spot=False)
        .prefetch_related("documents", "process_steps")
        .order_by("code")
        if p.process_steps.all()
    ]
    rng = random.Random(seed + Dossier.objects.filter(applicant_user=citizen).count())
    for n, status in enumerate(statuses):
        _citizen_dossier(status, citizen, clerk, online[n % len(online)], rng)
    return len(statuses)

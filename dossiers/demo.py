"""Demo dossiers for ``manage.py seed_demo --dossiers N``: dossiers in every stage of their life,
made through the same services the desks and reviewers use. Never run on a production database."""

import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demo import CITIZEN_PHONE, DEMO_PASSWORD
from accounts.models import Role, User
from accounts.phones import normalize_phone
from accounts.services import staff_create
from dossiers import services
from dossiers.demo_history import seed_history
from dossiers.demo_names import GIVEN, MIDDLE, STREETS, SURNAMES
from dossiers.files import FileUpload
from dossiers.models import Dossier, Step, StepStatus
from dossiers.services import Applicant, Intake
from dossiers.validators import CCCD_PROVINCES
from procedures import workdays
from procedures.models import Agency, Procedure

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
    return Intake(
        applicant=_applicant(rng),
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
    if stage in ("submitted", "refused") and citizen is not None:
        online = [p for p in procedures if p.accepts_online]
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
        if stage == "refused":
            services.dossier_refuse_intake(
                actor=clerk, dossier=dossier, reason=_("Hồ sơ không đúng thủ tục, đề nghị nộp thủ tục khác.")
            )
        return
    procedure = rng.choice([p for p in procedures if p.accepts_counter])
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


# Up to this many demo dossiers are made through the services (every stage, with files, steps and
# events, received today); beyond it, past years are written in bulk (``dossiers.demo_history``).
MADE_BY_SERVICES = 200


def seed_demo_dossiers(count: int, *, seed: int = 2026, progress=None) -> int:
    """Make demo dossiers until there are ``count`` (running again adds none). Returns how many
    were made."""
    existing = Dossier.objects.count()
    if existing >= count:
        return 0
    by_services = max(0, min(count, MADE_BY_SERVICES) - existing)
    if by_services:
        clerk = User.objects.get(username="motcua")
        citizen = User.objects.filter(phone=normalize_phone(CITIZEN_PHONE)).first()
        procedures = list(
            Procedure.objects.filter(is_active=True).prefetch_related("documents").order_by("code")
        )
        rng = random.Random(seed + existing)
        for index in range(existing, existing + by_services):
            _one(index, procedures, clerk, citizen, rng)
    rest = count - existing - by_services
    if rest > 0:
        seed_history(rest, progress=progress)
    return Dossier.objects.count() - existing

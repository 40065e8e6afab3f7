"""One answer to "what may this user do now": ``dossier_actions_for`` offers an action (on a step)
exactly when the service that does it accepts it, for every user of the small province, on
dossiers in every stage (parallel steps included)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from freezegun import freeze_time

from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import StepStatus
from dossiers.permissions import STEP_ACTIONS, dossier_actions_for
from dossiers.services import Intake
from dossiers.workflow import TRANSITIONS, TransitionRefused
from procedures.services import DocumentData, ProcedureData, StepData, procedure_upsert
from tests.dossiers.test_workflow import _call
from tests.factories import PDF_BYTES, applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class _Rollback(Exception):
    pass


def _accepted(action, actor, dossier, step) -> bool:
    """Whether the service takes the move (then undone); a refusal changes nothing."""
    try:
        with transaction.atomic():
            _call(action, actor, dossier, step)
            raise _Rollback
    except _Rollback:
        return True
    except TransitionRefused:
        return False


def _received(world, procedure, **kwargs):
    intake = Intake(applicant=applicant(), documents={d.id: (1, 1) for d in procedure.documents.all()})
    return services.dossier_receive(
        actor=kwargs.get("clerk", world.clerk), procedure=procedure, intake=intake
    )


def _stages(world):
    """(name, dossier) in every stage a user can act in."""
    parallel, _ = procedure_upsert(
        data=ProcedureData(
            code="9.000001",
            name="Thủ tục liên thông song song",
            field_code="XD",
            field_name="Xây dựng",
            agency_code="SXD",
            level="province",
            processing_days=Decimal(5),
            documents=[DocumentData(name="Đơn")],
            steps=[
                StepData(order=1, agency_code="STP", name="Tư pháp", working_days=Decimal(2)),
                StepData(order=1, agency_code="SXD", name="Xây dựng", working_days=Decimal(2)),
            ],
        )
    )
    stages = []
    files = [
        FileUpload(name=f"{d.id}.pdf", content=PDF_BYTES, document_id=d.id)
        for d in world.procedure.documents.filter(mandatory=True)
    ]
    submitted = services.dossier_submit(
        actor=world.citizen,
        procedure=world.procedure,
        office=world.center,
        intake=Intake(applicant=applicant(), files=files),
    )
    stages.append(("submitted", submitted))
    for name in ("sent back for supplement at intake", "supplied at intake"):
        back = services.dossier_submit(
            actor=world.citizen,
            procedure=world.procedure,
            office=world.center,
            intake=Intake(applicant=applicant(), files=files),
        )
        services.dossier_request_intake_supplement(actor=world.clerk, dossier=back, items=["Bản vẽ"])
        if name == "supplied at intake":
            services.dossier_supply_intake(actor=world.citizen, dossier=back, note="Đã bổ sung")
        stages.append((name, back))
    received = _received(world, world.procedure)
    stages.append(("received", received))
    claimed = _received(world, world.procedure)
    services.step_claim(actor=world.reviewer_a, step=claimed.steps.get(order=1))
    stages.append(("first step claimed", claimed))
    second = _received(world, world.procedure)
    services.step_claim(actor=world.reviewer_a, step=second.steps.get(order=1))
    services.step_forward(actor=world.reviewer_a, step=second.steps.get(order=1))
    services.step_claim(actor=world.reviewer_b, step=second.steps.get(order=2))
    stages.append(("last step claimed", second))
    supplement = _received(world, world.procedure)
    step = supplement.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=step)
    services.dossier_request_supplement(actor=world.reviewer_a, step=step, items=["Bản vẽ"])
    stages.append(("supplement requested", supplement))
    payment = _received(world, world.procedure)
    step = payment.steps.get(order=1)
    services.step_claim(actor=world.reviewer_a, step=step)
    services.dossier_request_payment(
        actor=world.reviewer_a,
        step=step,
        amount=100_000,
        kind="land_use_levy",
        notice_number="TB-1",
        issuing_authority="Thuế cơ sở 1",
    )
    stages.append(("awaiting payment", payment))
    ready = _received(world, world.single)
    step = ready.steps.get()
    services.step_claim(actor=world.reviewer_a, step=step)
    services.step_approve(actor=world.reviewer_a, step=step, result_note="Đã cấp")
    stages.append(("result ready", ready))
    spot = _received(world, world.on_the_spot, clerk=world.commune_clerk)
    stages.append(("on the spot", spot))
    both = _received(world, parallel)
    services.step_claim(actor=world.reviewer_a, step=both.steps.get(agency=world.justice))
    services.step_claim(actor=world.reviewer_b, step=both.steps.get(agency=world.construction))
    stages.append(("parallel, both claimed", both))
    one_left = _received(world, parallel)
    services.step_claim(actor=world.reviewer_a, step=one_left.steps.get(agency=world.justice))
    services.step_forward(actor=world.reviewer_a, step=one_left.steps.get(agency=world.justice))
    services.step_claim(actor=world.reviewer_b, step=one_left.steps.get(agency=world.construction))
    stages.append(("parallel, one left", one_left))
    return stages


@freeze_time(datetime(2026, 12, 7, 8, tzinfo=VN))
def test_offered_exactly_when_the_service_accepts(world):
    users = [
        world.citizen,
        world.other_citizen,
        world.clerk,
        world.commune_clerk,
        world.postal,
        world.reviewer_a,
        world.reviewer_b,
        world.reviewer_other,
        world.manager,
        world.admin,
    ]
    for name, dossier in _stages(world):
        if name == "received":
            dossier.applicant_user = world.citizen
            dossier.save(update_fields=["applicant_user"])
        actions = {a for (state, a) in TRANSITIONS if state == dossier.status}
        offered_somewhere = False
        for user in users:
            dossier.refresh_from_db()
            offered = {
                (a.action, a.step.pk if a.step else None)
                for a in dossier_actions_for(actor=user, dossier=dossier)
            }
            offered_somewhere |= bool(offered)
            for action in actions:
                targets = (
                    [s for s in dossier.steps.all() if s.status in (StepStatus.ACTIVE, StepStatus.CLAIMED)]
                    if action in STEP_ACTIONS
                    else [None]
                )
                for step in targets:
                    dossier.refresh_from_db()
                    accepted = _accepted(action, user, dossier, step)
                    key = (action, step.pk if step else None)
                    assert (key in offered) == accepted, (name, user.username, action, step)
        assert offered_somewhere, name


@freeze_time(datetime(2026, 12, 7, 8, tzinfo=VN))
def test_last_of_parallel_steps_may_approve_not_forward(world):
    stages = dict(_stages(world))
    one_left = stages["parallel, one left"]
    one_left.refresh_from_db()
    offered = {a.action for a in dossier_actions_for(actor=world.reviewer_b, dossier=one_left)}
    assert "approve" in offered and "forward" not in offered
    both = stages["parallel, both claimed"]
    both.refresh_from_db()
    offered = {a.action for a in dossier_actions_for(actor=world.reviewer_b, dossier=both)}
    assert "forward" in offered and "approve" not in offered


@pytest.mark.django_db
def test_every_action_of_the_table_has_its_checks():
    from dossiers.permissions import CHECKS

    assert set(CHECKS) == {a for (state, a) in TRANSITIONS if state is not None}


def test_pages_and_api_ask_the_one_answer():
    """No page, serializer or API view recomputes the state table or the acting role itself."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "dossiers"
    offenders = []
    for path in [*root.glob("views/**/*.py"), *root.glob("serializers/*.py"), *root.glob("api/*.py")]:
        text = path.read_text(encoding="utf-8")
        for needle in ("actions_from(", "move_for(", "is_superuser and user.role"):
            if needle in text:
                offenders.append(f"{path.relative_to(root)}: {needle}")
    assert offenders == []

"""Every (state, action, role): the table allows exactly its moves, and the services refuse every
other one without changing anything."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from accounts.models import Role
from dossiers import services
from dossiers.models import Dossier, StepStatus
from dossiers.services import Intake
from dossiers.workflow import (
    NATIONAL_CODES,
    TRANSITIONS,
    Action,
    Status,
    TransitionRefused,
    actions_from,
    move_for,
)
from tests.factories import applicant

STATES = [None, *Status.values]
ROLES = Role.values
CASES = [(state, action, role) for state in STATES for action in Action.values for role in ROLES]


def test_every_status_has_its_national_code():
    assert sorted(set(NATIONAL_CODES.values())) == list(range(1, 11))
    assert {status for status, _received in NATIONAL_CODES} == set(Status.values)


@pytest.mark.parametrize(("state", "action", "role"), CASES)
def test_table(state, action, role):
    move = TRANSITIONS.get((state, action))
    if move is not None and role in move.roles:
        assert move_for(state, action, role).to == move.to
        if state:
            assert action in actions_from(state, role)
    else:
        with pytest.raises(TransitionRefused):
            move_for(state, action, role)
        if state:
            assert action not in actions_from(state, role)


def test_final_states_have_no_way_out():
    for state in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED):
        assert not [key for key in TRANSITIONS if key[0] == state]


# --- the same walk through the services --------------------------------------------------------

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _call(action, actor, dossier, step):
    match action:
        case Action.ACCEPT:
            services.dossier_accept(actor=actor, dossier=dossier)
        case Action.REFUSE_INTAKE:
            services.dossier_refuse_intake(actor=actor, dossier=dossier, reason="r")
        case Action.REQUEST_INTAKE_SUPPLEMENT:
            services.dossier_request_intake_supplement(actor=actor, dossier=dossier, items=["x"])
        case Action.SUPPLY_INTAKE:
            services.dossier_supply_intake(actor=actor, dossier=dossier, note="n")
        case Action.CLAIM:
            services.step_claim(actor=actor, step=step)
        case Action.FORWARD:
            services.step_forward(actor=actor, step=step)
        case Action.SEND_BACK:
            services.step_send_back(actor=actor, step=step, reason="r")
        case Action.REQUEST_SUPPLEMENT:
            services.dossier_request_supplement(actor=actor, step=step, items=["x"])
        case Action.SUPPLY:
            services.dossier_supply(actor=actor, dossier=dossier, note="n")
        case Action.REQUEST_PAYMENT:
            services.dossier_request_payment(
                actor=actor,
                step=step,
                amount=1000,
                kind="land_use_levy",
                notice_number="TB-1",
                issuing_authority="Thuế cơ sở 1",
            )
        case Action.CONFIRM_PAYMENT:
            services.dossier_confirm_payment(actor=actor, dossier=dossier, proof="GNT-1")
        case Action.APPROVE:
            services.step_approve(actor=actor, step=step, result_note="ok")
        case Action.APPROVE_ON_THE_SPOT:
            services.dossier_resolve_on_the_spot(actor=actor, dossier=dossier, result_note="ok")
        case Action.REFUSE:
            services.step_refuse(actor=actor, step=step, reason="r")
        case Action.STOP:
            services.dossier_stop(actor=actor, dossier=dossier, reason="r")
        case Action.WITHDRAW:
            services.dossier_withdraw(actor=actor, dossier=dossier, reason="r")
        case Action.APOLOGIZE:
            services.dossier_apologize(
                actor=actor, dossier=dossier, reason="r", new_date=datetime(2027, 1, 29, 8, tzinfo=VN)
            )
        case Action.RETURN_RESULT:
            services.dossier_return(actor=actor, dossier=dossier, collected_by="A", id_checked=True)
        case _:
            raise AssertionError(action)


SERVICE_ACTIONS = [a for a in Action.values if a not in (Action.SUBMIT, Action.RECEIVE)]


def _forbidden_from(state):
    return [
        (action, role)
        for action in SERVICE_ACTIONS
        for role in ROLES
        if not (TRANSITIONS.get((state, action)) and role in TRANSITIONS[(state, action)].roles)
    ]


@freeze_time(datetime(2026, 12, 7, 8, tzinfo=VN))
@pytest.mark.parametrize("state", Status.values)
def test_services_refuse_every_forbidden_move(world, state):
    """One dossier per state; every forbidden (action, role) from it is refused by the service and
    leaves the dossier and its log as they were."""
    intake = Intake(applicant=applicant(), documents={d.id: (1, 0) for d in world.procedure.documents.all()})
    dossier = services.dossier_receive(actor=world.clerk, procedure=world.procedure, intake=intake)
    step = dossier.steps.get(order=1)
    # Put the dossier in ``state`` directly (test set-up only) with its first step claimed.
    Dossier.objects.filter(pk=dossier.pk).update(status=state, applicant_user=world.citizen)
    step.status = StepStatus.CLAIMED
    step.claimed_by = world.reviewer_a
    step.save()
    actors = {
        Role.CITIZEN: world.citizen,
        Role.CLERK: world.clerk,
        Role.POSTAL: world.postal,
        Role.REVIEWER: world.reviewer_a,
        Role.MANAGER: world.manager,
        Role.ADMIN: world.admin,
    }
    events = dossier.events.count()
    forbidden = _forbidden_from(state)
    assert forbidden
    for action, role in forbidden:
        dossier.refresh_from_db()
        with pytest.raises(TransitionRefused):
            _call(action, actors[role], dossier, step)
        dossier.refresh_from_db()
        assert dossier.status == state, (action, role)
        assert dossier.events.count() == events, (action, role)

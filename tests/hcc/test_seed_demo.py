from datetime import date
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from procedures.models import (
    Agency,
    AgencyKind,
    Fee,
    Field,
    Level,
    Procedure,
    ProcessStep,
    RequiredDocument,
)
from procedures.services import routing_days

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Procedures whose dossiers travel between agencies (một cửa liên thông).
INTER_AGENCY = {
    "2.000986": {"X-TRUNGSON", "CAT", "BHXH"},  # khai sinh → thường trú → thẻ BHYT
    "1.001612": {"X-TRUNGSON", "THUE"},  # hộ kinh doanh → mã số thuế
    "1.013831": {"VPDKDD", "THUE"},  # chuyển nhượng đất → nghĩa vụ tài chính
    "1.013978": {"X-TRUNGSON", "VPDKDD", "THUE"},  # đăng ký đất đai lần đầu
    "1.013236": {"SXD", "SNNMT"},  # giấy phép xây dựng, lấy ý kiến song song
}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Agency, Field, Procedure, RequiredDocument, Fee, ProcessStep, User)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def output(settings):
    settings.HCC_SITE_URL = "https://hcc.example.vn"
    return seed()


def test_province_has_departments_verticals_and_communes_with_desks(output):
    departments = Agency.objects.filter(kind=AgencyKind.DEPARTMENT, level=Level.PROVINCE)
    assert departments.count() >= 8
    assert all(a.parent.code == "UBNDT" for a in departments)
    assert Agency.objects.filter(kind__in=[AgencyKind.VERTICAL, AgencyKind.ENTERPRISE]).count() >= 4
    assert Agency.objects.filter(level=Level.COMMUNE, has_one_stop_desk=True).count() >= 3
    center = Agency.objects.get(code="TTPVHCC")
    assert center.kind == AgencyKind.CENTER and center.has_one_stop_desk and center.parent.code == "UBNDT"
    assert Agency.objects.get(code="VPDKDD").parent.code == "SNNMT"
    assert not Agency.objects.filter(level=Level.DISTRICT).exists()  # two-tier government


def test_catalog_is_imported_with_documents_fees_and_legal_basis(output):
    assert Procedure.objects.count() >= 40
    assert not Procedure.objects.filter(documents__isnull=True).exists()
    assert not Procedure.objects.filter(legal_basis="").exists()
    birth = Procedure.objects.get(code="1.001193")
    assert birth.level == Level.COMMUNE and birth.agency.code == "X-TRUNGSON"
    copy = Procedure.objects.get(code="2.000815")
    assert copy.on_the_spot and copy.is_same_day
    assert copy.fees.get().amount == 2000
    assert Procedure.objects.get(code="3.000333").fees.get().amount == 200000
    assert {f.amount for f in Procedure.objects.get(code="2.001583").fees.all()} == {50000, 100000}


def test_inter_agency_routing_fits_the_processing_time(output):
    for code, agencies in INTER_AGENCY.items():
        procedure = Procedure.objects.get(code=code)
        steps = list(procedure.process_steps.values_list("order", "working_days", "agency__code"))
        assert {agency for _order, _days, agency in steps} == agencies, code
        assert (
            0 < routing_days([(order, days) for order, days, _agency in steps]) <= procedure.processing_days
        )
    land = Procedure.objects.get(code="1.013831").process_steps.filter(order=2)
    assert land.count() == 2  # the tax step runs in parallel with the land registry's


def test_one_account_per_role_logs_in_with_the_printed_password(output):
    request = RequestFactory().post("/")
    for role in Role:
        users = User.objects.filter(role=role)
        assert users.exists(), role
        for user in users:
            login = user.username if role != Role.CITIZEN else "0912 345 678"
            assert login in output
            assert authenticate(request, username=login, password=DEMO_PASSWORD) == user
    assert User.objects.filter(role=Role.REVIEWER).values("agency").distinct().count() >= 2
    assert User.objects.get(role=Role.ADMIN).is_superuser
    citizen = User.objects.get(role=Role.CITIZEN)
    assert citizen.email == "congdan@example.vn"
    assert authenticate(request, username="congdan@example.vn", password=DEMO_PASSWORD) == citizen


def test_output_shows_the_site_url_and_the_password(output):
    assert "https://hcc.example.vn" in output
    assert DEMO_PASSWORD in output


def test_running_twice_changes_nothing(output):
    before = counts()
    again = seed()
    assert counts() == before
    assert "https://hcc.example.vn" in again
    assert Procedure.objects.get(code="2.000815").on_the_spot


def test_demo_dossiers_in_every_stage_once(output):
    from dossiers.models import Dossier, Event
    from dossiers.workflow import Status

    text = seed("--dossiers", "22")
    assert "22" in text
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.PROCESSING,
        Status.SUPPLEMENT_REQUESTED,
        Status.RESULT_READY,
        Status.RETURNED,
        Status.REFUSED,
        Status.STOPPED,
        Status.WITHDRAWN,
        Status.AWAITING_PAYMENT,
    } <= statuses
    assert Dossier.objects.filter(promised_at__isnull=False).exists()  # an apology with its new date
    refused_after_review = Dossier.objects.filter(status=Status.REFUSED, received_at__isnull=False)
    assert refused_after_review.exists() and refused_after_review.first().status_code == 9
    from dossiers.models import FinancialObligation

    assert FinancialObligation.objects.filter(dossier__status=Status.AWAITING_PAYMENT).exists()
    # rule 7: the former district's dossier of before 1 July 2025 is kept; the district receives
    # nothing today and is offered as no one's desk
    from procedures.selectors import agencies_receiving

    district = Agency.objects.get(level=Level.DISTRICT)
    kept = Dossier.objects.get(intake_office=district)
    assert kept.status == Status.RETURNED
    assert not district.receives_on(date.today())
    assert district not in agencies_receiving(date.today())
    assert kept.received_at.astimezone(VN).date() < date(2025, 7, 1)
    from dashboards.models import DailyFigure

    counted = DailyFigure.objects.filter(agency=district, bucket="received").values_list("day", "n")
    assert list(counted) == [(kept.received_at.astimezone(VN).date(), 1)]
    online = Dossier.objects.get(status=Status.RECEIVED, applicant_user__isnull=False)
    assert not online.receipts.exists()  # left for the citizen to pay online
    events = Event.objects.count()
    from receipts.models import Receipt

    receipts = Receipt.objects.count()
    assert receipts > 0  # the demo desk collected the open dossiers' fees
    seed("--dossiers", "22")  # again: nothing new
    assert Dossier.objects.count() == 22
    assert Event.objects.count() == events
    assert Receipt.objects.count() == receipts
    with pytest.raises(CommandError):
        seed("--dossiers", "-1")


def test_the_demo_receipts_are_capped_and_go_on_when_seeded_again(output, monkeypatch):
    """A large seed issues at most ``DEMO_RECEIPTS_MAX`` receipts (each through the service, a few
    a second); seeding again goes on with the open dossiers left, oldest first."""
    from receipts import demo
    from receipts.models import Receipt

    monkeypatch.setattr(demo, "DEMO_RECEIPTS_MAX", 2)
    seed("--dossiers", "22")
    first = list(Receipt.objects.order_by("id").values_list("dossier_id", flat=True))
    assert len(first) == 2 and first == sorted(first)
    seed("--dossiers", "22")
    then = list(Receipt.objects.order_by("id").values_list("dossier_id", flat=True))
    assert then[:2] == first and len(then) == 4 and min(then[2:]) > max(first)


def test_beyond_the_service_made_ones_years_of_history_are_written_in_bulk(output, settings):
    from datetime import date

    from dossiers import demo
    from dossiers.models import Dossier, DossierCounter
    from dossiers.workflow import Status

    settings.LANGUAGE_CODE = "vi"
    demo.MADE_BY_SERVICES = 5
    try:
        seed("--dossiers", "1005")
    finally:
        demo.MADE_BY_SERVICES = 200
    assert Dossier.objects.count() == 1005
    history = Dossier.objects.exclude(received_at__date__gte=date.today())
    # 5 made through the services, the demo citizen's 12 (every state, two returned), the rest bulk
    assert history.count() >= 1005 - 5 - 12
    statuses = set(history.values_list("status", flat=True))
    assert {Status.RETURNED, Status.REFUSED, Status.RESULT_READY} <= statuses
    channels = set(history.values_list("channel", flat=True))
    assert {"counter", "online"} <= channels
    late = [
        d for d in history.filter(result_ready_at__isnull=False) if d.result_ready_at.date() > d.due_at.date()
    ]
    assert 0 < len(late) < history.count() * 0.2
    # no Saturday/Sunday receipts unless worked, and codes go on from the counters
    assert not history.filter(received_at__week_day=1).exists()  # Sunday
    assert DossierCounter.objects.exists()
    seed("--dossiers", "1010")
    assert Dossier.objects.count() == 1010


def test_the_history_in_progress_waits_in_the_reviewers_inboxes(output):
    from dossiers import demo, selectors
    from dossiers.models import Dossier, StepStatus
    from dossiers.workflow import Status

    demo.MADE_BY_SERVICES = 5
    try:
        seed("--dossiers", "600")
    finally:
        demo.MADE_BY_SERVICES = 200
    in_progress = Dossier.objects.filter(status__in=[Status.RECEIVED, Status.PROCESSING]).prefetch_related(
        "steps"
    )
    assert in_progress.count() > 20
    for dossier in in_progress:
        steps = list(dossier.steps.all())
        routing = list(dossier.procedure.process_steps.all())
        assert len(steps) == (len(routing) or 1)
        active = [step for step in steps if step.status in (StepStatus.ACTIVE, StepStatus.CLAIMED)]
        assert active and len({step.order for step in active}) == 1
        assert all(step.due_at and step.started_at for step in active)
        if dossier.status == Status.RECEIVED:
            assert active[0].order == min(step.order for step in steps)
        # Every earlier order is done, every later one waits.
        for step in steps:
            if step.order < active[0].order:
                assert step.status == StepStatus.DONE
            elif step.order > active[0].order:
                assert step.status == StepStatus.WAITING
    from dossiers.models import Step

    agency = Step.objects.filter(dossier__in=in_progress, status=StepStatus.ACTIVE).first().agency
    reviewer = User.objects.filter(role=Role.REVIEWER, agency=agency).first() or User(
        role=Role.REVIEWER, agency=agency
    )
    assert selectors.inbox(reviewer).filter(dossier__in=in_progress).exists()
    # Seeding again adds no second set of steps.
    steps = sum(len(d.steps.all()) for d in in_progress)
    seed("--dossiers", "600")
    assert sum(len(d.steps.all()) for d in in_progress.all()) == steps


def test_every_agency_on_a_demo_route_has_a_demo_reviewer(output):
    from accounts.demo import route_agencies
    from procedures.selectors import competent_agencies

    on_routes = route_agencies()
    assert {"SXD", "THUE", "VPDKDD", "CAT", "BHXH", "X-TRUNGSON"} <= {a.code for a in on_routes}
    # a commune procedure can go to any commune: each has its reviewer
    birth = Procedure.objects.get(code="1.001193")
    assert set(competent_agencies(birth, date.today())) <= set(on_routes)
    for agency in on_routes:
        reviewer = User.objects.filter(role=Role.REVIEWER, agency=agency, is_active=True).first()
        assert reviewer is not None, agency.code
    cv = User.objects.get(username="cv-vpdkdd")
    assert authenticate(RequestFactory().post("/"), username=cv.username, password=DEMO_PASSWORD) == cv
    assert "cv-vpdkdd" in output  # printed with the demo logins


def test_the_demo_citizen_has_a_dossier_in_every_state_and_returned_ones_to_rate():
    from accounts.demo import CITIZEN_PHONE
    from accounts.phones import normalize_phone
    from dossiers.models import Dossier
    from dossiers.workflow import Status

    seed("--dossiers", "40")  # as ``make run``
    assert Dossier.objects.count() == 40
    citizen = User.objects.get(phone=normalize_phone(CITIZEN_PHONE))
    mine = Dossier.objects.filter(applicant_user=citizen)
    assert set(mine.values_list("status", flat=True)) == set(Status.values)
    assert mine.filter(status=Status.RETURNED, rating__isnull=True).count() >= 2
    before = Dossier.objects.count()
    seed("--dossiers", "40")  # running again makes nothing
    assert Dossier.objects.count() == before

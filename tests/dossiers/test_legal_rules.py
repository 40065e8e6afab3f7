"""The one-stop rules an inspector checks (issue 17), each tried the allowed way and the forbidden
way: through the service (a clear refusal that changes nothing) and through the page (the action
is neither offered nor accepted). docs/rules.md lists each rule with its article and these tests."""

import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from dossiers import services
from dossiers.models import SupplementRequest
from dossiers.permissions import dossier_actions_for
from dossiers.services import DossierError, Intake
from dossiers.workflow import Action, Status, TransitionRefused
from tests.factories import applicant

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(month, day, hour, minute=0, year=2026):
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def receive(world, procedure=None):
    procedure = procedure or world.procedure
    intake = Intake(
        applicant=applicant(),
        documents={d.id: (d.originals, d.copies) for d in procedure.documents.all()},
    )
    return services.dossier_receive(actor=world.clerk, procedure=procedure, intake=intake)


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def offered(user, dossier) -> set[str]:
    dossier.refresh_from_db()
    return {a.action for a in dossier_actions_for(actor=user, dossier=dossier)}


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


# --- 1. One supplement request during processing ------------------------------------------------


def _supplied_once(world):
    with freeze_time(at(12, 7, 8)):
        dossier = receive(world, world.single)
        step = dossier.steps.get()
        services.step_claim(actor=world.reviewer_a, step=step)
        services.dossier_request_supplement(actor=world.reviewer_a, step=step, items=["Bản sao CCCD"])
    with freeze_time(at(12, 9, 8)):
        services.dossier_supply(actor=world.clerk, dossier=dossier, note="Đã nộp bản sao")
    dossier.refresh_from_db()
    return dossier, step


def test_the_first_supplement_request_pauses_the_clock(world):
    dossier, _step = _supplied_once(world)
    assert dossier.status == Status.PROCESSING
    # two working days paused (Monday 7 08:00 → Wednesday 9 08:00): due moves by 16 working hours
    assert dossier.due_at == at(12, 23, 8)


def test_a_second_supplement_request_is_refused_and_changes_nothing(world):
    dossier, step = _supplied_once(world)
    events = dossier.events.count()
    with freeze_time(at(12, 10, 8)), pytest.raises(TransitionRefused, match="một lần"):
        services.dossier_request_supplement(actor=world.reviewer_a, step=step, items=["Bản vẽ"])
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.events.count() == events
    assert SupplementRequest.objects.filter(dossier=dossier).count() == 1
    assert Action.REQUEST_SUPPLEMENT not in offered(world.reviewer_a, dossier)
    assert Action.REFUSE in offered(world.reviewer_a, dossier)


def test_the_page_neither_offers_nor_accepts_a_second_supplement_request(world, as_user):
    dossier, step = _supplied_once(world)
    client = as_user(world.reviewer_a)
    url = reverse("dossiers:step_action", args=[step.pk, Action.REQUEST_SUPPLEMENT])
    page = client.get(reverse("dossiers:detail", args=[dossier.code]))
    assert url not in page.content.decode()
    page = client.post(url, {"items": "Bản vẽ"}, follow=True)
    assert SupplementRequest.objects.filter(dossier=dossier).count() == 1
    assert "Bản vẽ" not in [i for r in SupplementRequest.objects.all() for i in r.items]
    assert page.status_code == 200
    assert "đã được yêu cầu bổ sung một lần" in text(page) and "Nghị định 61/2018/NĐ-CP" in text(page)


# --- 3. One new date, and it must be a working time -----------------------------------------------


def _late(world):
    with freeze_time(at(12, 7, 8)):
        return receive(world)  # 10 working days: due Monday 21 08:00


@pytest.mark.parametrize(
    ("new_date", "why"),
    [
        (at(12, 26, 9), "a Saturday"),
        (at(12, 28, 22), "after office hours"),
        (at(12, 28, 12), "the lunch break"),
        (at(1, 1, 9, year=2027), "New Year's Day"),
    ],
)
def test_a_new_date_outside_working_time_is_refused(world, new_date, why):
    dossier = _late(world)
    events = dossier.events.count()
    with freeze_time(at(12, 18, 15)), pytest.raises(DossierError, match="thời gian làm việc"):
        services.dossier_apologize(
            actor=world.reviewer_a, dossier=dossier, reason="Chờ ý kiến", new_date=new_date
        )
    dossier.refresh_from_db()
    assert dossier.promised_at is None, why
    assert dossier.events.count() == events


def test_a_new_date_in_tet_is_refused(world):
    with freeze_time(at(1, 26, 8)):
        dossier = receive(world)  # 10 working days: due Monday 9 February 2026, 08:00
    assert dossier.due_at == at(2, 9, 8)
    for new_date in (at(2, 17, 9), at(2, 17, 22)):  # in office hours, but Tết; and at night in Tết
        with freeze_time(at(2, 5, 15)), pytest.raises(DossierError, match="thời gian làm việc"):
            services.dossier_apologize(
                actor=world.reviewer_a, dossier=dossier, reason="Chờ ý kiến", new_date=new_date
            )
    dossier.refresh_from_db()
    assert dossier.promised_at is None


def test_one_apology_only(world):
    dossier = _late(world)
    with freeze_time(at(12, 18, 15)):
        services.dossier_apologize(
            actor=world.reviewer_a, dossier=dossier, reason="Chờ ý kiến", new_date=at(12, 28, 17)
        )
    assert Action.APOLOGIZE not in offered(world.reviewer_a, dossier)
    events = dossier.events.count()
    with freeze_time(at(12, 28, 15)), pytest.raises(TransitionRefused, match="một lần"):
        services.dossier_apologize(
            actor=world.reviewer_a, dossier=dossier, reason="Lần hai", new_date=at(12, 30, 10)
        )
    dossier.refresh_from_db()
    assert dossier.promised_at == at(12, 28, 17)
    assert dossier.events.count() == events


def test_the_page_neither_offers_nor_accepts_a_second_apology(world, as_user):
    dossier = _late(world)
    with freeze_time(at(12, 18, 15)):
        services.dossier_apologize(
            actor=world.reviewer_a, dossier=dossier, reason="Chờ ý kiến", new_date=at(12, 28, 17)
        )
        client = as_user(world.reviewer_a)
        url = reverse("dossiers:apologize", args=[dossier.code])
        assert url not in client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
        page = client.post(
            url, {"reason": "Lần hai", "new_date": "30/12/2026", "new_time": "10:00"}, follow=True
        )
    dossier.refresh_from_db()
    assert dossier.promised_at == at(12, 28, 17)
    assert "hẹn lại chỉ thực hiện một lần" in text(page) and "Nghị định" in text(page)


def test_the_page_explains_a_new_date_outside_working_time(world, as_user):
    dossier = _late(world)
    with freeze_time(at(12, 18, 15)):
        page = as_user(world.reviewer_a).post(
            reverse("dossiers:apologize", args=[dossier.code]),
            {"reason": "Chờ ý kiến", "new_date": "26/12/2026", "new_time": "09:00"},
        )
    assert page.status_code == 200
    assert "thời gian làm việc" in text(page)
    dossier.refresh_from_db()
    assert dossier.promised_at is None


# --- 11. National status codes ------------------------------------------------------------------


def test_a_refusal_after_processing_is_resolved_with_a_refusal_result(world):
    with freeze_time(at(12, 7, 8)):
        dossier = receive(world, world.single)
        step = dossier.steps.get()
        services.step_claim(actor=world.reviewer_a, step=step)
        services.step_refuse(actor=world.reviewer_a, step=step, reason="Không đủ điều kiện")
    dossier.refresh_from_db()
    assert dossier.status == Status.REFUSED
    assert dossier.status_code == 9


def test_a_refused_online_submission_was_never_received(world):
    from dossiers.files import FileUpload
    from tests.factories import PDF_BYTES

    with freeze_time(at(12, 7, 8)):
        files = [
            FileUpload(name="a.pdf", content=PDF_BYTES, document_id=d.id)
            for d in world.procedure.documents.filter(mandatory=True)
        ]
        dossier = services.dossier_submit(
            actor=world.citizen,
            procedure=world.procedure,
            office=world.center,
            intake=Intake(applicant=applicant(), files=files),
        )
        assert dossier.status_code == 1
        services.dossier_refuse_intake(actor=world.clerk, dossier=dossier, reason="Sai thủ tục")
    dossier.refresh_from_db()
    assert dossier.status_code == 3


def test_the_public_tracking_page_shows_the_national_code(world, client):
    with freeze_time(at(12, 7, 8)):
        dossier = receive(world, world.single)
        step = dossier.steps.get()
        services.step_claim(actor=world.reviewer_a, step=step)
        services.step_refuse(actor=world.reviewer_a, step=step, reason="Không đủ điều kiện")
    body = client.get("/api/v1/tracking/", {"code": dossier.code, "secret": dossier.secret}).json()
    assert body["status_code"] == 9


# --- 5. Calendar-day time limits ----------------------------------------------------------------


def _calendar_days_procedure(days=30, unit="calendar_day"):
    from procedures.services import DocumentData, ProcedureData, procedure_upsert

    procedure, _ = procedure_upsert(
        data=ProcedureData(
            code="1.012345",
            name="Đăng ký biến động đất đai",
            field_code="DD",
            field_name="Đất đai",
            agency_code="SXD",
            level="province",
            processing_days=Decimal(days),
            time_unit=unit,
            documents=[DocumentData(name="Đơn đăng ký")],
        )
    )
    return procedure


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        (at(12, 7, 9), at(1, 6, 17, year=2027), "the 30th day is a Wednesday"),
        (at(12, 11, 9), at(1, 11, 17, year=2027), "the 30th day is a Sunday: the next working day"),
        (at(12, 12, 9), at(1, 13, 17, year=2027), "received on a Saturday: counted from Monday"),
        (at(12, 2, 9), at(1, 4, 17, year=2027), "the 30th day is New Year's Day: the next working day"),
    ],
)
def test_a_calendar_day_limit_ends_at_the_close_of_the_last_day(world, received, due, why):
    procedure = _calendar_days_procedure()
    with freeze_time(received):
        intake = Intake(applicant=applicant(), documents={d.id: (1, 0) for d in procedure.documents.all()})
        dossier = services.dossier_receive(actor=world.clerk, procedure=procedure, intake=intake)
    assert dossier.due_at == due, why


def test_a_working_day_limit_is_unchanged(world):
    with freeze_time(at(12, 7, 9)):
        dossier = receive(world)  # 10 working days from Monday 09:00
    assert dossier.due_at == at(12, 21, 9)


def test_the_national_import_keeps_calendar_days(world):
    from procedures.importers.values import parse_time

    assert parse_time("30", "Ngày", []) == (30, "calendar_day")
    assert parse_time("30", "Ngày làm việc", []) == (30, "working_day")
    assert parse_time("4", "Giờ làm việc", []) == (Decimal("0.5"), "working_hour")


def test_a_limit_in_working_hours_is_kept_in_hours_and_counted_in_office_hours(world, client):
    procedure = _calendar_days_procedure(days=Decimal("0.5"), unit="working_hour")
    with freeze_time(at(12, 7, 10)):  # Monday 10:00 + 4 working hours: 1 h 30 before lunch, 2 h 30 after
        intake = Intake(applicant=applicant(), documents={d.id: (1, 0) for d in procedure.documents.all()})
        dossier = services.dossier_receive(actor=world.clerk, procedure=procedure, intake=intake)
    assert dossier.due_at == at(12, 7, 16)
    assert "4 giờ làm việc" in text(client.get(reverse("procedures:detail", args=[procedure.code])))
    assert client.get(f"/api/v1/procedures/{procedure.code}/").json()["time_unit"] == "working_hour"


def test_the_csv_import_reads_a_limit_in_hours(world):
    from procedures.importers.values import parse_time_unit

    assert parse_time_unit("giờ làm việc") == parse_time_unit("working_hour") == "working_hour"
    with pytest.raises(Exception, match="không hỗ trợ"):  # noqa: B017 - CatalogError
        parse_time_unit("tháng")


def test_the_catalog_page_says_calendar_days(world, client):
    procedure = _calendar_days_procedure()
    page = client.get(reverse("procedures:detail", args=[procedure.code]))
    assert "30 ngày (theo lịch)" in text(page)
    api = client.get(f"/api/v1/procedures/{procedure.code}/").json()
    assert api["time_unit"] == "calendar_day"


# --- 12. On the spot: who signed the result -------------------------------------------------------


def _spot(world):
    intake = Intake(applicant=applicant(), documents={world.on_the_spot.documents.get().id: (1, 0)})
    return services.dossier_receive(actor=world.commune_clerk, procedure=world.on_the_spot, intake=intake)


def test_the_result_on_the_spot_records_who_signed_it(world):
    from accounts.services import signing_authority_grant
    from tests.factories import StaffFactory

    leader = StaffFactory(role="reviewer", agency=world.commune, full_name="Chủ tịch UBND xã")
    signing_authority_grant(user=leader, procedure=world.on_the_spot, office=world.commune)
    with freeze_time(at(12, 7, 9)):
        dossier = _spot(world)
        services.dossier_resolve_on_the_spot(
            actor=world.commune_clerk, dossier=dossier, result_note="Đã chứng thực", signed_by=leader
        )
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY
    assert dossier.result_signed_by == leader
    assert dossier.received_by == world.commune_clerk
    event = dossier.events.get(action=Action.APPROVE_ON_THE_SPOT)
    assert event.data["signed_by"] == "Chủ tịch UBND xã"


def test_someone_not_authorised_cannot_sign_on_the_spot(world):
    from tests.factories import StaffFactory

    other = StaffFactory(role="clerk", agency=world.commune)
    with freeze_time(at(12, 7, 9)):
        dossier = _spot(world)
        with pytest.raises(DossierError, match="không được ủy quyền"):
            services.dossier_resolve_on_the_spot(
                actor=world.commune_clerk, dossier=dossier, result_note="x", signed_by=other
            )
        with pytest.raises(DossierError, match="không được ủy quyền"):
            services.dossier_resolve_on_the_spot(actor=other, dossier=dossier, result_note="x")
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.result_signed_by is None


def test_no_authorised_signer_at_the_desk_no_on_the_spot(world, as_user):
    from accounts.models import SigningAuthority

    SigningAuthority.objects.all().update(is_active=False)
    with freeze_time(at(12, 7, 9)):
        dossier = _spot(world)
        assert Action.APPROVE_ON_THE_SPOT not in offered(world.commune_clerk, dossier)
        with pytest.raises(TransitionRefused, match="ủy quyền ký"):
            services.dossier_resolve_on_the_spot(actor=world.commune_clerk, dossier=dossier, result_note="x")
        client = as_user(world.commune_clerk)
        url = reverse("dossiers:desk_on_the_spot", args=[dossier.code])
        assert (
            url not in client.get(reverse("dossiers:desk_confirmation", args=[dossier.code])).content.decode()
        )
        page = client.post(url, {"result_note": "x", "signed_by": world.commune_clerk.pk}, follow=True)
        assert "ủy quyền ký" in text(page)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


# --- 13. The register line is fixed at intake; the official calendar's announced swaps ---------


def test_each_received_dossier_takes_the_next_register_line(world):
    with freeze_time(at(12, 7, 9)):
        first, second = receive(world), receive(world)
    assert (first.register_book, first.register_number) == (2026, 1)
    assert (second.register_book, second.register_number) == (2026, 2)
    with freeze_time(at(1, 4, 9, year=2027)):
        next_year = receive(world)
    assert (next_year.register_book, next_year.register_number) == (2027, 1)


def test_an_online_dossier_takes_its_line_when_accepted(world):
    from dossiers.files import FileUpload
    from tests.factories import PDF_BYTES

    with freeze_time(at(12, 7, 9)):
        files = [
            FileUpload(name="a.pdf", content=PDF_BYTES, document_id=d.id)
            for d in world.procedure.documents.filter(mandatory=True)
        ]
        online = services.dossier_submit(
            actor=world.citizen,
            procedure=world.procedure,
            office=world.center,
            intake=Intake(applicant=applicant(), files=files),
        )
        assert online.register_number is None
        walk_in = receive(world)
        services.dossier_accept(actor=world.clerk, dossier=online)
    online.refresh_from_db()
    assert (walk_in.register_number, online.register_number) == (1, 2)


def test_an_import_of_older_dossiers_does_not_shift_the_register(world, tmp_path):
    from dossiers.history import import_history
    from receipts.papers import intake_context, paper_dossier

    with freeze_time(at(12, 7, 9)):
        dossier = receive(world)
    csv = tmp_path / "history.csv"
    csv.write_text(
        "code,procedure_code,agency_code,intake_office_code,channel,applicant_name,"
        "received_at,due_at,status,result_ready_at,returned_at\n"
        "OLD-260101-0001,1.009994,SXD,TTPVHCC,counter,Nguyễn Văn A,2026-12-01T09:00,"
        "2026-12-15T09:00,returned,2026-12-05T09:00,2026-12-06T09:00\n",
        encoding="utf-8",
    )
    import_history(csv)
    from dossiers.models import Dossier

    assert Dossier.objects.filter(code="OLD-260101-0001").exists()
    context = intake_context(paper_dossier(Dossier.objects.all(), dossier.code, "giay-tiep-nhan"))
    assert (context["register_book"], context["register_number"]) == (2026, 1)


def test_the_migration_numbers_dossiers_received_before_it(world):
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    from dossiers.models import Dossier, RegisterCounter

    migration = importlib.import_module("dossiers.migrations.0012_register_line")
    with freeze_time(at(12, 31, 16)):  # 31/12 16:00 local is still 2026 (09:00 UTC)
        late = receive(world)
    with freeze_time(at(12, 7, 9)):
        early = receive(world)
    Dossier.objects.update(register_book=None, register_number=None)
    RegisterCounter.objects.all().delete()
    migration.number_received_dossiers(None, SimpleNamespace(connection=connection))
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.register_book, early.register_number) == (2026, 1)
    assert (late.register_book, late.register_number) == (2026, 2)
    assert RegisterCounter.objects.get(office=world.center, book=2026).last == 2

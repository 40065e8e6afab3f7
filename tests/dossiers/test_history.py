"""``manage.py import_dossiers``: the history of a legacy one-stop system."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from dossiers.history import import_history
from dossiers.models import Dossier, DossierCounter, Event
from dossiers.workflow import Status
from procedures import workdays

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = (
    "code,procedure_code,agency_code,intake_office_code,channel,applicant_name,"
    "received_at,due_at,status,result_ready_at,returned_at\n"
)


def write(tmp_path, *rows: str, header: str = HEADER):
    path = tmp_path / "history.csv"
    path.write_text(header + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_dossiers", str(path), "--no-progress", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def good_rows():
    return [
        # returned, due_at given, local times
        "TTPVHCC-250303-0001,1.009994,SXD,TTPVHCC,counter,Nguyễn Văn Ân,2025-03-03T08:30,"
        "2025-03-17T08:30,returned,2025-03-14T10:00,2025-03-15T09:00",
        # national status code 9 (result ready), due_at empty → computed, offset given
        "TTPVHCC-250304-0001,1.009994,SXD,,online,Trần Thị Bình,2025-03-04T09:00+07:00,,9,"
        "2025-03-20T16:00+07:00,",
        # in progress, national code 4
        "OLD-2025-77,1.009994,SXD,XA1,postal,Lê Đức Hải,2025-03-05 14:00,,4,,",
    ]


def test_import_creates_dossiers_with_their_history(world, tmp_path, good_rows):
    output = run(write(tmp_path, *good_rows))

    assert "nhập mới 3" in output
    returned = Dossier.objects.get(code="TTPVHCC-250303-0001")
    assert returned.status == Status.RETURNED
    assert returned.applicant_name == "Nguyễn Văn Ân"
    assert returned.applicant_search == "nguyen van an"  # found by the staff search
    assert returned.resolving_agency == world.construction
    assert returned.intake_office == world.center
    assert returned.received_at == datetime(2025, 3, 3, 8, 30, tzinfo=HCM)
    assert returned.due_at == datetime(2025, 3, 17, 8, 30, tzinfo=HCM)
    assert returned.returned_at == datetime(2025, 3, 15, 9, 0, tzinfo=HCM)
    assert returned.closed_at == returned.returned_at
    assert len(returned.secret) == 8 and returned.tracking_token

    ready = Dossier.objects.get(code="TTPVHCC-250304-0001")
    assert ready.status == Status.RESULT_READY
    assert ready.intake_office == world.construction  # empty intake office: the agency itself
    assert ready.channel == "online" and ready.submitted_at == ready.received_at
    assert ready.due_at == workdays.due_at(ready.received_at, world.procedure.processing_days)

    legacy = Dossier.objects.get(code="OLD-2025-77")
    assert legacy.status == Status.PROCESSING and legacy.intake_office == world.commune
    assert legacy.closed_at is None

    events = Event.objects.filter(dossier=returned)
    assert [(e.action, e.to_status) for e in events] == [("import", "returned")]
    assert events[0].at == returned.received_at


def test_import_twice_adds_nothing(world, tmp_path, good_rows):
    path = write(tmp_path, *good_rows)
    run(path)
    output = run(path)
    assert "nhập mới 0, đã có 3" in output
    assert Dossier.objects.count() == 3
    assert Event.objects.count() == 3


def test_bad_rows_are_reported_and_the_rest_loads(world, tmp_path, good_rows):
    bad = [
        "X1,9.999999,SXD,,counter,An,2025-03-03T08:30,,returned,2025-03-04T08:00,2025-03-05T08:00",
        "X2,1.009994,NOPE,,counter,An,2025-03-03T08:30,,received,,",
        "X3,1.009994,SXD,,fax,An,2025-03-03T08:30,,received,,",
        "X4,1.009994,SXD,,counter,An,03/03/2025,,received,,",
        "X5,1.009994,SXD,,counter,An,2025-03-03T08:30,,11,,",
        "X6,1.009994,SXD,,counter,An,2025-03-03T08:30,,returned,2025-03-04T08:00,",
        "X7,1.009994,SXD,,counter,An,2025-03-03T08:30,,result_ready,2025-03-01T08:00,",
        "X8,1.009994,SXD,,counter,,2025-03-03T08:30,,received,,",
        "X9,1.009994,SXD,,online,An,2025-03-03T08:30,,submitted,,",
        good_rows[0],
        good_rows[0],
    ]
    with pytest.raises(CommandError, match="10 dòng lỗi"):
        run(write(tmp_path, *bad, good_rows[1]))

    assert set(Dossier.objects.values_list("code", flat=True)) == {
        "TTPVHCC-250303-0001",
        "TTPVHCC-250304-0001",
    }
    report = import_history(write(tmp_path, *bad))
    reasons = {p.line: p.reason for p in report.errors}
    assert "9.999999" in reasons[2]
    assert "NOPE" in reasons[3]
    assert "fax" in reasons[4]
    assert "ISO 8601" in reasons[5]
    assert "11" in reasons[6]
    assert "returned_at" in reasons[7]
    assert "trước khi tiếp nhận" in reasons[8]
    assert "tên người nộp" in reasons[9]
    assert "received_at" in reasons[10]
    assert "trùng" in reasons[12]
    assert report.existing == 1  # the good row was loaded by the first run


def test_a_wrong_header_stops_before_anything_is_written(world, tmp_path):
    path = write(tmp_path, "A1,1.009994", header="code,procedure\n")
    with pytest.raises(CommandError, match="thiếu cột"):
        run(path)
    assert not Dossier.objects.exists()


def test_codes_of_our_shape_move_the_office_day_counter(world, tmp_path, good_rows):
    run(write(tmp_path, *good_rows))
    counter = DossierCounter.objects.get(office=world.center, day="2025-03-03")
    assert counter.last == 1


def test_the_command_shows_a_progress_bar(world, tmp_path, good_rows):
    err = StringIO()
    call_command("import_dossiers", str(write(tmp_path, *good_rows)), stdout=StringIO(), stderr=err)
    assert "3/3" in err.getvalue()


@pytest.mark.postgres
def test_on_postgresql_a_second_thread_writes_batches_while_the_file_is_read(
    transactional_db, world, tmp_path, good_rows
):
    rows = [
        f"T-{n:05d},1.009994,SXD,TTPVHCC,counter,Phạm Thị Lan,2025-03-{3 + n % 20:02d}T09:00,,received,,"
        for n in range(2500)
    ]
    report = import_history(write(tmp_path, *rows, good_rows[0], "T-00001,bad"), batch_size=1000)
    assert report.created == 2501 and report.failed == 1
    assert Dossier.objects.filter(code__startswith="T-").count() == 2500
    assert Event.objects.filter(action="import").count() == 2501


@pytest.mark.postgres
def test_on_postgresql_batches_written_side_by_side_keep_the_rollups_exact(transactional_db, world, tmp_path):
    from tests.dashboards.test_rollup import assert_equals_recount

    rows = []
    for n in range(3000):  # batches of 500 share days, months and every total cell
        day = 3 + n % 20
        status = ("received", "returned", "result_ready", "refused", "processing")[n % 5]
        ready = f"2025-0{3 + n % 2}-{day + 2:02d}T10:00" if status in ("returned", "result_ready") else ""
        returned = f"2025-0{3 + n % 2}-{day + 3:02d}T10:00" if status == "returned" else ""
        if status == "refused":
            ready = f"2025-0{3 + n % 2}-{day + 1:02d}T10:00"
        rows.append(
            f"S-{n:05d},1.009994,SXD,TTPVHCC,{('counter', 'online')[n % 2]},Phạm Thị Lan,"
            f"2025-0{3 + n % 2}-{day:02d}T09:00,,{status},{ready},{returned}"
        )
    receive_one(world)
    report = import_history(write(tmp_path, *rows), batch_size=500)
    assert report.created == 3000 and report.failed == 0
    cells = assert_equals_recount()
    report = import_history(write(tmp_path, *rows), batch_size=500)
    assert report.created == 0 and report.existing == 3000
    assert assert_equals_recount() == cells


@pytest.mark.postgres
def test_on_postgresql_rows_of_the_usual_shape_are_written_as_check_row_reads_them(
    world, tmp_path, good_rows, monkeypatch
):
    from dossiers.history import loading as history

    usual = [
        "1,1.009994,SXD,TTPVHCC,counter,Nguyễn Văn Ân,2025-03-03T08:30:15,2025-03-17T08:30,returned,"
        "2025-03-14T10:00,2025-03-15T09:00:59",
        "2,1.009994,SXD,,online,Trần\tThị \\Bình,2025-03-04 09:00,,9,2025-03-20T16:00,",  # tab, backslash
        "3,1.009994,SXD,XA1,postal,Lê Đức Hải,2025-03-05,,4,,",
        "4,1.009994,SXD,XA1,counter, Lê Hải ,2025-03-05T14:00:00.250,2025-03-06T17:00,refused,,",
        "5,1.009994,SXD,TTPVHCC,online,An,2025-03-05T14:00,,withdrawn,2025-03-06T10:00,",
        "6,1.009994,SXD,TTPVHCC,counter,An,2025-03-05T14:00,,stopped,,2025-03-07T10:00",
        "7,1.009994,SXD,TTPVHCC,counter,An,2025-12-31T16:59,,processing,,",
    ]
    unusual = [  # read by check_row only
        "8,1.009994,SXD,,online,An,2025-03-04T09:00+07:00,,9,2025-03-20T16:00+07:00,",
        "9,1.009994,SXD,,COUNTER,An,2025-03-04T09:00,,Returned,2025-03-20T16:00,2025-03-21T16:00",
        "10,1.009994,SXD,,online,An,,,submitted,,",
    ]
    accepted = []
    fast_row = history._fast_row

    def counting(*args):
        row = fast_row(*args)
        accepted.append(row is not None)
        return row

    monkeypatch.setattr(history, "_fast_row", counting)
    assert import_history(write(tmp_path, *("F-" + r for r in usual + unusual))).created == 10
    assert accepted == [True] * len(usual) + [False] * len(unusual)
    monkeypatch.setattr(history, "_fast_row", lambda *args: None)
    assert import_history(write(tmp_path, *("S-" + r for r in usual + unusual))).created == 10

    skip = {"id", "code", "secret", "tracking_token", "created_at", "updated_at"}
    columns = [f.attname for f in Dossier._meta.concrete_fields if f.attname not in skip]

    def stored(prefix):
        rows = Dossier.objects.filter(code__startswith=prefix).values("code", *columns)
        return {row.pop("code").removeprefix(prefix): row for row in rows}

    fast, checked = stored("F-"), stored("S-")
    # a submission not yet received was submitted by its import's time (``Dossier.received_year``)
    assert fast["10"].pop("submitted_at") and checked["10"].pop("submitted_at")
    assert fast == checked
    assert fast["2"]["applicant_name"] == "Trần\tThị \\Bình"
    assert fast["4"]["applicant_name"] == "Lê Hải"


def test_times_postgresql_reads_otherwise_are_written_as_python_reads_them(world, tmp_path):
    """ISO 8601 forms Python reads and PostgreSQL refuses or rounds otherwise (an hour alone, a week
    date, a decimal comma, seven decimals) go to the database as Python read them: the batch loads."""
    rows = [
        "T-1,1.009994,SXD,,counter,An,2025-03-04T09,,received,,",
        "T-2,1.009994,SXD,,counter,An,2025-W10-2T09:00,,received,,",
        'T-3,1.009994,SXD,,counter,An,"2025-03-04 09:00:00,5",,returned,2025-03-05T10,2025-W10-4',
        "T-4,1.009994,SXD,,counter,An,2025-03-04T09:00:00.1234567,2025-03-18T09,received,,",
    ]
    report = import_history(write(tmp_path, *rows))
    assert (report.created, report.failed) == (4, 0)
    got = {d.code: d for d in Dossier.objects.filter(code__startswith="T-")}
    nine = datetime(2025, 3, 4, 9, 0, tzinfo=HCM)
    assert got["T-1"].received_at == got["T-2"].received_at == nine
    assert got["T-3"].received_at == nine.replace(microsecond=500_000)
    assert got["T-3"].result_ready_at == datetime(2025, 3, 5, 10, 0, tzinfo=HCM)
    assert got["T-3"].returned_at == datetime(2025, 3, 6, 0, 0, tzinfo=HCM)
    assert got["T-4"].received_at == nine.replace(microsecond=123_456)
    assert got["T-4"].due_at == datetime(2025, 3, 18, 9, 0, tzinfo=HCM)


def test_imported_dossiers_are_counted_in_the_statistics(world, tmp_path, good_rows):
    from tests.dashboards.test_rollup import assert_equals_recount

    received = receive_one(world)  # a dossier of the services, already in the rollup
    path = write(tmp_path, *good_rows)
    run(path)
    cells = assert_equals_recount()
    assert cells and received
    run(path)  # nothing new: the rollups do not move either
    assert assert_equals_recount() == cells


def receive_one(world):
    from dossiers import services
    from dossiers.services import Intake
    from tests.factories import applicant

    return services.dossier_receive(
        actor=world.clerk,
        procedure=world.single,
        intake=Intake(applicant=applicant(), documents={d.id: (1, 0) for d in world.single.documents.all()}),
    )


def test_secrets_and_tokens_made_in_bulk_look_like_the_services_ones():
    from dossiers.services.common import SECRET_ALPHABET, new_secrets, new_tracking_tokens

    secrets_, tokens = new_secrets(2000), new_tracking_tokens(2000)
    assert len(set(secrets_)) == 2000 and len(set(tokens)) == 2000
    assert all(len(s) == 8 and set(s) <= set(SECRET_ALPHABET) for s in secrets_)
    assert set("".join(secrets_)) == set(SECRET_ALPHABET)  # every letter turns up in 16,000
    urlsafe = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert all(len(t) == 32 and set(t) <= urlsafe for t in tokens)

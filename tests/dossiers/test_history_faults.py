"""Fault injection in the history import (issue 26, 3): whatever bytes a file holds, a bad row is
reported with its line and reason and every good row loads, on SQLite and PostgreSQL; a run killed
in the middle is completed by running it again; history never takes a number of the portal's own
register; a deeply nested catalog file is a clear error."""

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from dossiers.history import import_history
from dossiers.models import Dossier, DossierCounter, Event
from tests.dossiers.test_history import HEADER, receive_one
from tests.notifications.test_worker import ROOT, database_url


def good(n: int) -> bytes:
    return (
        f"H-{n:05d},1.009994,SXD,TTPVHCC,counter,Phạm Thị Lan,2025-03-{3 + n % 20:02d}T09:00,,returned,"
        f"2025-03-{4 + n % 20:02d}T10:00,2025-03-{5 + n % 20:02d}T10:00\n"
    ).encode()


def bad_file(tmp_path, *bad: bytes, truncated: bytes = b"") -> tuple:
    """Good rows with each bad one between two of them; the line each bad row starts on."""
    data, lines, line = [HEADER.encode()], [], 1
    for n, row in enumerate(bad):
        data.append(good(2 * n))
        line += 1
        data.append(row)
        lines.append(line + 1)
        line += 1 + row.count(b"\n") - 1 if row.endswith(b"\n") else 1
    data.append(good(2 * len(bad)))
    data.append(truncated)
    path = tmp_path / "history.csv"
    path.write_bytes(b"".join(data))
    return path, lines


BAD_ROWS = {
    "NUL": b"B-1,1.009994,SXD,TTPVHCC,counter,Ph\x00m,2025-03-03T09:00,,received,,\n",
    "not UTF-8": b"B-2,1.009994,SXD,TTPVHCC,counter,Ph\xe1\xbam \xff,2025-03-03T09:00,,received,,\n",
    "huge field": b"B-3,1.009994,SXD,TTPVHCC,counter,"
    + b"x" * 5_000_000
    + b",2025-03-03T09:00,,received,,\n",
    "huge quoted field": b'B-4,1.009994,SXD,TTPVHCC,counter,"' + b"y" * 10_000 + b'",2025-03-03,,4,,\n',
    "unbalanced quote": b'B-5,1.009994,SXD,TTPVHCC,counter,"Lan,2025-03-03T09:00,,received,,\n',
    "quote inside a field": b'B-6,1.009994,SXD,TTPVHCC,counter,"Lan"x,2025-03-03T09:00,,received,,\n',
}


def test_any_bad_bytes_are_reported_with_their_line_and_the_rest_loads(world, tmp_path):
    path, lines = bad_file(
        tmp_path,
        *BAD_ROWS.values(),
        # the file ends in the middle of a row (an export cut short)
        truncated=b"B-7,1.009994,SXD,TTPVHCC,counter,Ph\xe1\xba\xa1m,2025-03-0",
    )
    report = import_history(path, batch_size=3)

    good_codes = {f"H-{2 * n:05d}" for n in range(len(BAD_ROWS) + 1)}
    assert set(Dossier.objects.values_list("code", flat=True)) == good_codes
    assert report.created == len(good_codes)
    reasons = {problem.line: problem.reason for problem in report.errors}
    assert sorted(reasons) == [*lines, lines[-1] + 2]
    nul, utf8, huge, huge_quoted, unbalanced, quote, truncated = (reasons[line] for line in sorted(reasons))
    assert "NUL" in nul
    assert "UTF-8" in utf8
    assert "dòng dài quá" in huge
    assert "tên người nộp dài quá" in huge_quoted
    assert "ngoặc kép mở mà không đóng" in unbalanced or "CSV" in unbalanced
    assert "CSV" in quote
    assert "trạng thái" in truncated  # the row stops before its status
    assert Event.objects.filter(action="import").count() == len(good_codes)


def test_an_unbalanced_quote_near_the_end_does_not_swallow_the_last_rows(world, tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(
        HEADER.encode() + good(1) + b'B-1,1.009994,SXD,TTPVHCC,counter,"Lan\n' + good(2) + good(3)
    )
    report = import_history(path)
    assert set(Dossier.objects.values_list("code", flat=True)) == {"H-00001", "H-00002", "H-00003"}
    assert [problem.line for problem in report.errors] == [3]


def test_the_command_reports_each_bad_row_and_loads_the_rest(world, tmp_path):
    path, lines = bad_file(tmp_path, BAD_ROWS["NUL"], BAD_ROWS["not UTF-8"])
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 dòng lỗi; các dòng hợp lệ đã được nhập"):
        call_command("import_dossiers", str(path), "--no-progress", stdout=out, stderr=io.StringIO())
    assert f"Dòng {lines[0]} (B-1): có ký tự NUL" in out.getvalue()
    assert f"Dòng {lines[1]} (B-2): có byte không phải UTF-8" in out.getvalue()
    assert Dossier.objects.count() == 3


@pytest.mark.postgres
def test_a_value_postgresql_refuses_is_reported_and_its_batch_still_loads(world, tmp_path):
    # Python reads a +23:00 offset; PostgreSQL refuses it ("time zone displacement out of range").
    refused = b"B-9,1.009994,SXD,TTPVHCC,counter,Lan,2025-03-03T09:00+23:00,,received,,\n"
    path, lines = bad_file(tmp_path, refused)
    report = import_history(path, batch_size=100)
    assert [(problem.line, problem.code) for problem in report.errors] == [(lines[0], "B-9")]
    assert "cơ sở dữ liệu không nhận" in report.errors[0].reason
    assert set(Dossier.objects.values_list("code", flat=True)) == {"H-00000", "H-00002"}


def test_history_codes_never_take_a_number_of_the_live_register(world, tmp_path, settings):
    received = receive_one(world)  # today's register of the center: number 1
    office, today = world.center.code, timezone.localdate()
    path = tmp_path / "history.csv"
    path.write_text(
        HEADER
        + f"{office}-{today:%y%m%d}-0090,1.009994,SXD,{office},counter,Lan,{today}T09:00,,received,,\n"
        + f"{office}-250303-0007,1.009994,SXD,{office},counter,Lan,2025-03-03T09:00,,received,,\n",
        encoding="utf-8",
    )
    report = import_history(path)
    assert report.created == 1 and [problem.line for problem in report.errors] == [2]
    assert "ngày chuyển đổi" in report.errors[0].reason
    counter = DossierCounter.objects.get(office=world.center, day=today)
    assert counter.last == int(received.code.rsplit("-", 1)[1])  # not moved to 90

    # With the cut-over set to the day the portal went live, older codes of our shape load.
    settings.HCC_HISTORY_CUTOVER = today + timezone.timedelta(days=1)
    assert import_history(path).created == 1
    counter.refresh_from_db()
    assert counter.last == 90


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_an_import_killed_midway_is_completed_by_running_it_again(transactional_db, world, tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(HEADER.encode() + b"".join(good(n) for n in range(3000)))
    log = tmp_path / "import.log"
    command = [
        sys.executable,
        "manage.py",
        "import_dossiers",
        str(path),
        "--no-progress",
        "--batch-size",
        "100",
    ]
    importer = subprocess.Popen(  # noqa: S603 (our own command line)
        command,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "hcc.settings"},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while Dossier.objects.count() < 500:
        assert importer.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.02)
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    loaded = Dossier.objects.count()
    print(f"PostgreSQL: killed with {loaded} of 3000 rows loaded; the re-run loads the rest")
    assert 500 <= loaded < 3000

    report = import_history(path)
    assert report.failed == 0 and report.created == 3000 - loaded and report.existing == loaded
    assert Dossier.objects.count() == 3000
    assert Event.objects.filter(action="import").count() == 3000


@pytest.mark.timeout(300)
def test_on_sqlite_an_import_killed_midway_is_completed_by_running_it_again(
    transactional_db, world, tmp_path
):
    """As above, on SQLite: the test database (in memory) is copied to a file the command's
    processes share; the first is killed with SIGKILL midway, the second completes the rest."""
    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL: the test above")
    database = tmp_path / "portal.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(database)
    connection.connection.backup(copy)
    copy.close()
    path = tmp_path / "history.csv"
    path.write_bytes(HEADER.encode() + b"".join(good(n) for n in range(3000)))
    command = [
        sys.executable,
        "manage.py",
        "import_dossiers",
        str(path),
        "--no-progress",
        "--batch-size",
        "100",
    ]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "hcc.settings"}

    def count(model, where: str = "1 = 1") -> int:
        with closing(sqlite3.connect(database, timeout=10)) as db:
            sql = f"SELECT COUNT(*) FROM {model._meta.db_table} WHERE {where}"  # noqa: S608 (ours)
            return db.execute(sql).fetchone()[0]

    log = tmp_path / "import.log"
    importer = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 120
    while count(Dossier) < 500:
        assert importer.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.02)
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    loaded = count(Dossier)
    print(f"SQLite: killed with {loaded} of 3000 rows loaded; the re-run loads the rest")
    assert 500 <= loaded < 3000

    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)  # noqa: S603
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"nhập mới {3000 - loaded}, đã có {loaded}, lỗi 0" in again.stdout.replace(".", "")
    assert count(Dossier) == 3000
    assert count(Event, "action = 'import'") == 3000


def test_a_deeply_nested_catalog_file_is_a_clear_error(db, tmp_path):
    path = tmp_path / "catalog.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    with pytest.raises(CommandError, match="lồng nhau quá sâu"):
        call_command(
            "import_procedures", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO()
        )

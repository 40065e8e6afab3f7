"""The history of a legacy one-stop system: ``manage.py import_dossiers FILE`` and the bulk path of
``seed_demo --dossiers N``.

Rows are checked one by one in Python (a bad row is reported with its line and reason and the rest
still loads), then written in batches: on PostgreSQL with ``COPY`` into a temporary table, one
statement per batch that inserts the new dossiers (``ON CONFLICT (code) DO NOTHING``), their
events and stages their cells for the statistics' rollups, then one upsert per rollup table
(``add_staged`` of the listener of ``dossiers.statistics``: ``dashboards.rollup``), the rows every
batch shares last; the batch's commit does not wait for the disk (``synchronous_commit = off``:
after a crash, running the import again adds what was lost, and a batch is never half written);
elsewhere with ``bulk_create(ignore_conflicts=True)`` and ``statistics.dossiers_inserted``.
Importing the same file twice adds nothing: a dossier is known by its code. Each imported dossier
gets one ``import`` event, so its timeline says where it came from. Nothing here goes through the
state machine: history is taken as it was recorded.
"""

from __future__ import annotations

import csv
import io
import queue
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import DataError, IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import statistics
from dossiers.models import Channel, Dossier, DossierCounter, Event
from dossiers.services.common import new_secrets, new_tracking_tokens
from dossiers.workflow import FINAL_STATUSES, Status
from dossiers.workflow import STATUS_BY_NATIONAL_CODE as NATIONAL_STATUS
from procedures import workdays
from procedures.models import Agency, Procedure
from procedures.text import fold

COLUMNS = (
    "code",
    "procedure_code",
    "agency_code",
    "intake_office_code",
    "channel",
    "applicant_name",
    "received_at",
    "due_at",
    "status",
    "result_ready_at",
    "returned_at",
)
REQUIRED_COLUMNS = frozenset(COLUMNS) - {"intake_office_code", "due_at", "result_ready_at", "returned_at"}
BATCH_SIZE = 20_000
IMPORT_ACTION = "import"
# <office code>-<yymmdd>-<nnnn>: codes of this shape also move the office's day counter.
OUR_CODE = re.compile(r"^(?P<office>.+)-(?P<day>\d{6})-(?P<number>\d{4,})$")
STATUSES = frozenset(Status.values)
TIME_COLUMNS = ("received_at", "due_at", "result_ready_at", "returned_at")
# Times written so that PostgreSQL reads them as Python does: they go to COPY as the file wrote
# them. Python also reads forms PostgreSQL refuses (``2025-03-05T14``, week dates, a decimal
# comma) or rounds otherwise (more than six decimals): those go as Python read them.
AS_WRITTEN = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)
CHANNELS = frozenset(Channel.values)
STATUS_BY_NATIONAL_CODE = {str(code): status for code, status in NATIONAL_STATUS.items()}
CODE_MAX = Dossier._meta.get_field("code").max_length
NAME_MAX = Dossier._meta.get_field("applicant_name").max_length
NEEDS_RESULT = frozenset({Status.RESULT_READY, Status.RETURNED})


def cutover_date() -> date:
    """The first day of the portal's own register: ``HCC_HISTORY_CUTOVER`` (ISO date), or today
    when it is not set (history is imported before the portal goes live)."""
    return settings.HCC_HISTORY_CUTOVER or timezone.localdate()


class HistoryFileError(Exception):
    """The file as a whole cannot be read (missing, not UTF-8, wrong header)."""


@dataclass
class Problem:
    line: int
    code: str
    reason: str

    def __str__(self) -> str:
        where = _("Dòng %(line)s") % {"line": self.line}
        if self.code:
            where = f"{where} ({self.code})"
        return f"{where}: {self.reason}"


@dataclass
class HistoryReport:
    read: int = 0
    created: int = 0
    existing: int = 0
    errors: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)


@dataclass
class HistoryRow:
    """One checked dossier of the history, ready to be written."""

    code: str
    procedure_id: int
    resolving_agency_id: int
    intake_office_id: int
    channel: str
    applicant_name: str
    received_at: datetime | None
    due_at: datetime | None
    status: str
    result_ready_at: datetime | None
    returned_at: datetime | None
    # The times as written in the file (ISO 8601, local when no offset), which COPY reads as they
    # are: formatting a million datetimes again would cost more than the rest of the import.
    texts: dict[str, str] | None = None


class RowError(ValueError):
    pass


class _Catalog:
    """Procedures and agencies by code, loaded once; the working calendar for empty ``due_at``."""

    def __init__(self) -> None:
        # code → (id, (time limit, its unit)): what ``calendar.due_at`` needs for an empty due_at
        self.procedures = {
            code: (pk, (days, unit))
            for code, pk, days, unit in Procedure.objects.values_list(
                "code", "id", "processing_days", "time_unit"
            )
        }
        self.agencies = dict(Agency.objects.values_list("code", "id"))
        self.calendar = workdays.WorkCalendar()
        self.tz = timezone.get_default_timezone()
        self.cutover = cutover_date()

    def check_register(self, code: str) -> None:
        """A code of our shape (``<office>-<yymmdd>-<nnnn>``, an office we know) dated on or after
        the cut-over belongs to the portal's own register of that day: refused, so that history
        never takes a number an intake gives (or has given) and never moves a live counter."""
        match = OUR_CODE.match(code)
        if not match or match["office"] not in self.agencies:
            return
        try:
            day = datetime.strptime(match["day"], "%y%m%d").date()
        except ValueError:
            return
        if day >= self.cutover:
            raise RowError(
                _(
                    "mã hồ sơ theo mẫu của cổng với ngày %(day)s, từ ngày chuyển đổi %(cutover)s trở đi: "
                    "số này thuộc sổ đang dùng (HCC_HISTORY_CUTOVER)"
                )
                % {"day": f"{day:%d/%m/%Y}", "cutover": f"{self.cutover:%d/%m/%Y}"}
            )

    def procedure(self, code: str) -> tuple[int, object]:
        try:
            return self.procedures[code]
        except KeyError:
            raise RowError(_("không có thủ tục mã “%(code)s” trong danh mục") % {"code": code}) from None

    def agency(self, code: str, column: str) -> int:
        try:
            return self.agencies[code]
        except KeyError:
            raise RowError(
                _("cột %(column)s: không có cơ quan mã “%(code)s”") % {"column": column, "code": code}
            ) from None

    def moment(self, value: str, column: str) -> datetime | None:
        value = value.strip()
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise RowError(
                _("cột %(column)s: “%(value)s” không phải thời điểm ISO 8601 (ví dụ 2025-03-04T08:30)")
                % {"column": column, "value": value}
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        return moment


def _status(value: str) -> str:
    value = value.strip().lower()
    if value in STATUSES:
        return value
    if value in STATUS_BY_NATIONAL_CODE:
        return STATUS_BY_NATIONAL_CODE[value]
    raise RowError(
        _("trạng thái “%(value)s” không hợp lệ: dùng tên (received, returned, …) hoặc mã 1–10")
        % {"value": value}
    )


def check_row(raw: dict[str, str], catalog: _Catalog) -> HistoryRow:
    """A checked row, or ``RowError`` saying what is wrong with it."""
    value = {name: (raw.get(name) or "").strip() for name in COLUMNS}
    code = value["code"]
    if not code:
        raise RowError(_("thiếu mã hồ sơ"))
    if len(code) > CODE_MAX:
        raise RowError(_("mã hồ sơ dài quá 40 ký tự"))
    procedure_id, processing_days = catalog.procedure(value["procedure_code"])
    agency_id = catalog.agency(value["agency_code"], "agency_code")
    office_code = value["intake_office_code"] or value["agency_code"]
    office_id = catalog.agency(office_code, "intake_office_code")
    channel = value["channel"].lower()
    if channel not in CHANNELS:
        raise RowError(
            _("kênh “%(value)s” không hợp lệ: counter, online hoặc postal") % {"value": value["channel"]}
        )
    name = value["applicant_name"]
    if not name:
        raise RowError(_("thiếu tên người nộp"))
    if len(name) > NAME_MAX:
        raise RowError(_("tên người nộp dài quá 200 ký tự"))
    status = _status(value["status"])
    received_at = catalog.moment(value["received_at"], "received_at")
    if received_at is None and status != Status.SUBMITTED:
        raise RowError(_("thiếu thời điểm tiếp nhận (received_at)"))
    if received_at is not None and status == Status.SUBMITTED:
        # a received dossier has left "submitted"; the statistics count it by its status and dates
        raise RowError(_("hồ sơ mới nộp trực tuyến (submitted) chưa được tiếp nhận: để trống received_at"))
    due_at = catalog.moment(value["due_at"], "due_at")
    if due_at is None and received_at is not None:
        due_at = catalog.calendar.due_at(received_at, *processing_days)
    result_ready_at = catalog.moment(value["result_ready_at"], "result_ready_at")
    returned_at = catalog.moment(value["returned_at"], "returned_at")
    if status in NEEDS_RESULT and result_ready_at is None:
        message = _("trạng thái %(status)s cần thời điểm có kết quả (result_ready_at)")
        raise RowError(message % {"status": status})
    if status == Status.RETURNED and returned_at is None:
        raise RowError(_("trạng thái returned cần thời điểm trả kết quả (returned_at)"))
    if received_at and result_ready_at and result_ready_at < received_at:
        raise RowError(_("có kết quả trước khi tiếp nhận"))
    if result_ready_at and returned_at and returned_at < result_ready_at:
        raise RowError(_("trả kết quả trước khi có kết quả"))
    if due_at and received_at and due_at < received_at:
        raise RowError(_("hạn trả kết quả trước thời điểm tiếp nhận"))
    return HistoryRow(
        code=code,
        procedure_id=procedure_id,
        resolving_agency_id=agency_id,
        intake_office_id=office_id,
        channel=channel,
        applicant_name=name,
        received_at=received_at,
        due_at=due_at,
        status=status,
        result_ready_at=result_ready_at,
        returned_at=returned_at,
        texts={name: value[name] for name in TIME_COLUMNS if AS_WRITTEN.fullmatch(value[name])},
    )


# A checked row as the PostgreSQL writer takes it: its code, its intake office and its columns of
# ``_ROW_COLUMNS`` as COPY text. A plain tuple: a million of them are made.
Prepared = tuple[str, int, str]
# The status a file may give (our name or the national code), as ``_status`` reads it.
_STATUS_OF = {**{s: s for s in STATUSES}, **STATUS_BY_NATIONAL_CODE}


def _escape(text: str) -> str:
    """``text`` as a COPY text field."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _fast_row(fields: list[str], at: list[int], catalog: _Catalog) -> Prepared | None:
    """A row of the usual shape checked and made into COPY text at once, or None: then
    ``check_row`` decides (and says what is wrong). It takes only rows ``check_row`` takes with the
    same values: every time local (no offset, so comparing them as written is comparing them as
    ``check_row`` does, in the one local zone), a status and channel as we write them, a received
    dossier. Most of a million rows come this way, at a third of the cost."""
    code, procedure, agency, office, channel, name, received, due, status, ready, returned = (
        fields[i].strip() for i in at
    )
    known = catalog.procedures.get(procedure)
    agency_id = catalog.agencies.get(agency)
    office_id = catalog.agencies.get(office or agency)
    status = _STATUS_OF.get(status)
    if (
        known is None
        or agency_id is None
        or office_id is None
        or status is None
        or status == Status.SUBMITTED
        or channel not in CHANNELS
        or not code
        or len(code) > CODE_MAX
        or not name
        or len(name) > NAME_MAX
        or not received
    ):
        return None
    written = AS_WRITTEN.fullmatch
    if not written(received) or (ready and not written(ready)) or (returned and not written(returned)):
        return None
    if due and not written(due):
        return None
    try:
        received_at = datetime.fromisoformat(received)
        ready_at = datetime.fromisoformat(ready) if ready else None
        returned_at = datetime.fromisoformat(returned) if returned else None
        due_at = datetime.fromisoformat(due) if due else None
    except ValueError:
        return None
    if (
        received_at.tzinfo is not None
        or (ready_at is not None and (ready_at.tzinfo is not None or ready_at < received_at))
        or (returned_at is not None and returned_at.tzinfo is not None)
        or (due_at is not None and (due_at.tzinfo is not None or due_at < received_at))
        or (ready_at is None and status in NEEDS_RESULT)
        or (returned_at is None and status == Status.RETURNED)
        or (ready_at is not None and returned_at is not None and returned_at < ready_at)
    ):
        return None
    if due_at is None:
        local = received_at.replace(tzinfo=catalog.tz)
        computed = catalog.calendar.due_at(local, *known[1])
        if computed < local:
            return None
        due = computed.isoformat()
    nothing = r"\N"
    closed = (returned or ready or received) if status in FINAL_STATUSES else nothing
    submitted = received if channel == Channel.ONLINE else nothing
    text = (
        f"{_escape(code)}\t{known[0]}\t{agency_id}\t{office_id}\t{channel}\t{status}\t{_escape(name)}\t{_escape(fold(name))}\t"
        f"{submitted}\t{received}\t{due}\t{ready or nothing}\t{returned or nothing}\t{closed}"
    )
    return code, office_id, text


# --- Writing ------------------------------------------------------------------------------------


def _closed_at(row: HistoryRow, now: datetime) -> datetime | None:
    if row.status in FINAL_STATUSES:
        return row.returned_at or row.result_ready_at or row.received_at or now
    return None


def _dossier_values(row: HistoryRow, now: datetime, secret: str, token: str) -> dict:
    return {
        "code": row.code,
        "secret": secret,
        "tracking_token": token,
        "procedure_id": row.procedure_id,
        "resolving_agency_id": row.resolving_agency_id,
        "intake_office_id": row.intake_office_id,
        "channel": row.channel,
        "status": row.status,
        "applicant_name": row.applicant_name,
        "applicant_search": fold(row.applicant_name),
        "submitted_at": row.received_at if row.channel == Channel.ONLINE else None,
        "received_at": row.received_at,
        "due_at": row.due_at,
        "result_ready_at": row.result_ready_at,
        "returned_at": row.returned_at,
        "closed_at": _closed_at(row, now),
        "created_at": now,
        "updated_at": now,
    }


# The columns of a row's COPY text, then those of its batch; every other column keeps its default.
_ROW_COLUMNS = (
    "code",
    "procedure_id",
    "resolving_agency_id",
    "intake_office_id",
    "channel",
    "status",
    "applicant_name",
    "applicant_search",
    "submitted_at",
    "received_at",
    "due_at",
    "result_ready_at",
    "returned_at",
    "closed_at",
)
_BATCH_COLUMNS = ("secret", "tracking_token", "created_at", "updated_at")


def _row_text(row: HistoryRow, now: datetime, now_text: str) -> str:
    """``_dossier_values`` of ``_ROW_COLUMNS`` as COPY text, with the times as the file wrote
    them (``_fast_row`` makes the same text for most rows of a file)."""
    texts = row.texts or {}

    def when(name: str, value: datetime | None) -> str:
        if value is None:
            return r"\N"
        return texts.get(name) or value.isoformat()

    received = when("received_at", row.received_at)
    closed = _closed_at(row, now)
    if closed is None:
        closed_text = r"\N"
    elif closed is now:
        closed_text = now_text
    else:
        closed_text = (
            when("returned_at", row.returned_at)
            if closed is row.returned_at
            else when("result_ready_at", row.result_ready_at)
            if closed is row.result_ready_at
            else received
        )
    return "\t".join(
        (
            _copy_text(row.code),
            str(row.procedure_id),
            str(row.resolving_agency_id),
            str(row.intake_office_id),
            row.channel,
            row.status,
            _copy_text(row.applicant_name),
            _copy_text(fold(row.applicant_name)),
            received if row.channel == Channel.ONLINE else r"\N",
            received,
            when("due_at", row.due_at),
            when("result_ready_at", row.result_ready_at),
            when("returned_at", row.returned_at),
            closed_text,
        )
    )


def _dossier_columns() -> list:
    return [f for f in Dossier._meta.concrete_fields if not f.primary_key]


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


# What the statistics read of a new dossier (its own columns of ``statistics.ROW_FIELDS``; their SQL
# joins the procedure and the agency), returned by the insert with what its event needs.
_ROLLUP_COLUMNS = (*statistics.OWN_FIELDS, "created_at")


def _write_postgres(rows: list[HistoryRow | Prepared], now: datetime) -> int:
    secrets_, tokens = new_secrets(len(rows)), new_tracking_tokens(len(rows))
    by_attname = {f.attname: f for f in _dossier_columns()}
    # Every other column takes its model default, the same for every row: a parameter of the
    # insert, not a field of each COPY line.
    rest = [f for name, f in by_attname.items() if name not in _ROW_COLUMNS + _BATCH_COLUMNS]
    names = [by_attname[name].column for name in _ROW_COLUMNS + _BATCH_COLUMNS]
    defaults = {f"d{n}": f.get_db_prep_save(f.get_default(), connection) for n, f in enumerate(rest)}
    now_text = now.isoformat()
    tail = f"\t{now_text}\t{now_text}\n"
    buffer = io.StringIO()
    buffer.write(
        "".join(
            f"{row[2] if type(row) is tuple else _row_text(row, now, now_text)}\t{secret}\t{token}{tail}"
            for row, secret, token in zip(rows, secrets_, tokens, strict=True)
        )
    )
    buffer.seek(0)
    # Identifiers come from the models' metadata, quoted; values go through COPY or parameters.
    table = connection.ops.quote_name(Dossier._meta.db_table)
    event_table = connection.ops.quote_name(Event._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(n) for n in names)
    all_columns = ", ".join([columns, *(connection.ops.quote_name(f.column) for f in rest)])
    values = ", ".join([columns, *(f"%({name})s" for name in defaults)])
    with connection.cursor() as cursor:
        # Times without an offset in the file are local times.
        cursor.execute("SET LOCAL TIME ZONE %s", [settings.TIME_ZONE])
        # A batch's sorts and groupings stay in memory.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        # The import is run again after a crash (it adds only what is missing), so its commits
        # need not wait for the disk: a crash may lose the last batches, never half of one.
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS history_import ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"  # nosec B608
        )
        counts = statistics.listener()
        counts.create_staging(cursor)
        cursor.execute("TRUNCATE history_import")
        cursor.copy_expert(f"COPY history_import ({columns}) FROM STDIN", buffer)
        # Back to the zone Django reads times in, for whatever else this transaction does.
        cursor.execute("SET LOCAL TIME ZONE %s", [connection.timezone_name])
        # One statement: the new dossiers, their import events, and their cells, staged for the
        # rollups (rows already known by their code add nothing anywhere).
        returned = ", ".join(["id", *(connection.ops.quote_name(n) for n in _ROLLUP_COLUMNS)])
        insert = (
            f"WITH made AS (INSERT INTO {table} ({all_columns}) SELECT {values} FROM history_import "  # noqa: S608
            f"ON CONFLICT (code) DO NOTHING RETURNING {returned}), "  # nosec B608
        )
        events = (
            f"events AS (INSERT INTO {event_table} "  # noqa: S608
            "(dossier_id, action, from_status, to_status, at, note, data) "
            "SELECT id, %(action)s, '', status, COALESCE(received_at, created_at), %(note)s, %(data)s "
            "FROM made)"  # nosec B608
        )
        cursor.execute(
            insert + events + counts.staging_sql("made") + " SELECT count(*) FROM made",  # noqa: S608  # nosec B608
            {
                "action": IMPORT_ACTION,
                "note": _("Nhập từ hệ thống một cửa cũ"),
                "data": "{}",
                "tz": settings.TIME_ZONE,
                **defaults,
            },
        )
        created = cursor.fetchone()[0]
        cursor.execute("TRUNCATE history_import")
        # Then the rollups, last: the rows every batch shares are held only until the commit.
        counts.add_staged(cursor)
    return created


def _write_generic(rows: list[HistoryRow], now: datetime) -> int:
    codes = [row.code for row in rows]
    known = set(Dossier.objects.filter(code__in=codes).values_list("code", flat=True))
    new_rows = [row for row in rows if row.code not in known]
    secrets_, tokens = new_secrets(len(new_rows)), new_tracking_tokens(len(new_rows))
    fresh = [
        Dossier(**_dossier_values(row, now, secret, token))
        for row, secret, token in zip(new_rows, secrets_, tokens, strict=True)
    ]
    Dossier.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
    ids = dict(Dossier.objects.filter(code__in=[d.code for d in fresh]).values_list("code", "id"))
    events = [
        Event(
            dossier_id=ids[d.code],
            action=IMPORT_ACTION,
            from_status="",
            to_status=d.status,
            at=d.received_at or now,
            note=_("Nhập từ hệ thống một cửa cũ"),
            data={},
        )
        for d in fresh
        if d.code in ids
    ]
    Event.objects.bulk_create(events, batch_size=500)
    statistics.dossiers_inserted([ids[d.code] for d in fresh if d.code in ids])
    return len(events)


def _bump_counters(rows: list[HistoryRow | Prepared], office_codes: dict[int, str]) -> None:
    """Codes shaped like ours move the office's day counter, so a later intake never reuses them."""
    highest: dict[tuple[int, date], int] = {}
    for row in rows:
        code, office_id = row[:2] if type(row) is tuple else (row.code, row.intake_office_id)
        match = OUR_CODE.match(code)
        if not match or match["office"] != office_codes.get(office_id):
            continue
        try:
            day = datetime.strptime(match["day"], "%y%m%d").date()
        except ValueError:
            continue
        key = (office_id, day)
        highest[key] = max(highest.get(key, 0), int(match["number"]))
    for (office_id, day), number in sorted(highest.items()):  # in key order: writers run side by side
        counter, _created = DossierCounter.objects.select_for_update().get_or_create(
            office_id=office_id, day=day
        )
        if counter.last < number:
            counter.last = number
            counter.save(update_fields=["last"])


def write_rows(rows: list[HistoryRow | Prepared], *, now: datetime | None = None) -> int:
    """Write one batch of checked rows in one transaction; returns how many dossiers were new.
    Rows already made into COPY text (``Prepared``) are for PostgreSQL only."""
    now = now or timezone.now()
    office_codes = {pk: code for code, pk in Agency.objects.values_list("code", "id")}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql":
            if outermost:
                # The batch's foreign keys are checked as each statement ends, before the rollup
                # rows it shares with the other writer are taken, not all at the commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            created = _write_postgres(rows, now)
        else:
            created = _write_generic(rows, now)
        _bump_counters(rows, office_codes)
    return created


# --- Reading --------------------------------------------------------------------------------------


# A record may span lines (a quoted field with line breaks), but not more than this: past it, an
# opening quote without its closing one is taken as the cause, the line where the record starts is
# reported, and reading goes on from the next line. A line longer than this is a bad row too
# (every field we read is short); it is skipped without being held in memory.
MAX_RECORD_LINES = 50
MAX_RECORD_CHARS = 65_536
# What a field may not hold: a NUL (PostgreSQL refuses it) and, as Python reads a file that is not
# UTF-8 with ``surrogateescape``, the bytes that are not UTF-8.
_BAD_TEXT = re.compile("[\x00\udc80-\udcff]")


class _TooLong(Exception):
    pass


class _Lines:
    """The physical lines of the file, numbered, for ``csv.reader``; the lines a bad record took
    after its first are given back, to be read again as records of their own."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.number = 0
        self.back: deque[tuple[int, str | None]] = deque()
        self.taken: list[tuple[int, str | None]] = []
        self.chars = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.back:
            number, text = self.back.popleft()
        else:
            text = self.handle.readline(MAX_RECORD_CHARS + 1)
            if not text:
                raise StopIteration
            self.number += 1
            number = self.number
            if len(text) > MAX_RECORD_CHARS and not text.endswith("\n"):
                while (rest := self.handle.readline(MAX_RECORD_CHARS + 1)) and not rest.endswith("\n"):
                    pass  # the rest of an overlong line, skipped
                text = None
        self.taken.append((number, text))
        if text is None:
            raise _TooLong(_("dòng dài quá %(n)s ký tự") % {"n": f"{MAX_RECORD_CHARS:,}".replace(",", ".")})
        self.chars += len(text)
        if len(self.taken) > MAX_RECORD_LINES or self.chars > MAX_RECORD_CHARS:
            raise _TooLong(
                _("dấu ngoặc kép mở mà không đóng (bản ghi dài hơn %(n)s dòng hoặc %(chars)s ký tự)")
                % {"n": MAX_RECORD_LINES, "chars": f"{MAX_RECORD_CHARS:,}".replace(",", ".")}
            )
        return text

    def start(self) -> None:
        self.taken = []
        self.chars = 0

    def first(self) -> int:
        return self.taken[0][0] if self.taken else self.number

    def give_back(self) -> None:
        self.back.extendleft(reversed(self.taken[1:]))


def _records(handle) -> Iterator[tuple[int, list[str] | RowError]]:
    """``(line, fields)`` of each record that is not blank, where ``line`` is where it starts, or
    ``(line, RowError)`` for a record that cannot be read: whatever the bytes (NUL, not UTF-8, an
    unbalanced quote, an overlong field, a truncated last line), reading goes on after it."""
    lines = _Lines(handle)
    reader = csv.reader(lines, strict=True)
    while True:
        lines.start()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except (csv.Error, _TooLong) as exc:
            if not lines.taken:
                return
            line = lines.first()
            lines.give_back()
            reader = csv.reader(lines, strict=True)
            reason = (
                str(exc) if isinstance(exc, _TooLong) else _("không đọc được CSV: %(error)s") % {"error": exc}
            )
            yield line, RowError(reason)
            continue
        if not fields:
            continue
        bad = _BAD_TEXT.search("".join(fields))
        if bad:
            error = RowError(_("có ký tự NUL") if bad.group() == "\x00" else _("có byte không phải UTF-8"))
            error.fields = [_BAD_TEXT.sub("\ufffd", field) for field in fields]  # printable, for its code
            yield lines.first(), error
            continue
        yield lines.first(), fields


@contextmanager
def _open(path: Path) -> Iterator[tuple[list[str], Iterator[tuple[int, list[str] | RowError]]]]:
    """The header's names and the ``(line, fields)`` of each record (``_records``)."""
    try:
        handle = path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise HistoryFileError(_("Không mở được %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
    with handle:
        records = _records(handle)
        first = next(records, (1, []))[1]
        if isinstance(first, RowError):
            raise HistoryFileError(_("Dòng tiêu đề không đọc được: %(error)s") % {"error": first})
        header = [name.strip() for name in first]
        missing = sorted(REQUIRED_COLUMNS - set(header))
        if missing:
            raise HistoryFileError(
                _("Dòng tiêu đề thiếu cột: %(columns)s. Cần: %(all)s.")
                % {"columns": ", ".join(missing), "all": ", ".join(COLUMNS)}
            )
        yield header, records


class BatchWriter:
    """Writes batches as they come. On PostgreSQL outside a transaction, ``WRITERS`` threads, each
    with its own connection, write batches while this one checks the next (the driver releases the
    interpreter while the server works), so the server's cores all work. Two writers may wait on
    the same rollup rows: a batch the server stopped for a deadlock is written again."""

    WRITERS = 2
    ATTEMPTS = 3

    def __init__(self, report: HistoryReport) -> None:
        self.report = report
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.error: BaseException | None = None
        self.lock = threading.Lock()
        if self.threaded:
            self.queue: queue.Queue[tuple | None] = queue.Queue(maxsize=2 * self.WRITERS)
            self.threads = [
                threading.Thread(target=self._run, name=f"history-writer-{n}", daemon=True)
                for n in range(self.WRITERS)
            ]
            for thread in self.threads:
                thread.start()

    def _write(self, batch: list[HistoryRow | Prepared], lines: list[int] | None = None) -> None:
        """Write a batch. When the database refuses it for a value (one Python let through), and
        the batch's lines are known, its halves are written apart until the refused rows are
        found: each is reported with its line, every other row is written."""
        refused = (
            DataError,
            IntegrityError,
            connection.Database.DataError,
            connection.Database.IntegrityError,
        )
        try:
            for attempt in range(1, self.ATTEMPTS + 1):
                try:
                    created = write_rows(batch)
                    break
                except OperationalError as exc:
                    deadlock = getattr(exc.__cause__, "pgcode", None) == "40P01"
                    if not deadlock or attempt == self.ATTEMPTS:
                        raise
        except refused as exc:
            if lines is None:
                raise
            if len(batch) == 1:
                row = batch[0]
                problem = Problem(
                    line=lines[0],
                    code=row[0] if type(row) is tuple else row.code,
                    reason=_("cơ sở dữ liệu không nhận: %(error)s")
                    % {"error": str(exc).strip().splitlines()[0]},
                )
                with self.lock:
                    self.report.errors.append(problem)
                return
            half = len(batch) // 2
            self._write(batch[:half], lines[:half])
            self._write(batch[half:], lines[half:])
            return
        with self.lock:
            self.report.created += created
            self.report.existing += len(batch) - created

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self._write(*item)
                    except BaseException as exc:  # handed to the reading thread by finish()
                        self.error = exc
        finally:
            connection.close()

    def submit(self, batch: list[HistoryRow | Prepared], lines: list[int] | None = None) -> None:
        """``lines``: the file's line of each row, to find and report rows the database refuses."""
        if not self.threaded:
            self._write(batch, lines)
            return
        if self.error is not None:
            self.finish()
        self.queue.put((batch, lines))

    def finish(self) -> None:
        if self.threaded:
            alive = [thread for thread in self.threads if thread.is_alive()]
            for _thread in alive:
                self.queue.put(None)
            for thread in alive:
                thread.join()
        if self.error is not None:
            raise self.error


def load_records(
    header: list[str],
    records: Iterable[tuple[int, list[str]]],
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> HistoryReport:
    """Check and write the ``(line, fields)`` of a file whose first line is ``header``; the core
    of the command."""
    report = HistoryReport()
    catalog = _Catalog()
    seen: set[str] = set()
    batch: list[HistoryRow | Prepared] = []
    writer = BatchWriter(report)
    # Where each column is (the last of two equal names, as a dict of the row would keep it).
    position = {name: i for i, name in enumerate(header)}
    at = [position.get(name) for name in COLUMNS]
    code_at = position.get("code")
    # Rows of the usual shape go to PostgreSQL's COPY text at once; any other row, and every row
    # elsewhere, is checked by ``check_row``.
    fast = connection.vendor == "postgresql" and None not in at
    width = max((i for i in at if i is not None), default=0) + 1
    counted = 0
    lines: list[int] = []
    try:
        for line, fields in records:
            report.read += 1
            try:
                if isinstance(fields, RowError):
                    raise fields
                row = _fast_row(fields, at, catalog) if fast and len(fields) >= width else None
                if row is None:
                    # a short row lacks its last columns, as with csv.DictReader
                    row = check_row(dict(zip(header, fields, strict=False)), catalog)
                    code = row.code
                else:
                    code = row[0]
                if code in seen:
                    raise RowError(_("mã hồ sơ trùng với một dòng trước trong tệp"))
                catalog.check_register(code)
            except RowError as exc:
                code = ""
                fields = getattr(fields, "fields", fields)
                if not isinstance(fields, RowError) and code_at is not None and code_at < len(fields):
                    code = fields[code_at].strip()[:CODE_MAX]
                report.errors.append(Problem(line=line, code=code, reason=str(exc)))
            else:
                seen.add(code)
                batch.append(row)
                lines.append(line)
                if len(batch) >= batch_size:
                    writer.submit(batch, lines)
                    batch, lines = [], []
            if progress:
                counted += 1
                if counted == 1000:
                    progress(counted)
                    counted = 0
        if batch:
            writer.submit(batch, lines)
    finally:
        if progress and counted:
            progress(counted)
        writer.finish()
    report.errors.sort(key=lambda problem: problem.line)
    return report


def import_history(
    path: Path, *, progress: Callable[[int], None] | None = None, batch_size: int = BATCH_SIZE
) -> HistoryReport:
    """Import the CSV at ``path`` (the header names the columns of ``COLUMNS``, in any order)."""
    with _open(Path(path)) as (header, records):
        return load_records(header, records, progress=progress, batch_size=batch_size)


def count_rows(path: Path) -> int:
    """The number of data rows, for the progress bar (a quick pass over the bytes)."""
    with Path(path).open("rb") as handle:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)

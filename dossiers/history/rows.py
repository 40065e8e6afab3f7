"""A row of a history file checked: the columns, the catalog it is checked against, ``check_row``
and the quicker ``_fast_row`` for rows of the usual shape."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Channel, Dossier
from dossiers.workflow import FINAL_STATUSES, Status
from dossiers.workflow import STATUS_BY_NATIONAL_CODE as NATIONAL_STATUS
from procedures import workdays
from procedures.models import Agency, Procedure

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
        f"{_escape(code)}\t{known[0]}\t{agency_id}\t{office_id}\t{channel}\t{status}\t{_escape(name)}\t"
        f"{submitted}\t{received}\t{due}\t{ready or nothing}\t{returned or nothing}\t{closed}"
    )
    return code, office_id, text

"""Our CSV: one row per procedure under a header row (docs/import-format.md)."""

import csv
from typing import TextIO

from django.utils.translation import gettext as _

from procedures.importers.checks import (
    AgencyIndex,
    check_field,
    check_identity,
    kept_flags,
    level_or_agency,
    online_accepted,
    resolve_agency,
)
from procedures.importers.report import ImportFileError
from procedures.importers.values import (
    HOURS_PER_DAY,
    fit,
    parse_amount,
    parse_channel,
    parse_count,
    parse_days,
    parse_fee_kind,
    parse_flag,
    parse_level,
    parse_online_level,
    parse_time_unit,
    text_of,
    working_days,
)
from procedures.models import FeeKind, TimeUnit
from procedures.services import CatalogError, DocumentData, FeeData, ProcedureData
from procedures.text import fold

CSV_COLUMNS = (
    "code",
    "name",
    "field_code",
    "field_name",
    "agency_code",
    "level",
    "processing_days",
    "time_unit",
    "online_level",
    "channels",
    "on_the_spot",
    "documents",
    "fees",
    "legal_basis",
    "result",
    "conditions",
    "applicants",
)
CSV_REQUIRED = ("code", "name", "processing_days")


def _split(value: str, sep: str = "|") -> list[str]:
    return [part.strip() for part in value.split(sep) if part.strip()]


def parse_csv_row(
    row: dict,
    *,
    default_agency: str | None = None,
    warnings: list[str] | None = None,
    agencies: AgencyIndex | None = None,
) -> ProcedureData:
    """One row of the CSV (a dict by lower-case column name, as csv.DictReader gives). Warnings
    are appended to ``warnings``; bad data raises CatalogError."""
    warnings = [] if warnings is None else warnings
    agencies = agencies or AgencyIndex.load()
    if row.get(None):
        raise CatalogError(
            _("Dòng có nhiều cột hơn dòng tiêu đề (thiếu dấu ngoặc kép quanh một ô có dấu phẩy?).")
        )

    def get(column: str) -> str:
        return text_of(row.get(column))

    code, name = get("code"), get("name")
    check_identity(code, name)
    field_code, field_name = check_field(get("field_code"), get("field_name"), warnings)
    # agency_code holds an agency's code, or its name (matched without case or diacritics).
    agency = resolve_agency(agencies, get("agency_code"), get("agency_code"), default_agency, warnings)
    level = level_or_agency(parse_level(get("level")), agency, agencies, warnings)
    amount = parse_days(get("processing_days"), what=_("thời hạn giải quyết"), warnings=warnings)
    time_unit = parse_time_unit(get("time_unit"))
    # a limit in working hours is given in hours and kept as a fraction of a working day
    days = working_days(amount / HOURS_PER_DAY if time_unit == TimeUnit.WORKING_HOUR else amount)
    online_level = parse_online_level(get("online_level"), warnings)

    kinds = set()
    for value in _split(get("channels")):
        kind = parse_channel(value)
        if kind is None:
            raise CatalogError(_("Cách thức nộp không hợp lệ: “%(value)s”.") % {"value": value})
        kinds.add(kind)
    kinds = kinds or {"counter"}

    documents = []
    for item in _split(get("documents")):
        parts = [p.strip() for p in item.split(";")]
        if len(parts) > 4:  # a ";" inside the name
            parts = [";".join(parts[:-3]), *parts[-3:]]
        parts += [""] * (4 - len(parts))
        documents.append(
            DocumentData(
                name=fit(parts[0], 1000, _("Tên giấy tờ"), warnings),
                originals=parse_count(parts[1], default=1, what=_("Số bản chính")),
                copies=parse_count(parts[2], default=0, what=_("Số bản sao")),
                mandatory=parse_flag(parts[3], default=True, what=_("Bắt buộc")),
            )
        )

    fees = []
    for item in _split(get("fees")):
        parts = [p.strip() for p in item.split(";")]
        if len(parts) < 3:
            raise CatalogError(_("Khoản phí “%(value)s” phải có dạng loại;tên;số tiền.") % {"value": item})
        kind_text, fee_name, amount_text = parts[0], ";".join(parts[1:-1]), parts[-1]
        if fold(kind_text) not in ("fee", "charge", "phi", "le phi"):
            raise CatalogError(_("Loại phí không hợp lệ: “%(value)s”.") % {"value": kind_text})
        amount, note = parse_amount(amount_text, warnings)
        kind = parse_fee_kind(kind_text)
        fees.append(
            FeeData(
                kind=kind,
                name=fit(fee_name or str(FeeKind(kind).label), 500, _("Tên khoản phí"), warnings),
                amount=amount,
                note=fit(note, 500, _("Ghi chú phí"), warnings),
            )
        )

    current_on_the_spot, is_active = kept_flags(code, days, None)
    return ProcedureData(
        code=code,
        name=name,
        field_code=field_code,
        field_name=field_name,
        agency_code=agency,
        level=level,
        processing_days=days,
        time_unit=time_unit,
        online_level=online_level,
        accepts_counter="counter" in kinds,
        accepts_online=online_accepted(kinds, online_level, warnings),
        accepts_postal="postal" in kinds,
        on_the_spot=parse_flag(row.get("on_the_spot"), default=bool(current_on_the_spot), what="on_the_spot"),
        applicants=get("applicants"),
        result="\n".join(_split(get("result"))),
        conditions=get("conditions"),
        legal_basis="\n".join(_split(get("legal_basis"))),
        is_active=is_active,
        documents=documents,
        fees=fees,
    )


def read_csv(stream: TextIO) -> tuple[list[tuple[int, dict]], list[str]]:
    """The rows with the physical line each starts on, and the file's warnings."""
    reader = csv.reader(stream)
    try:
        header = [h.strip().lstrip("\ufeff").lower() for h in next(reader)]
        missing = [c for c in CSV_REQUIRED if c not in header]
        if not ({"field_code", "field_name"} & set(header)):
            missing.append("field_code/field_name")
        if missing:
            raise ImportFileError(
                _("Tệp CSV thiếu cột: %(columns)s (xem docs/import-format.md).")
                % {"columns": ", ".join(missing)}
            )
        notes = [
            _("Bỏ qua cột không dùng: %(column)s.") % {"column": column}
            for column in header
            if column not in CSV_COLUMNS
        ]
        rows = []
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            row: dict = dict(zip(header, values, strict=False))
            if len(values) > len(header):
                row[None] = values[len(header) :]
            rows.append((line, row))
    except StopIteration:
        raise ImportFileError(_("Tệp CSV rỗng.")) from None
    except csv.Error as exc:
        raise ImportFileError(
            _("Tệp CSV hỏng ở dòng %(line)s: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc
    return rows, notes

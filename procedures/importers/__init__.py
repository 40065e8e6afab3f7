"""Catalog import: procedures from the national procedure database's JSON and from our CSV.

``values`` parses single values, ``checks`` holds the rules checked against the catalog,
``national`` and ``csv_rows`` read the two formats; every write goes through
``procedures.services.procedure_upsert``, one transaction per procedure, so a bad row changes
nothing and does not stop the others. The mapping of every column and key is documented in
``docs/import-format.md``.
"""

import codecs
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from procedures.importers.checks import AgencyIndex
from procedures.importers.csv_rows import CSV_COLUMNS, CSV_REQUIRED, parse_csv_row, read_csv
from procedures.importers.national import parse_national_item
from procedures.importers.report import ImportFileError, ImportReport, RowProblem
from procedures.importers.values import (
    parse_amount,
    parse_channel,
    parse_days,
    parse_fee_kind,
    parse_flag,
    parse_level,
    parse_online_level,
    parse_time,
    text_of,
    working_days,
)
from procedures.services import procedure_upsert

__all__ = [
    "CSV_COLUMNS",
    "CSV_REQUIRED",
    "FORMATS",
    "AgencyIndex",
    "ImportFileError",
    "ImportReport",
    "RowProblem",
    "import_procedures",
    "parse_amount",
    "parse_channel",
    "parse_csv_row",
    "parse_days",
    "parse_fee_kind",
    "parse_flag",
    "parse_level",
    "parse_national_item",
    "parse_online_level",
    "parse_time",
    "working_days",
]

FORMATS = ("json", "csv")


def _read_json(text: str) -> list[tuple[int, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("Tệp JSON không hợp lệ (dòng %(line)s, cột %(col)s): %(error)s")
            % {"line": exc.lineno, "col": exc.colno, "error": exc.msg}
        ) from exc
    except RecursionError:
        raise ImportFileError(
            _("Tệp JSON lồng nhau quá sâu (hàng trăm lớp ngoặc): không phải danh mục thủ tục.")
        ) from None
    if isinstance(data, dict):
        data = data.get("data", [data] if "MATTHC" in data else None)
    if not isinstance(data, list):
        raise ImportFileError(
            _("Tệp JSON phải là một danh sách thủ tục, hoặc một đối tượng có khóa “data” chứa danh sách đó.")
        )
    return list(enumerate(data, start=1))


def _row_code(row: Any, fmt: str) -> str:
    if not isinstance(row, dict):
        return ""
    return text_of(row.get("MATTHC" if fmt == "json" else "code"))[:32]


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, DatabaseError):
        return _("Lỗi ghi cơ sở dữ liệu: %(error)s") % {"error": exc}
    return _("Dữ liệu không hợp lệ: %(error)s") % {"error": exc}


class _DryRun(Exception):
    pass


# RecursionError: an item nested deep enough to exhaust the stack while it is read.
_ROW_ERRORS = (
    ValidationError,
    DatabaseError,
    ValueError,
    TypeError,
    AttributeError,
    ArithmeticError,
    RecursionError,
)


def import_procedures(
    path: Path,
    *,
    fmt: str | None = None,
    default_agency: str | None = None,
    dry_run: bool = False,
    progress: bool = False,
    encoding: str | None = None,
    progress_file: TextIO | None = None,
) -> ImportReport:
    """Create or update, by code, every procedure in the file (``fmt`` "json" or "csv", by
    default from the extension). Each row is its own transaction: a bad row is reported in the
    returned report and changes nothing. ``dry_run`` checks every row and writes nothing.
    Raises ImportFileError when the file as a whole cannot be read."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ImportFileError(
            _("Không đoán được định dạng của tệp %(name)s; dùng --format json hoặc --format csv.")
            % {"name": path.name}
        )
    try:
        encoding = encoding or "utf-8-sig"
        if codecs.lookup(encoding).name == "utf-8":
            encoding = "utf-8-sig"  # a byte-order mark is welcome either way
        with path.open(encoding=encoding, newline="") as stream:
            if fmt == "json":
                rows, notes = _read_json(stream.read()), []
            else:
                rows, notes = read_csv(stream)
    except LookupError as exc:
        raise ImportFileError(_("Bảng mã không hợp lệ: %(encoding)s.") % {"encoding": encoding}) from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("Không đọc được tệp theo bảng mã %(encoding)s (dùng --encoding).") % {"encoding": encoding}
        ) from exc
    except OSError as exc:
        raise ImportFileError(
            _("Không đọc được tệp %(path)s: %(error)s") % {"path": path, "error": exc}
        ) from exc

    agencies = AgencyIndex.load()
    if default_agency and default_agency not in agencies.levels:
        raise ImportFileError(_("Không có cơ quan mã %(code)s trong danh mục.") % {"code": default_agency})
    unit = "item" if fmt == "json" else "line"
    parse = parse_national_item if fmt == "json" else parse_csv_row
    report = ImportReport(dry_run=dry_run, warnings=[RowProblem(1, "", note, unit) for note in notes])
    seen: dict[str, int] = {}
    stream = progress_file or sys.stderr
    show = progress and hasattr(stream, "isatty") and stream.isatty()

    def run() -> None:
        for line, row in tqdm(
            rows, desc=_("Nhập thủ tục"), unit=" " + _("thủ tục"), file=stream, disable=not show
        ):
            row_warnings: list[str] = []
            try:
                data = parse(row, default_agency=default_agency, warnings=row_warnings, agencies=agencies)
                _procedure, created = procedure_upsert(data=data)
            except _ROW_ERRORS as exc:
                report.errors.append(RowProblem(line, _row_code(row, fmt), _reason(exc), unit))
                continue
            if data.code in seen:
                earlier = (_("mục %(line)s") if unit == "item" else _("dòng %(line)s")) % {
                    "line": seen[data.code]
                }
                row_warnings.insert(0, _("Mã thủ tục trùng với %(earlier)s; ghi đè.") % {"earlier": earlier})
            seen[data.code] = line
            report.created += created
            report.updated += not created
            report.warnings += [RowProblem(line, data.code, w, unit) for w in row_warnings]

    if not dry_run:
        run()
        return report
    try:
        with transaction.atomic():
            run()
            raise _DryRun
    except _DryRun:
        pass
    return report

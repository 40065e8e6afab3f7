"""The one way the portal writes a table as CSV or XLSX (the register, reconciliation, the
periodic report and any later export). Every export goes through here, so that a name typed by a
citizen or a clerk can never run as a formula in the spreadsheet of whoever opens the file
(OWASP, "CSV injection"):

- XLSX: text cells are written as text (``data_type = "s"``), never as a formula, whatever they
  start with; characters XML cannot carry are dropped;
- CSV: a text field starting with ``= + - @``, a tab or a carriage return gets a leading ``'``,
  which spreadsheet programs show as text. Numbers are written as numbers.

It lives in ``receipts`` because receipts owns the printed and downloaded papers of the desk (the
register and reconciliation, the first exports); ``dashboards`` reads every app and imports it from
here (docs/notes.md, "Security and personal data")."""

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def csv_safe(value):
    """A CSV field that no spreadsheet program reads as a formula (numbers are left alone)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the diacritics right."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, rows: Iterable[Sequence], *, bold_rows: int = 1) -> bytes:
    """One sheet; the first ``bold_rows`` rows (titles, the header) in bold, whole numbers with
    thousands separators, every text as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # set after the value: openpyxl takes "=…" for a formula
            else:
                cell.value = value
                if isinstance(value, int) and not isinstance(value, bool) and number > bold_rows:
                    cell.number_format = "#,##0"
            if number <= bold_rows:
                cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

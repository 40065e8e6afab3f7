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
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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


def csv_decimal(value, places: int = 1):
    """A rate for a CSV read by people: the decimal comma, as the pages write it (``66,7``);
    whole numbers and text are left as they are."""
    if isinstance(value, float):
        return f"{value:.{places}f}".replace(".", ",")
    return value


def _put(cell, value) -> None:
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # set after the value: openpyxl takes "=…" for a formula
    else:
        cell.value = value


def to_xlsx(title: str, rows: Iterable[Sequence], *, bold_rows: int = 1) -> bytes:
    """One sheet; the first ``bold_rows`` rows (titles, the header) in bold, whole numbers with
    thousands separators, every text as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            _put(cell, value)
            if isinstance(value, int) and not isinstance(value, bool) and number > bold_rows:
                cell.number_format = "#,##0"
            if number <= bold_rows:
                cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass
class OfficialReport:
    """A statistical report laid out as the official form prints it: the form number top left,
    the reporting and receiving units top right, the title and period centred, a header of one row
    of groups over one row of columns (a group of one column spans both rows), a row numbering the
    columns, the body with its totals in bold, and the signature blocks below; printed on A4
    landscape, fitted to the page width, with the header repeated on each page."""

    sheet_title: str
    form_number: str
    units: list[str]  # top right: reporting unit, receiving unit
    title: list[str]  # centred; the first line bold capitals
    unit_note: str  # "Đơn vị tính: …", right above the table
    groups: list[tuple[str, int]]  # (label, columns); the labels of one-column groups span both rows
    columns: list[str]  # one label per column ("" under a one-column group)
    numbers: list[str]  # "(1)", "(2)", "(3)=(4)+(5)+(6)" …
    widths: list[float]
    formats: list[str | None]  # number format per column
    rows: list[Sequence]
    bold_rows: set[int] = field(default_factory=set)  # indexes into ``rows``
    signatures: list[list[str]] = field(default_factory=list)  # blocks, left to right; line 2 bold


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _merge(sheet: Worksheet, row: int, first: int, last: int, value, **style) -> None:
    cell = sheet.cell(row=row, column=first)
    _put(cell, value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def official_xlsx(report: OfficialReport) -> bytes:
    """The report as an XLSX file; every text as text (see the module's docstring)."""
    width = len(report.columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = report.sheet_title[:31]
    right = max(1, width - 4)
    _merge(sheet, 1, 1, 2, report.form_number, font=Font(bold=True))
    for i, line in enumerate(report.units, start=1):
        _merge(sheet, i, right, width, line, alignment=Alignment(horizontal="left", wrap_text=True))
    row = len(report.units) + 2
    for i, line in enumerate(report.title):
        font = Font(bold=True, size=13) if i == 0 else Font(bold=True, italic=i > 1)
        _merge(sheet, row, 1, width, line, font=font, alignment=Alignment(horizontal="center"))
        row += 1
    _merge(
        sheet,
        row,
        right,
        width,
        report.unit_note,
        font=Font(italic=True),
        alignment=Alignment(horizontal="right"),
    )
    top = row + 1
    column = 1
    for label, span in report.groups:
        for c in range(column, column + span):
            for r in (top, top + 1):
                sheet.cell(row=r, column=c).border = BOX
                sheet.cell(row=r, column=c).alignment = CENTRE
                sheet.cell(row=r, column=c).font = Font(bold=True)
        _put(sheet.cell(row=top, column=column), label)
        if span == 1 and not report.columns[column - 1]:
            sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
        else:
            if span > 1:
                sheet.merge_cells(
                    start_row=top, start_column=column, end_row=top, end_column=column + span - 1
                )
            for c in range(column, column + span):
                _put(sheet.cell(row=top + 1, column=c), report.columns[c - 1])
        column += span
    for c, number in enumerate(report.numbers, start=1):
        cell = sheet.cell(row=top + 2, column=c)
        _put(cell, number)
        cell.border, cell.alignment, cell.font = BOX, CENTRE, Font(italic=True)
    row = top + 3
    for i, values in enumerate(report.rows):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=c)
            _put(cell, value)
            cell.border = BOX
            if report.formats[c - 1] and not isinstance(value, str):
                cell.number_format = report.formats[c - 1]
            if c > 2:
                cell.alignment = Alignment(horizontal="right")
            elif c == 2:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if i in report.bold_rows:
                cell.font = Font(bold=True)
        row += 1
    row += 1
    if report.signatures:
        share = width // len(report.signatures)
        for b, block in enumerate(report.signatures):
            first = 1 + b * share
            last = width if b == len(report.signatures) - 1 else first + share - 1
            for i, line in enumerate(block):
                font = Font(bold=i == 1, italic=i != 1)
                _merge(sheet, row + i, first, last, line, font=font, alignment=Alignment(horizontal="center"))
    for c, w in enumerate(report.widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = w
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{top}:{top + 2}"
    sheet.print_options.horizontalCentered = True
    sheet.freeze_panes = sheet.cell(row=top + 3, column=3)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

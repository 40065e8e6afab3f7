"""The periodic report on the handling of administrative procedures (form 06 of Circular
01/2020/TT-VPCP on periodic reporting) as the official form lays it out.

The layout follows the form as seen reproduced in a province's reporting software ("Biểu số
II.06a/VPCP/KSTT"): the form number top left, the reporting and receiving units top right, the
title and the period ("Kỳ báo cáo", then "từ ngày … đến ngày …"), "Đơn vị tính: Số hồ sơ TTHC",
then the table of 13 numbered columns — (1) number, (2) field, (3)–(6) dossiers to resolve (total,
new online, new at the desk or by post, carried over), (7)–(10) resolved (total, early, on time,
late), (11)–(13) being resolved (total, within the time limit, overdue) — and the signatures. The
official text of the circular's annex could not be read from here (docs/rules.md, "Periodic report
(form 06)"): the title's wording, the signature blocks and the column labels are as far as we could
confirm them. Our report adds, after the form's columns, the dossiers closed otherwise (refused,
withdrawn, stopped), those returned and the two rates; received = resolved + being resolved +
closed otherwise, every dossier in exactly one column.
"""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards import figures
from procedures.models import Agency
from receipts.spreadsheets import OfficialReport, csv_decimal

FORM_NUMBER = "Biểu số II.06a/VPCP/KSTT"

# (group label, [(figure key, column label)]); a group of one column puts its label over both rows.
LAYOUT = [
    (
        _("Số hồ sơ nhận giải quyết"),
        [
            ("received_total", _("Tổng số")),
            ("received_online", _("Mới tiếp nhận trực tuyến")),
            ("received_direct", _("Mới tiếp nhận trực tiếp, dịch vụ bưu chính")),
            ("carried_over", _("Từ kỳ trước chuyển sang")),
        ],
    ),
    (
        _("Số hồ sơ đã giải quyết"),
        [
            ("resolved", _("Tổng số")),
            ("resolved_early", _("Trước hạn")),
            ("resolved_on_time", _("Đúng hạn")),
            ("resolved_late", _("Quá hạn")),
        ],
    ),
    (
        _("Số hồ sơ đang giải quyết"),
        [
            ("in_progress", _("Tổng số")),
            ("in_progress_on_time", _("Trong hạn")),
            ("in_progress_overdue", _("Quá hạn")),
        ],
    ),
    (
        _("Kết thúc không có kết quả"),
        [
            ("refused", _("Từ chối")),
            ("withdrawn", _("Rút hồ sơ")),
            ("stopped", _("Dừng giải quyết")),
        ],
    ),
    (_("Đã trả kết quả"), [("returned", "")]),
    (
        _("Tỷ lệ (%)"),
        [("on_time_rate", _("Đúng hạn, trước hạn")), ("online_rate", _("Trực tuyến"))],
    ),
]
COLUMNS = [key for _group, keys in LAYOUT for key, _label in keys]
# The column numbers with the sums the form writes under its totals.
SUMS = {3: "(3)=(4)+(5)+(6)", 7: "(7)=(8)+(9)+(10)", 11: "(11)=(12)+(13)"}


def period_name(date_from: date, date_to: date) -> str:
    """ "Tháng 3 năm 2026", "Quý I năm 2026", "6 tháng đầu năm 2026", "Năm 2026", or the dates."""
    whole_months = date_from.day == 1 and (date_to + timedelta(days=1)).day == 1
    if whole_months and date_from.year == date_to.year:
        first, last, year = date_from.month, date_to.month, date_from.year
        if first == last:
            return _("Tháng %(m)d năm %(y)d") % {"m": first, "y": year}
        if (first, last) in ((1, 3), (4, 6), (7, 9), (10, 12)):
            quarter = ("I", "II", "III", "IV")[(first - 1) // 3]
            return _("Quý %(q)s năm %(y)d") % {"q": quarter, "y": year}
        if (first, last) == (1, 6):
            return _("6 tháng đầu năm %(y)d") % {"y": year}
        if (first, last) == (1, 9):
            return _("9 tháng năm %(y)d") % {"y": year}
        if (first, last) == (1, 12):
            return _("Năm %(y)d") % {"y": year}
    return _("Từ %(a)s đến %(b)s") % {"a": f"{date_from:%d/%m/%Y}", "b": f"{date_to:%d/%m/%Y}"}


def reporting_unit(query, user) -> str:
    """The agencies chosen, else the asker's own agency, else the centre."""
    if query.filters.agencies:
        return ", ".join(Agency.objects.filter(id__in=query.filters.agencies).values_list("name", flat=True))
    if query.filters.scope is not None and user.agency_id:
        return user.agency.name
    return settings.HCC_CENTER_NAME


def _title(query) -> str:
    return _("Tình hình, kết quả giải quyết thủ tục hành chính từ %(a)s đến %(b)s") % {
        "a": query.date_from.strftime("%d/%m/%Y"),
        "b": query.date_to.strftime("%d/%m/%Y"),
    }


def _body(rows) -> list[list]:
    last = len(rows) - 1
    return [
        [i + 1 if i < last else "", r.label] + [r.figures[k] for k in COLUMNS] for i, r in enumerate(rows)
    ]


def csv_rows(query, rows) -> list[list]:
    """The CSV: a title line, one header line, the body; rates with the decimal comma."""
    header = [_("STT"), _("Lĩnh vực, nhóm")] + [str(figures.FIGURES[k][0]) for k in COLUMNS]
    body = [[csv_decimal(v) for v in row] for row in _body(rows)]
    return [[_("Mẫu số 06"), _title(query)], header, *body]


def xlsx_report(query, rows, user) -> OfficialReport:
    groups, labels = [], []
    for group, keys in LAYOUT:
        groups.append((str(group), len(keys)))
        labels += [str(label) for _key, label in keys]
    width = 2 + len(labels)
    numbers = [SUMS.get(n, f"({n})") for n in range(1, width + 1)]
    today = timezone.localdate()
    return OfficialReport(
        sheet_title="Mau 06",
        form_number=FORM_NUMBER,
        units=[
            _("Đơn vị báo cáo: %(unit)s") % {"unit": reporting_unit(query, user)},
            _("Đơn vị nhận báo cáo: %(unit)s") % {"unit": settings.HCC_REPORT_RECIPIENT},
        ],
        title=[
            _("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"),
            _("Kỳ báo cáo: %(period)s") % {"period": period_name(query.date_from, query.date_to)},
            _("(Từ ngày %(a)s đến ngày %(b)s)")
            % {"a": f"{query.date_from:%d/%m/%Y}", "b": f"{query.date_to:%d/%m/%Y}"},
        ],
        unit_note=_("Đơn vị tính: Số hồ sơ TTHC"),
        groups=[(_("STT"), 1), (_("Lĩnh vực, công việc giải quyết theo cấp"), 1), *groups],
        columns=["", "", *labels],
        numbers=numbers,
        widths=[6, 38] + [11] * (len(labels) - 2) + [12, 12],
        formats=[None, None] + ["#,##0"] * (len(labels) - 2) + ["0.0", "0.0"],
        rows=_body(rows),
        bold_rows={len(rows) - 1},
        signatures=[
            ["", _("NGƯỜI LẬP BIỂU"), _("(Ký, ghi rõ họ tên)"), "", "", "", user.display_name],
            [
                _("……, ngày %(d)02d tháng %(m)02d năm %(y)d")
                % {"d": today.day, "m": today.month, "y": today.year},
                _("THỦ TRƯỞNG ĐƠN VỊ"),
                _("(Ký, ghi rõ họ tên, đóng dấu)"),
            ],
        ],
    )

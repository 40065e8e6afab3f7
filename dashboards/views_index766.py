"""The Decision 766 page: the index of a month, quarter or year in points, per agency, level, unit
or for the province, the indicator that lost the most first with the dossiers behind it, the
12-month trend of each group, and the export a province sends upward (XLSX)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards import index766
from dashboards.query import StatsQueryError, may_see_stats, parse
from dashboards.views import _number
from receipts import spreadsheets

# where the records behind an indicator whose source is not the dossiers are worked
SOURCE_PAGES = {
    "national": ("national:reconciliation", gettext_lazy("Đối soát đồng bộ Cổng quốc gia")),
    "payments": ("payments:pending", gettext_lazy("Thanh toán chờ xác nhận")),
    "surveys": ("surveys:feedback_list", gettext_lazy("Phản ánh, kiến nghị")),
    "procedures": ("procedures:catalog", gettext_lazy("Danh mục thủ tục")),
}
GROUP_BY_LABELS = {
    "province": gettext_lazy("Toàn tỉnh"),
    "level": gettext_lazy("Cấp"),
    "unit": gettext_lazy("Đơn vị"),
    "agency": gettext_lazy("Cơ quan"),
}
# the drill-down's labels where the dashboard's own ("Quá hạn" twice) would not say which list
LINK_LABELS = {
    "resolved_late": gettext_lazy("Đã giải quyết quá hạn"),
    "in_progress_overdue": gettext_lazy("Đang giải quyết quá hạn"),
    "received_direct": gettext_lazy("Hồ sơ nộp trực tiếp, bưu chính"),
}
PERIOD_LABELS = {"month": gettext_lazy("Tháng"), "quarter": gettext_lazy("Quý"), "year": gettext_lazy("Năm")}


@dataclass
class Period:
    kind: str
    year: int
    number: int
    date_from: date
    date_to: date


def _int(params, name: str, default: int, lo: int, hi: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        raise StatsQueryError({name: [_("Giá trị phải là số từ %(lo)s đến %(hi)s.") % {"lo": lo, "hi": hi}]})
    return int(raw)


def parse_period(params) -> Period:
    """``period`` (month, quarter, year), ``year`` and ``number`` (the month or the quarter):
    this year by default. Raises StatsQueryError on bad input."""
    today = timezone.localdate()
    kind = (params.get("period") or "year").strip()
    if kind not in index766.PERIODS:
        raise StatsQueryError({"period": [_("Kỳ phải là tháng, quý hoặc năm.")]})
    year = _int(params, "year", today.year, 2000, today.year + 1)
    default = today.month if kind == "month" else (today.month - 1) // 3 + 1
    number = 1 if kind == "year" else _int(params, "number", default, 1, 12 if kind == "month" else 4)
    date_from, date_to = index766.period_bounds(kind, year, number)
    return Period(kind, year, number, date_from, date_to)


def _period_label(period: Period) -> str:
    span = {"a": period.date_from.strftime("%d/%m/%Y"), "b": period.date_to.strftime("%d/%m/%Y")}
    return _("từ %(a)s đến %(b)s") % span


def _points(value, decimal: str | None = None) -> str:
    """Points to the hundredth in the language's number format ("17,45"): a number of points,
    never a percentage (``_number`` prints floats as rates). ``decimal``: the separator, when the
    caller has looked it up once for many numbers."""
    return f"{Decimal(str(value)):.2f}".replace(".", decimal or get_format("DECIMAL_SEPARATOR"))


def _html(text: str):
    """Markup the view wrote itself from escaped values (``html.escape``, quotes too, as the
    template's autoescape does): a table's rows written once in Python cost a fraction of the
    template's loops over 120 rows of cells."""
    # every value in it is escaped by the caller
    return mark_safe(text)  # noqa: S308  # nosec B308 B703


def _links(item: index766.IndicatorScore, params, period: Period) -> list[tuple[str, str]]:
    """The dossiers behind the points an indicator lost (the dashboard's drill-down), or the page
    where its records are worked."""
    from dashboards.figures import FIGURES, LOST

    indicator = item.indicator
    if indicator.lost_buckets:
        q = params.copy()
        for name in ("period", "year", "number", "group_by", "page"):
            q.pop(name, None)
        q["date_from"], q["date_to"] = period.date_from.isoformat(), period.date_to.isoformat()
        base = reverse("dashboards:dossiers")
        out = []
        for bucket in indicator.lost_buckets:
            q["bucket"] = bucket
            label = LINK_LABELS.get(bucket) or (FIGURES[bucket][0] if bucket in FIGURES else LOST[bucket])
            out.append((str(label), f"{base}?{q.urlencode()}"))
        return out
    name, label = SOURCE_PAGES[indicator.source]
    return [(str(label), reverse(name))]


def _row(item: index766.IndicatorScore, params, period: Period) -> dict:
    return {
        "code": item.indicator.code,
        "label": item.indicator.label,
        "rate": _number(item.rate),
        "part": _number(item.part),
        "whole": _number(item.whole),
        "no_data": item.whole <= 0,
        "points": _points(item.points),
        "max": item.indicator.points,
        "lost": _points(item.lost),
        "links": _links(item, params, period),
    }


def _trend_charts(trend: list) -> list[dict]:
    """One server-drawn bar chart per group: a bar a month, its height the share of the group's
    maximum (SVG units, no inline style), with the numbers for the table beside it (``bars``:
    the SVG's bars, ``cells``: the table's cells, both as markup)."""
    decimal = get_format("DECIMAL_SEPARATOR")
    charts = []
    for n, group in enumerate(index766.GROUPS):
        bars, cells = [], []
        for i, (month, scored) in enumerate(trend):
            points = scored.groups[n].points
            h = round(float(points) / group.points * 100) if group.points else 0  # bar height of 100
            value = escape(_points(points, decimal))
            bars.append(
                f'<rect class="dash-bar" x="{8 + i * 26}" y="{110 - h}" width="20" height="{h}">'
                f"<title>{month:%m/%Y}: {value}</title></rect>"
            )
            cells.append(f"<td>{value}</td>")
        charts.append(
            {
                "number": group.number,
                "label": group.label,
                "max": group.points,
                "bars": _html("".join(bars)),
                "cells": _html("".join(cells)),
            }
        )
    return charts


def _table(rows: list, group_by: str, params) -> str:
    """The rows of the table of units, as markup: the unit (a link to its own page by agency), the
    total, each group's points, the indicator that lost the most."""
    decimal = get_format("DECIMAL_SEPARATOR")
    linked = group_by == "agency"
    if linked:  # the page's own question, for one agency, the province's view of it
        q = params.copy()
        for name in ("agency", "group_by"):
            q.pop(name, None)
        prefix = f"?{q.urlencode()}&" if q else "?"
    out = []
    for scored in rows:
        worst = scored.worst()
        label = escape(str(scored.label))
        if linked and scored.key:
            href = escape(prefix + urlencode({"agency": scored.key, "group_by": "province"}))
            label = f'<a href="{href}">{label}</a>'
        groups = "".join(f"<td>{_points(g.points, decimal)}</td>" for g in scored.groups)
        worst_text = escape(f"{worst.indicator.code} {worst.indicator.label}") if worst.lost else ""
        out.append(
            f'<tr><th scope="row">{label}</th><td>{_points(scored.points, decimal)}</td>{groups}'
            f"<td>{worst_text}</td></tr>\n"
        )
    return _html("".join(out))


def _context(request):
    if not may_see_stats(request.user):
        raise PermissionDenied
    asked = request.GET.copy()
    asked.pop("group_by", None)  # this page's own grouping, not the statistics' one
    query = parse(asked, request.user)
    period = parse_period(request.GET)
    group_by = (request.GET.get("group_by") or "agency").strip()
    if group_by not in index766.GROUP_BY:
        raise StatsQueryError({"group_by": [_("Chỉ nhóm theo: toàn tỉnh, cấp, đơn vị, cơ quan.")]})
    base = {"date_from": period.date_from, "date_to": period.date_to, "filters": query.filters}
    counts = index766.inputs_by_agency(**base)  # read once for the province and the units
    (whole,) = index766.index(**base, by_agency=counts)
    rows = index766.index(**base, group_by=group_by, by_agency=counts) if group_by != "province" else [whole]
    return query, period, group_by, whole, rows


@login_required
def index_page(request):
    try:
        query, period, group_by, whole, rows = _context(request)
    except StatsQueryError as exc:
        return render(request, "dashboards/error.html", {"errors": exc.message_dict}, status=400)
    params = request.GET.copy()
    # the 12 months up to the period's end, or up to this month: no month of the future
    trend = index766.trend(date_to=min(period.date_to, timezone.localdate()), filters=query.filters)
    export = params.copy()
    return render(
        request,
        "dashboards/index766.html",
        {
            "period": period,
            "period_label": _period_label(period),
            "periods": PERIOD_LABELS,
            "group_by": group_by,
            "group_by_labels": GROUP_BY_LABELS,
            "group_by_label": GROUP_BY_LABELS[group_by],
            "params": params,
            "whole_points": _points(whole.points),
            "groups": [
                {"label": g.group.label, "points": _points(g.points), "max": g.group.points}
                for g in whole.groups
            ],
            "worst": [_row(i, params, period) for i in whole.by_loss()],
            "table": _table(rows, group_by, params),
            "charts": _trend_charts(trend),
            "trend_months": [f"{month:%m/%Y}" for month, _s in trend],
            "export_qs": export.urlencode(),
        },
    )


@login_required
def index_export(request):
    """The index of the period as the province sends it upward: a title, the period, one line per
    unit with its total and each group's points, then each indicator's rate and points, the
    province last (XLSX; every text cell neutralised against formulas by ``receipts.spreadsheets``)."""
    try:
        _query_, period, group_by, whole, rows = _context(request)
    except StatsQueryError as exc:
        return render(request, "dashboards/error.html", {"errors": exc.message_dict}, status=400)
    header = [_("STT"), _("Đơn vị"), _("Tổng điểm (tối đa 100)")]
    header += [f"{g.number}. {g.label} ({g.points})" for g in index766.GROUPS]
    for indicator in index766.INDICATORS:
        header += [
            _("%(code)s Tỷ lệ (%%)") % {"code": indicator.code},
            _("%(code)s Điểm (tối đa %(max)s)") % {"code": indicator.code, "max": indicator.points},
        ]

    def line(n, scored):
        out = [n, scored.label, float(scored.points)] + [float(g.points) for g in scored.groups]
        for item in scored.indicators:
            out += [item.rate if item.rate is not None else "", float(item.points)]
        return out

    body = [line(i + 1, scored) for i, scored in enumerate(rows) if group_by != "province"]
    whole.label = _("Toàn tỉnh")
    body.append(line("", whole))
    title = _("KẾT QUẢ BỘ CHỈ SỐ CHỈ ĐẠO, ĐIỀU HÀNH VÀ ĐÁNH GIÁ CHẤT LƯỢNG PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP")
    sheet = [
        [title],
        [_("(Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ)")],
        [_("Kỳ báo cáo: %(period)s") % {"period": _period_label(period)}],
        header,
        *body,
    ]
    response = HttpResponse(
        spreadsheets.to_xlsx("Chi so 766", sheet, bold_rows=4), content_type=spreadsheets.XLSX_TYPE
    )
    name = f"chi-so-766-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response

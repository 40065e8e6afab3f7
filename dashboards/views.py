"""The manager dashboard, the dossiers behind a figure and the periodic report (form 06)."""

from datetime import date
from html import escape
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dashboards import figures, form06
from dashboards.query import StatsQueryError, may_see_stats, parse
from dashboards.selectors import dossiers_behind
from dashboards.service_quality import service_quality
from receipts import spreadsheets
from web.numbers import format_percent

HEADLINE = ["received", "resolved", "in_progress", "in_progress_overdue", "on_time_rate", "online_rate"]
TABLE = [
    "received",
    "received_online",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress",
    "in_progress_overdue",
    "refused",
    "withdrawn",
    "returned",
    "on_time_rate",
]
COMPARE = ("level", "agency", "field", "procedure")
# Decision 766 group 6 (digitisation): (rate, counted, out of)
DIGITISATION = (
    ("digitised_rate", "received_digitised", "received"),
    ("result_digitised_rate", "results_digitised", "resolved"),
    ("reuse_rate", "reusing", "received"),
)


def _query(request, **kwargs):
    if not may_see_stats(request.user):
        raise PermissionDenied
    return parse(request.GET, request.user, **kwargs)


def _numbers():
    """``_number`` with the language's separators looked up once, for the many cells of a page."""
    thousands, decimal = get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")

    def number(value) -> str:
        if value is None:
            return "–"
        if type(value) is int:  # most cells: a count has no decimal part
            return f"{value:,}" if thousands == "," else f"{value:,}".replace(",", thousands)
        if isinstance(value, float):  # a rate: one way on every page (web.numbers)
            return format_percent(value)
        text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")
        return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)

    number.plain_counts = escape(thousands) == thousands  # a count's text needs no escaping
    return number


def _number(value) -> str:
    """1.234.567 (Vietnamese) or 1,234,567; rates as 96,3 % (96.3 %); – for none. Done in
    the view once per cell: the template filter costs more than the page's queries."""
    return _numbers()(value)


def _linker(params: QueryDict, *keys: str):
    """A function of ``values`` giving ``params`` with ``keys`` set to them as a query string (in
    place when ``params`` has them, else last: what ``QueryDict.urlencode`` of the copy gives), for
    many rows: the other parameters encoded once."""
    parts: list = []
    for key, values in params.lists():
        if key in keys:
            parts.append((key,))
        else:
            parts.extend(urlencode({key: v}) for v in values)
    parts.extend((key,) for key in keys if key not in params)

    def link(**values) -> str:
        return "&".join(urlencode({p[0]: values[p[0]]}) if isinstance(p, tuple) else p for p in parts)

    return link


def _table_rows(rows, list_url: str, number) -> str:
    """The rows of a table of figures as markup (``row.label``, then a cell per ``TABLE`` figure,
    a count linked to the dossiers behind it), every value escaped as the template would: 130
    rows of 12 cells written in Python cost a fraction of the template's nested loops."""
    out = []
    plain = getattr(number, "plain_counts", False)
    for row in rows:
        figs = row.figures
        link = escape(f"{list_url}?{row.qs}&bucket=")  # + a name of TABLE: letters and "_" only
        cells = []
        for k in TABLE:
            v = figs[k]
            value = number(v) if plain and type(v) is int else escape(number(v))
            if k.endswith("_rate"):
                cells.append(f"<td>{value}</td>")
            else:
                cells.append(f'<td><a href="{link}{k}">{value}</a></td>')
        out.append(f'<tr><th scope="row">{escape(str(row.label))}</th>{"".join(cells)}</tr>')
    # every value in it is escaped above
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703


def _bars(rows, key: str, number) -> str:
    """A server-drawn bar chart as SVG markup: one bar per row, heights in SVG units (no inline
    style), the row's label and count in its title, the label's first two characters below it.
    Written in Python for the reason ``_table_rows`` is; every value escaped."""
    top = max((r.figures[key] or 0 for r in rows), default=0) or 1
    out = []
    for i, r in enumerate(rows):
        value = r.figures[key]
        h = round(150 * (value or 0) / top)
        x = 10 + i * 40
        label = escape(str(r.label))
        shown = "None" if value is None else escape(number(value))
        out.append(
            f'<rect class="dash-bar" x="{x}" y="{160 - h}" width="30" height="{h}">'
            f"<title>{label}: {shown}</title></rect>"
            f'<text class="dash-axis" x="{x}" y="175">{escape(str(r.label)[:2])}</text>'
        )
    # every value in it is escaped above
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703


def _header_cells() -> str:
    """The column headers of both tables of figures (one ``<th>`` per ``TABLE`` figure)."""
    # the labels are ours, escaped
    return mark_safe(  # noqa: S308  # nosec B308 B703
        "".join(f'<th scope="col">{escape(str(figures.FIGURES[k][0]))}</th>' for k in TABLE)
    )


def _quality_shown(quality, number) -> dict[str, str]:
    """The counts of the service quality block written as the page shows them: a number given to
    ``blocktranslate`` as text is put in as it is, not localised again value by value."""
    return {
        "satisfied": number(quality.satisfaction_766["satisfied"]),
        "dossiers": number(quality.satisfaction_766["dossiers"]),
        "receipts": number(quality.fees["count"]),
        **{k: number(quality.feedback[k]) for k in ("received", "answered_on_time", "answered_late", "open")},
        "tickets": number(quality.queue.tickets),
        "no_shows": number(quality.queue.no_shows),
    }


@login_required
def dashboard(request):
    try:
        query = _query(request)
    except StatsQueryError as exc:
        return render(request, "dashboards/error.html", {"errors": exc.message_dict}, status=400)
    base = {"date_from": query.date_from, "date_to": query.date_to, "filters": query.filters}
    compare_by = request.GET.get("compare") if request.GET.get("compare") in COMPARE else "agency"
    months, compared = figures.compute_with_months(**base, group_by=compare_by)
    whole = figures.total(compared)
    params = request.GET.copy()
    params["date_from"], params["date_to"] = query.date_from.isoformat(), query.date_to.isoformat()
    ranges = {lo.replace(day=1): (lo, hi) for lo, hi in figures.month_ranges(query.date_from, query.date_to)}
    month_link = _linker(params, "date_from", "date_to")
    for row in months:
        lo, hi = ranges[date.fromisoformat(row.key + "-01")]
        row.qs = month_link(date_from=lo.isoformat(), date_to=hi.isoformat())
    compared_link = _linker(params, compare_by)
    for row in compared:
        row.qs = compared_link(**{compare_by: row.key})
    list_url = reverse("dashboards:dossiers")
    number = _numbers()
    query_string = params.urlencode()
    totals = whole.figures
    digitisation = [
        {
            "label": figures.FIGURES[rate_key][0],
            "rate": number(totals[rate_key]),
            "part": number(totals[part]),
            "part_href": f"{list_url}?{query_string}&bucket={part}",
            "whole": number(totals[of]),
        }
        for rate_key, part, of in DIGITISATION
    ]
    headline = [
        (
            figures.FIGURES[k][0],
            number(totals[k]),
            None if k.endswith("_rate") else f"{list_url}?{query_string}&bucket={k}",
        )
        for k in HEADLINE
    ]
    quality = service_quality(
        request.user, date_from=query.date_from, date_to=query.date_to, whole=whole, scope=query.filters.scope
    )
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "query": query,
            "whole": whole,
            "headline": headline,
            "header_cells": _header_cells(),
            "months": months,
            "month_rows": _table_rows(months, list_url, number),
            "month_bars": _bars(months, "received", number),
            "chart_width": str(20 + 40 * len(months)),  # plain digits, never grouped
            "compared": compared,
            "compared_rows": _table_rows(compared, list_url, number),
            "compare_by": compare_by,
            "compare_choices": COMPARE,
            "params": params,
            "query_string": query_string,
            "digitisation": digitisation,
            "quality": quality,
            "shown": _quality_shown(quality, number),
        },
    )


@login_required
def dossier_list(request):
    try:
        query = _query(request)
    except StatsQueryError as exc:
        return render(request, "dashboards/error.html", {"errors": exc.message_dict}, status=400)
    bucket = request.GET.get("bucket", "")
    if bucket not in figures.COUNTS and bucket not in figures.LOST:
        return render(
            request,
            "dashboards/error.html",
            {"errors": {"bucket": [_("Chỉ tiêu không hợp lệ.")]}},
            status=400,
        )
    page = Paginator(dossiers_behind(query, bucket), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/dossiers.html",
        {
            "page": page,
            "bucket_label": figures.FIGURES[bucket][0] if bucket in figures.FIGURES else figures.LOST[bucket],
            "query": query,
            "params": request.GET.copy(),
        },
    )


def _report_rows(query):
    rows = figures.compute(
        date_from=query.date_from,
        date_to=query.date_to,
        group_by=query.group_by or "field",
        filters=query.filters,
    )
    (whole,) = figures.compute(date_from=query.date_from, date_to=query.date_to, filters=query.filters)
    whole.label = _("Tổng cộng")
    return rows + [whole]


@login_required
def report(request, fmt: str):
    """The periodic report (form 06, Circular 01/2020/TT-VPCP) as CSV or XLSX (``form06``)."""
    try:
        query = _query(request)
    except StatsQueryError as exc:
        return render(request, "dashboards/error.html", {"errors": exc.message_dict}, status=400)
    rows = _report_rows(query)
    name = f"bao-cao-mau-06-{query.date_from:%Y%m%d}-{query.date_to:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(
            spreadsheets.to_csv(form06.csv_rows(query, rows)), content_type=spreadsheets.CSV_TYPE
        )
    else:
        response = HttpResponse(
            spreadsheets.official_xlsx(form06.xlsx_report(query, rows, request.user)),
            content_type=spreadsheets.XLSX_TYPE,
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def public_results(request):
    """Công khai kết quả: on-time figures by agency and the resolved dossiers, names masked."""
    from dashboards.query import StatsQuery
    from dashboards.selectors import mask_name, public_resolved
    from dossiers.services import punctuality

    try:
        asked = parse(request.GET, request.user)
    except StatsQueryError as exc:
        return render(request, "dashboards/error.html", {"errors": exc.message_dict}, status=400)
    query = StatsQuery(
        date_from=asked.date_from, date_to=asked.date_to, group_by="agency", filters=figures.Filters()
    )
    agencies = figures.compute(date_from=query.date_from, date_to=query.date_to, group_by="agency")
    page = Paginator(public_resolved(query), 50).get_page(request.GET.get("page"))
    labels = {"early": _("Trước hạn"), "on_time": _("Đúng hạn"), "late": _("Quá hạn")}
    for d in page:
        d.masked_name = mask_name(d.applicant_name)
        d.punctuality_label = labels.get(punctuality(d) or "", "")
    return render(request, "dashboards/public.html", {"query": query, "agencies": agencies, "page": page})

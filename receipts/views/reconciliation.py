"""Fee reconciliation: by agency and month, by clerk and day; page, CSV and XLSX."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import require
from receipts import reconciliation, spreadsheets
from receipts.forms import ReconcileForm


@login_required
@require_GET
def reconcile(request):
    require(request.user, "fee.reconcile")
    form = ReconcileForm(request.GET)
    form.is_valid()  # a bad month or day shows its error; the current month and day are used
    today = timezone.localdate()
    year, month = form.cleaned_data.get("month") or (today.year, today.month)
    day = form.cleaned_data.get("day") or today
    agency_rows, agency_totals = reconciliation.by_agency_month(request.user, year, month)
    clerk_rows, clerk_totals = reconciliation.by_clerk_day(request.user, day)
    export = request.GET.get("export", "")
    if export:
        table, kind = export.rsplit(".", 1) if "." in export else (export, "")
        if table == "co-quan":
            columns, body = reconciliation.agency_table(agency_rows, agency_totals)
            name, title = f"doi-soat-co-quan-{year}-{month:02d}", "Theo cơ quan"
        else:
            columns, body = reconciliation.clerk_table(clerk_rows, clerk_totals)
            name, title = f"doi-soat-nguoi-thu-{day:%Y-%m-%d}", "Theo người thu"
        if kind == "xlsx":
            response = HttpResponse(
                spreadsheets.to_xlsx(title, [columns, *body]), content_type=spreadsheets.XLSX_TYPE
            )
        else:
            response = HttpResponse(spreadsheets.to_csv([columns, *body]), content_type=spreadsheets.CSV_TYPE)
            kind = "csv"
        response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
        return response
    query = f"month={year}-{month:02d}&day={day:%Y-%m-%d}"
    return render(
        request,
        "receipts/reconcile.html",
        {
            "form": form,
            "year": year,
            "month": month,
            "day": day,
            "agency_rows": agency_rows,
            "agency_totals": agency_totals,
            "clerk_rows": clerk_rows,
            "clerk_totals": clerk_totals,
            "query": query,
        },
    )

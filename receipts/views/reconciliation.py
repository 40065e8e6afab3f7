"""Fee reconciliation: by owning agency and month (with the transfer statement), by collecting
agency and month, by clerk and day; page, CSV, XLSX and PDF."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import require
from procedures.models import Agency
from receipts import reconciliation, spreadsheets
from receipts.forms import ReconcileForm
from receipts.models import PaymentMethod
from receipts.papers import header
from receipts.views.common import serve_paper
from web.money import amount_in_words


@login_required
@require_GET
def reconcile(request):
    require(request.user, "fee.reconcile")
    today = timezone.localdate()
    # The boxes show the month and day the tables are for: today's unless the query names others.
    data = {"month": f"{today:%Y-%m}", "day": f"{today:%Y-%m-%d}"}
    data.update((key, value) for key, value in request.GET.items() if key in data and value)
    form = ReconcileForm(data)
    form.is_valid()  # a bad month or day shows its error; the current month and day are used
    first = form.cleaned_data.get("month") or today.replace(day=1)
    year, month = first.year, first.month
    day = form.cleaned_data.get("day") or today
    owner_rows, owner_totals = reconciliation.by_owner_month(request.user, year, month)
    agency_rows, agency_totals = reconciliation.by_agency_month(request.user, year, month)
    clerk_rows, clerk_totals = reconciliation.by_clerk_day(request.user, day)
    export = request.GET.get("export", "")
    if export:
        table, kind = export.rsplit(".", 1) if "." in export else (export, "")
        if table == "co-quan-huong":
            columns, body = reconciliation.owner_table(owner_rows, owner_totals)
            name, title = f"doi-soat-co-quan-huong-{year}-{month:02d}", "Theo cơ quan hưởng"
        elif table == "co-quan":
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
            "owner_rows": owner_rows,
            "owner_totals": owner_totals,
            "agency_rows": agency_rows,
            "agency_totals": agency_totals,
            "clerk_rows": clerk_rows,
            "clerk_totals": clerk_totals,
            "query": query,
        },
    )


@login_required
@require_GET
def transfer_statement(request):
    """The month's transfer statement (bảng kê nộp tiền) for one owning agency: a printable page
    or a PDF the center's accountant prints and the department signs."""
    require(request.user, "fee.reconcile")
    form = ReconcileForm(request.GET)
    if not form.is_valid() or not request.GET.get("month"):
        raise Http404
    first = form.cleaned_data["month"]
    year, month = first.year, first.month
    try:
        owner = Agency.objects.select_related("parent").get(pk=int(request.GET.get("owner", "")))
    except (ValueError, Agency.DoesNotExist) as exc:
        raise Http404 from exc
    statement = reconciliation.transfer_statement(request.user, owner.pk, year, month)
    # The collecting desk heads the statement (the one that collected, when there is one);
    # several desks: the reader's agency, with the desks named.
    desks = statement["desk_agencies"]
    desk = desks[0] if len(desks) == 1 else (request.user.agency or owner)
    context = {
        **statement,
        "owner": owner,
        "year": year,
        "month": month,
        "in_words": amount_in_words(statement["total"]),
        "header": header(desk, desk=False),
        "header_desks": [desk.name],
        "today": timezone.localdate(),
        "methods": PaymentMethod,
    }
    query = f"owner={owner.pk}&month={year}-{month:02d}"
    url = reverse("receipts:transfer_statement")
    return serve_paper(
        request,
        "receipts/papers/transfer.html",
        context,
        as_pdf=request.GET.get("format") == "pdf",
        filename=f"bang-ke-nop-tien-{owner.code}-{year}-{month:02d}",
        html_url=f"{url}?{query}",
        pdf_url=f"{url}?{query}&format=pdf",
        back_url=f"{reverse('receipts:reconcile')}?month={year}-{month:02d}",
    )

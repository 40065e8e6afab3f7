from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import require
from national import selectors
from national.forms import PeriodForm


@login_required
def reconciliation(request):
    """Per day: dossiers and messages sent to the national portal, accepted, refused, pending."""
    require(request.user, "national.reconcile")
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    date_from, date_to = today - timedelta(days=13), today
    if form.is_bound and form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
    rows, totals = selectors.reconciliation(date_from, date_to)
    return render(
        request,
        "national/reconciliation.html",
        {
            "form": form,
            "rows": rows,
            "totals": totals,
            "date_from": date_from,
            "date_to": date_to,
            "problems": selectors.problems(),
        },
    )
